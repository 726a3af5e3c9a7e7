// What the reader has read of the log: a message counts once its row has been on screen (it
// reached the bottom of the view), not when it arrives, so what comes while they are up in the
// history, or while the tab is hidden (no frames are drawn then), stays unread until they get
// to it; and only what follows on from what was read: a jump past unread messages (a search hit
// far down) leaves them unread, unless it lands at the bottom. This drives the read marker, the jump button's "N new messages" and the "New messages"
// line, which marks where the latest unread run starts: at opening, the first message after what
// had been read (stores/read.ts says how far); later, the first one to arrive with everything
// before it read. Sending clears it.
import { createEffect, createMemo, createSignal, on, onMount, untrack } from "solid-js";
import type { Message } from "../../../shared/wire";
import { lowerBound, seqAtBottom, seqAtTop } from "./log-layout";

type Log = {
  messages: readonly Message[];
  hasMoreBefore: boolean;
  /** The reader's own sends on their way. */
  pending: readonly unknown[];
  myId: string | undefined;
  /** How far the reader had read when the room opened, if known. */
  readAtOpen?: number;
  onRead?: (seq: number) => void;
};

/** `following`: the reader is at the bottom; `lastRendered`: the last message in the DOM, for a
 * count before the first look. */
export function createLogRead(log: Log, scroller: () => HTMLElement, following: () => boolean, lastRendered: () => number | undefined) {
  const last = () => log.messages.at(-1)?.seq ?? 0;
  const mine = (m: Message) => m.author.kind === "user" && m.author.id === log.myId;
  // Read: what was read before (as the room opened; not known, all of it; your own messages and
  // all before them, whatever a stale list said), and what the log has had on screen since.
  const before = untrack(() => Math.max(log.readAtOpen ?? last(), log.messages.findLast(mine)?.seq ?? 0));
  const [seen, setSeen] = createSignal(0);
  const read = () => Math.max(before, seen());
  const [newFrom, setNewFrom] = createSignal(untrack(() => (before < last() ? before + 1 : undefined)));

  /** The last message on screen. */
  const [reached, setReached] = createSignal<number>();
  /** Reads what is on screen now, if it runs on from what was read or reaches the bottom. */
  const look = () => {
    const seq = seqAtBottom(scroller());
    setReached(seq);
    if (seq === undefined || seq <= seen()) return;
    if (following() || (seqAtTop(scroller()) ?? 0) <= read() + 1) setSeen(seq);
  };
  /** Messages below the screen, read or not (by seq, gap-free: unloaded ones count too). */
  const below = () => last() - (reached() ?? lastRendered() ?? 0);
  createEffect(on(read, (seq) => log.onRead?.(seq)));
  // What the room opened on (a short room scrolls nowhere, so no scroll event says it).
  onMount(() => requestAnimationFrame(look));

  createEffect(
    on(last, (seq, was) => {
      const m = log.messages.at(-1);
      if (was === undefined || !m || seq <= was) return;
      // Your own message (from another device too) is read, and so is all before it.
      if (mine(m)) return setSeen(Math.max(seen(), seq));
      const theirs = m.author.kind !== "system";
      if (theirs && read() >= was && (!following() || document.visibilityState === "hidden")) setNewFrom(seq);
      // Once it is drawn (in a hidden tab, when the tab shows again).
      requestAnimationFrame(look);
    }),
  );

  // Writing a message is catching up: the divider has done its job.
  createEffect(
    on(
      () => log.pending.length,
      (n, was = 0) => n > was && setNewFrom(undefined),
      { defer: true },
    ),
  );

  /** Messages after the last one read (by seq, so ones not loaded yet count too). */
  const unread = () => Math.max(0, last() - read());
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  return {
    look,
    /** The jump button's words: what is new below, else how far the latest is. */
    jumpLabel: () => (unread() > 0 ? plural(unread(), "new message") : below() > 0 ? plural(below(), "newer message") : "Jump to latest"),
    /** The seq of the message the "New" divider goes before, if it is loaded. */
    newAt: createMemo(() => {
      const from = newFrom();
      const list = log.messages;
      const at = from === undefined ? -1 : lowerBound(list, from);
      // Not drawn over a later message while the first new one is not loaded yet.
      return at < 0 || (at === 0 && list[0] && list[0].seq > (from ?? 0) && log.hasMoreBefore) ? undefined : list[at]?.seq;
    }),
  };
}
