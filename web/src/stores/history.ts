// Opening a room at a message far back in its history (a search hit): the page around that
// message is fetched and merged into the room's message store beside the latest page, which
// leaves a gap between the two. Seqs have no holes on the server, so a gap is simply two
// neighbouring messages whose seqs are not consecutive; it fills page by page as the reader
// scrolls towards it, from above or from below. The live log and the socket are untouched:
// the socket still resumes after the newest message the room has sent.
import { createEffect, createMemo, createSignal, on } from "solid-js";
import type { Message } from "../../../shared/wire";
import type { MessageStore } from "./messages";

export type Gap = { after: number; before: number };
type Page = { messages: Message[]; hasMore: boolean };
type Query = { before?: number; after?: number; around?: number; limit: number };

/** Messages fetched each time a gap is read into. */
const FILL = 100;
/** Messages around a jump target: enough to fill a tall screen on both sides. */
const AROUND = 60;

export function gapsIn(list: readonly Message[]): Gap[] {
  const gaps: Gap[] = [];
  for (let i = 1; i < list.length; i++) {
    const a = (list[i - 1] as Message).seq;
    const b = (list[i] as Message).seq;
    if (b - a > 1) gaps.push({ after: a, before: b });
  }
  return gaps;
}

const key = (g: Gap) => `${g.after}:${g.before}`;

export function createHistory(deps: { messages: MessageStore; fetchPage: (q: Query) => Promise<Page> }) {
  // Gaps a fill found nothing in (a server that skipped seqs): not offered again.
  const [settled, setSettled] = createSignal(new Set<string>());
  const gaps = createMemo(() => gapsIn(deps.messages.state.messages).filter((g) => !settled().has(key(g))));
  const inFlight = new Set<string>();

  return {
    gaps,

    /** Makes sure `seq` is loaded; false when the room has no such message. */
    async jumpTo(seq: number): Promise<boolean> {
      if (deps.messages.indexOf(seq) >= 0) return true;
      const first = deps.messages.state.messages[0]?.seq;
      const page = await deps.fetchPage({ around: seq, limit: AROUND });
      if (!page.messages.some((m) => m.seq === seq)) return false;
      // Above everything loaded, the page is the new start of the log and says whether older
      // history exists; anywhere else it only fills in. Neither moves the socket's resume point.
      deps.messages.addPage(page.messages, page.hasMore, first === undefined || seq < first ? "older" : "latest");
      return true;
    },

    /** Reads into a gap: forward from its upper side, or back from its lower side. */
    async fill(gap: Gap, direction: "forward" | "backward"): Promise<void> {
      if (inFlight.has(key(gap))) return;
      inFlight.add(key(gap));
      try {
        const before = deps.messages.state.messages.length;
        const page = await deps.fetchPage(
          direction === "forward" ? { after: gap.after, limit: FILL } : { before: gap.before, limit: FILL },
        );
        deps.messages.addPage(page.messages, page.hasMore, "latest");
        if (deps.messages.state.messages.length === before) setSettled((s) => new Set(s).add(key(gap)));
      } finally {
        inFlight.delete(key(gap));
      }
    },
  };
}

export type History = ReturnType<typeof createHistory>;

/** Where a room's log opens: at a search hit (`at`, a seq; then the address is the room's
 * again), at the first new message when more came than the first page holds (the page around it
 * is fetched first), else at the newest. `ready`: the log may show. */
export function createOpening(deps: {
  history: ReturnType<typeof createHistory>;
  messages: MessageStore;
  /** The first page is in, and how far the reader had read is known (or will not be). */
  loaded: () => boolean;
  readAtOpen: () => number | undefined;
  at: () => string | undefined;
  clearAt: () => void;
  found: (seq: number) => void;
  missing: () => void;
}) {
  const hit = !!deps.at();
  const [jumped, setJumped] = createSignal(!hit);
  createEffect(
    on([deps.loaded, deps.at], async ([loaded, at]) => {
      const seq = Number(at);
      if (!loaded || !at) return;
      const found = Number.isInteger(seq) && seq > 0 && (await deps.history.jumpTo(seq).catch(() => false));
      // The target first: the log opens on it, not on the first new message.
      if (found) deps.found(seq);
      else deps.missing();
      setJumped(true);
      deps.clearAt();
    }),
  );
  const [reachedNew, setReachedNew] = createSignal(hit);
  /** The first new message is older than everything loaded. */
  const newBeyond = () => {
    const read = deps.readAtOpen();
    const { messages, hasMoreBefore } = deps.messages.state;
    return !reachedNew() && read !== undefined && hasMoreBefore && read + 1 < (messages[0]?.seq ?? 0);
  };
  createEffect(
    on(
      () => deps.loaded() && newBeyond(),
      (far) =>
        far &&
        void deps.history
          .jumpTo((deps.readAtOpen() ?? 0) + 1)
          .catch(() => false)
          .finally(() => setReachedNew(true)),
    ),
  );
  // Once shown, the log stays: nothing that loads later takes it away again.
  let shown = false;
  return { ready: () => (shown ||= deps.loaded() && jumped() && !newBeyond()) };
}
