// The read marker for the open room: what the reader has had on screen counts as read,
// and the server hears about it at most once a second (it drives `unread` in every device's
// room list). Stops with the component that created it.
import { createEffect, createMemo, createSignal, on, onCleanup, untrack } from "solid-js";

export function createReadMarker(lastSeq: () => number, send: (seq: number) => Promise<unknown>, everyMs = 1000) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sent = 0;

  const flush = () => {
    timer = undefined;
    const seq = lastSeq();
    if (seq <= sent) return;
    sent = seq;
    // A failed mark is retried with the next message or the next time the tab shows.
    send(seq).catch(() => {
      sent = 0;
    });
  };
  const mark = () => {
    if (timer || document.visibilityState !== "visible" || lastSeq() <= sent) return;
    timer = setTimeout(flush, everyMs);
  };

  createEffect(on(lastSeq, mark));
  document.addEventListener("visibilitychange", mark);
  onCleanup(() => {
    // Leaving the room within the second: what was read still counts.
    if (timer) flush();
    clearTimeout(timer);
    document.removeEventListener("visibilitychange", mark);
  });
}

/** The open room's reading: how far the person had read when it opened (the room list says, or,
 * when it does not list the room yet or a search filters it out, their membership fetched with
 * the room), and the read marker, moved by what the log has had on screen (`setReadTo`). */
export function createRoomReading(deps: {
  listed: () => number | undefined;
  fetched: () => number | undefined;
  /** The room's fetch is over, fetched or failed: no more to wait for. */
  fetchDone: () => boolean;
  markRead: (seq: number) => Promise<unknown>;
}) {
  const listed = untrack(deps.listed);
  // The first answer stays (a memo, not an effect: whatever reads it next sees it at once).
  const atOpen = createMemo<number | undefined>((was) => was ?? listed ?? deps.fetched());
  const [readTo, setReadTo] = createSignal(0);
  createReadMarker(readTo, deps.markRead);
  return { atOpen, known: () => atOpen() !== undefined || deps.fetchDone(), readTo, setReadTo };
}
