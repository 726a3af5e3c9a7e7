// The read marker for the open room: what the reader has had on screen counts as read,
// and the server hears about it at most once a second (it drives `unread` in every device's
// room list). Stops with the component that created it.
import { createEffect, createMemo, createSignal, on, onCleanup, untrack } from "solid-js";
import { failedOnTheWay } from "../api";

/** After a failed mark, the first retry; each next one waits twice as long, up to RETRY_MAX_MS. */
const RETRY_FIRST_MS = 2000;
const RETRY_MAX_MS = 30_000;

export function createReadMarker(lastSeq: () => number, send: (seq: number) => Promise<unknown>, everyMs = 1000) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sent = 0;
  let retryMs = RETRY_FIRST_MS;
  let stopped = false;
  /** The timer set is a retry's: a new message need not wait for it. */
  let retrying = false;

  const flush = () => {
    timer = undefined;
    retrying = false;
    const seq = lastSeq();
    if (seq <= sent) return;
    sent = seq;
    send(seq).then(
      () => {
        retryMs = RETRY_FIRST_MS;
      },
      (err: unknown) => {
        // Not marked (offline, or the server restarting): tried again by itself, sooner or
        // later, or at once with the next message or the next time the tab shows. One refused
        // (no longer a member, the room deleted) is not tried by itself.
        sent = 0;
        if (stopped || timer || !failedOnTheWay(err)) return;
        timer = setTimeout(flush, retryMs);
        retrying = true;
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
      },
    );
  };
  const mark = () => {
    if (retrying && lastSeq() > sent) {
      clearTimeout(timer);
      timer = undefined;
      retrying = false;
    }
    if (timer || document.visibilityState !== "visible" || lastSeq() <= sent) return;
    timer = setTimeout(flush, everyMs);
  };

  createEffect(on(lastSeq, mark));
  document.addEventListener("visibilitychange", mark);
  onCleanup(() => {
    stopped = true;
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
