// Reading into a gap in the log (history loaded around a search hit, short of the latest): a gap
// marker on or near the screen fills from the side the reader approaches it, one page at a time,
// and again while one is still in view.
import type { Gap } from "../stores/history";

type Direction = "forward" | "backward";

/** Returns the function that fills the gap in view, if any (`margin`: how near the screen counts). */
export function createGapFiller(
  log: { gaps?: readonly Gap[]; fillGap?: (gap: Gap, direction: Direction) => Promise<void> },
  scroller: () => HTMLElement,
  margin: number,
  anchored: (change: () => Promise<void>) => Promise<void> | undefined,
  filled: (direction: Direction) => void,
) {
  let filling = false;
  return async function fillVisibleGap(): Promise<void> {
    if (filling || !log.fillGap) return;
    const view = scroller().getBoundingClientRect();
    for (const marker of scroller().querySelectorAll<HTMLElement>(".log-gap")) {
      const box = marker.getBoundingClientRect();
      const gap = log.gaps?.find((g) => g.after === Number(marker.dataset.after));
      if (!gap || box.bottom < view.top - margin || box.top > view.bottom + margin) continue;
      filling = true;
      // Below the middle of the view the reader is reading down into it; above, up into it.
      const direction = box.top > view.top + view.height / 2 ? "forward" : "backward";
      await anchored(async () => {
        await log.fillGap?.(gap, direction);
        filled(direction);
      });
      filling = false;
      requestAnimationFrame(() => void fillVisibleGap());
      return;
    }
  };
}
