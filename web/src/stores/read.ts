// The read marker for the open room: what the reader has had on screen counts as read,
// and the server hears about it at most once a second (it drives `unread` in every device's
// room list). Stops with the component that created it.
import { createEffect, on, onCleanup } from "solid-js";

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
