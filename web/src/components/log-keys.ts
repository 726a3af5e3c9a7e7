// The keyboard in the message log. One message is in the tab order: the one focused while focus
// stays in the log, else the newest. Tab from the log reaches it without walking (and
// scrolling) through the buttons of every message before it, Shift+Tab from a message goes
// back to the log, and the arrow keys, Home and End move between messages.
import { createMemo, createSignal } from "solid-js";

const ROW = ".msg[data-seq]";

const MOVES: Record<string, (i: number, n: number) => number> = {
  ArrowUp: (i) => i - 1,
  ArrowDown: (i) => i + 1,
  Home: () => 0,
  End: (_, n) => n - 1,
};

/** `scroller`: the log element; `seqs`: the seqs of the rows in its window, oldest first. */
export function createLogKeys(scroller: () => HTMLElement, seqs: () => number[]) {
  const [focused, setFocused] = createSignal<number | null>(null);
  const tabStop = createMemo(() => {
    const seq = focused();
    const rows = seqs();
    return seq !== null && rows.includes(seq) ? seq : rows.at(-1);
  });
  const inLog = (node: EventTarget | null) => scroller().contains(node as Node | null);

  function onKeyDown(e: KeyboardEvent) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const row = e.target as HTMLElement;
    const log = scroller();
    if (e.key === "Tab") {
      const stop = log.querySelector<HTMLElement>(`.msg[data-seq="${tabStop()}"]`);
      const to = row === log && !e.shiftKey ? stop : e.shiftKey && row.matches(ROW) ? log : null;
      if (!to) return;
      e.preventDefault();
      to.focus();
      return;
    }
    const move = MOVES[e.key];
    if (!move || !row.matches(ROW)) return;
    const rows = [...log.querySelectorAll<HTMLElement>(ROW)];
    const next = rows[Math.max(0, Math.min(rows.length - 1, move(rows.indexOf(row), rows.length)))];
    if (!next || next === row) return;
    e.preventDefault();
    next.focus();
  }

  function onFocusIn(e: FocusEvent) {
    const row = (e.target as HTMLElement).closest?.<HTMLElement>(ROW);
    // Coming into the log from outside starts again from the newest (a focused message that was
    // removed, a tombstone's buttons say, left no focusout behind).
    if (row) setFocused(Number(row.dataset.seq));
    else if (!inLog(e.relatedTarget)) setFocused(null);
  }

  function onFocusOut(e: FocusEvent) {
    if (!inLog(e.relatedTarget)) setFocused(null);
  }

  return { tabStop, onKeyDown, onFocusIn, onFocusOut };
}
