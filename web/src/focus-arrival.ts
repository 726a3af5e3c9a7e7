// Arriving on a screen, the focus would be left on the page's body (the link followed is gone),
// or on a sidebar link that stays on screen while everything beside it changed: either way a
// screen reader says nothing of where the person now is. The screen's title takes the focus
// instead, unless the screen already put it somewhere inside itself (a form's first field).
// Not on the page as loaded: there the browser starts at the top, with the skip link first.
import { onMount } from "solid-js";

let navigated = false;

/** The app moved to another screen since the page loaded (the router's root says so). */
export function noteNavigation(): void {
  navigated = true;
}

export function focusTitleOnArrival(title: () => HTMLElement | undefined, screen: () => HTMLElement | undefined): void {
  onMount(() => {
    // A screen waiting on its data (Suspense) is mounted before it is in the document: the focus
    // goes once it is, within a few frames.
    let frames = 30;
    const arrive = () => {
      if (!navigated) return;
      const el = title();
      if (!el?.isConnected) return frames-- > 0 && requestAnimationFrame(arrive);
      const at = document.activeElement;
      if (at && at !== document.body && screen()?.contains(at)) return;
      el.focus({ preventScroll: true });
    };
    queueMicrotask(arrive);
  });
}
