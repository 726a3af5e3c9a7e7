// Keeps the message log where the reader left it while its content changes size under them.
// Bubbles reach their final height late (Markdown is laid out, fonts and code colours arrive,
// a reply streams in, the composer grows), so "scroll to the bottom once" is not enough: a
// ResizeObserver watches the content and the viewport, and after every change either pins the
// log to the bottom (while following the conversation) or puts the row the reader was looking
// at back where it was on screen. Only a scroll upwards (the reader's wheel, touch, keys or
// scrollbar) leaves the bottom; content growing never does, since it does not move scrollTop.
// Content that shrinks and grows back between two frames (a row laid out again while something
// reads the layout) clamps scrollTop without a ResizeObserver callback to follow: a small move
// up while following, with no input from the reader just before it, is taken back.
// A row that changes size in place because the reader acted on it (its editor opening) is held
// still instead, and its lower edge is brought into view if it grows past. One held with
// `keepBottom` (an editor opened from the composer, away from the row) keeps a log at the
// bottom pinned there while the whole row still fits, so the newest lines stay in view.

/** A move up while following this small, with no input from the reader in the READER_MS before
 * it, is content clamping the view, not the reader (whose smallest move to leave is 150 px). */
const CLAMP_PX = 150;
const READER_MS = 1000;

export type LogScroll = {
  /** Scroll to the bottom now. */
  toBottom(): void;
  /** Centre a row, and hold it there through the changes that follow. */
  centre(el: HTMLElement): void;
  /** At `line` when what follows it is taller than the view (placed again once drawn: rows above
   * it may still grow meanwhile), else at the bottom. Whether it went to the line. */
  openAt(line: HTMLElement | null): boolean;
  /** Note the row at the top of the view, to hold it still through the next change. */
  remember(): void;
  /** Put the remembered row back where it was. */
  restore(): void;
  /** Hold `el` still through its own changes of size (`on`), even while following (unless
   * `keepBottom` and it fits); or let go. */
  hold(el: HTMLElement, on: boolean, keepBottom?: boolean): void;
  /** Notes a scroll event; returns whether it went up (towards older messages). The log's own
   * scroll handler calls it first, so the answer is about this event, not the one before. A
   * small move up while following that no reader's input caused is undone (see above). */
  scrolled(): boolean;
  dispose(): void;
};

export function createLogScroll(scroller: HTMLElement, content: HTMLElement, following: () => boolean): LogScroll {
  let anchor: { el: HTMLElement; top: number } | null = null;
  let held: HTMLElement | null = null;
  let heldKeepsBottom = false;
  let lastTop = scroller.scrollTop;
  /** When the reader last used a wheel, a key, a pointer or a touch (anywhere: a wheel over the
   * header or the composer scrolls the log too). */
  let inputAt = Number.NEGATIVE_INFINITY;
  const input = () => {
    inputAt = performance.now();
  };
  const INPUTS = ["wheel", "keydown", "pointerdown", "touchstart"] as const;
  for (const type of INPUTS) document.addEventListener(type, input, { capture: true, passive: true });

  const offset = (el: HTMLElement) => el.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
  /** `el` at the top of the view (with a little room above it), held there. */
  const toTop = (el: HTMLElement) => {
    scroller.scrollTop += offset(el) - 8;
    anchor = { el, top: offset(el) };
  };

  const api: LogScroll = {
    toBottom() {
      scroller.scrollTop = scroller.scrollHeight;
      anchor = null;
    },
    centre(el) {
      scroller.scrollTop += offset(el) - (scroller.clientHeight - el.offsetHeight) / 2;
      anchor = { el, top: offset(el) };
    },
    openAt(line) {
      const below = line ? scroller.scrollHeight - scroller.scrollTop - offset(line) : 0;
      if (!line || below <= scroller.clientHeight) {
        api.toBottom();
        return false;
      }
      toTop(line);
      requestAnimationFrame(() => line.isConnected && !following() && toTop(line));
      return true;
    },
    remember() {
      const rows = scroller.querySelectorAll<HTMLElement>("[data-seq]");
      for (const el of rows) {
        const top = offset(el);
        if (top + el.offsetHeight > 0) {
          anchor = { el, top };
          return;
        }
      }
      anchor = null;
    },
    restore() {
      if (!anchor?.el.isConnected) return;
      const shift = offset(anchor.el) - anchor.top;
      if (Math.abs(shift) >= 1) scroller.scrollTop += shift;
    },
    hold(el, on, keepBottom = false) {
      if (on) {
        held = el;
        heldKeepsBottom = keepBottom;
        anchor = { el, top: offset(el) };
      } else if (held === el) held = null;
    },
    // Which way the view moved: content growing does not move scrollTop, the reader does.
    scrolled() {
      const upward = scroller.scrollTop < lastTop - 1;
      const gap = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
      const clamped = upward && following() && gap <= CLAMP_PX && performance.now() - inputAt > READER_MS;
      if (clamped) api.toBottom();
      lastTop = scroller.scrollTop;
      return upward && !clamped;
    },
    dispose() {
      observer.disconnect();
      for (const type of INPUTS) document.removeEventListener(type, input, { capture: true });
    },
  };

  /** The held row stays where it was (or the row the reader scrolled to since), and whatever
   * of it grew below the view comes up into it, short of pushing its top out. */
  const keepHeld = (el: HTMLElement) => {
    api.restore();
    const below = el.getBoundingClientRect().bottom - scroller.getBoundingClientRect().bottom;
    if (below > 0) scroller.scrollTop += Math.min(below, Math.max(0, offset(el)));
    if (anchor) anchor.top = offset(anchor.el);
  };

  /** Whether `el` would still be whole in view with the log scrolled to the bottom. */
  const fitsAtBottom = (el: HTMLElement) => scroller.scrollHeight - (offset(el) + scroller.scrollTop) <= scroller.clientHeight;

  const observer = new ResizeObserver(() => {
    if (held?.isConnected && heldKeepsBottom && following() && fitsAtBottom(held)) api.toBottom();
    else if (held?.isConnected) keepHeld(held);
    else if (following()) api.toBottom();
    else api.restore();
  });
  observer.observe(content);
  observer.observe(scroller);
  return api;
}

/** Can `el`, or an element between it and `until`, scroll further in the wheel's direction? */
function scrollsItself(el: Element | null, until: HTMLElement, dy: number): boolean {
  for (let node = el; node && node !== until; node = node.parentElement) {
    if (!(node instanceof HTMLElement) || node.scrollHeight <= node.clientHeight) continue;
    const overflow = getComputedStyle(node).overflowY;
    if (overflow !== "auto" && overflow !== "scroll") continue;
    if (dy < 0 ? node.scrollTop > 0 : node.scrollTop + node.clientHeight < node.scrollHeight - 1) return true;
  }
  return false;
}

/** A wheel over the room's header, banners or composer scrolls the log: nothing else there
 * scrolls (a long draft in the composer does, first). */
export function forwardWheel(e: WheelEvent, log: HTMLElement) {
  const target = e.target as Element | null;
  if (!target || log.contains(target) || e.ctrlKey) return;
  const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? log.clientHeight : 1;
  if (scrollsItself(target, e.currentTarget as HTMLElement, e.deltaY)) return;
  log.scrollTop += e.deltaY * unit;
}
