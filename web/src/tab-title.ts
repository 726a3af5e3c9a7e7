// The unread count in the tab's title, "(3) Room · Parlor", as chat apps show it. Screens set
// document.title as they like; this keeps the count in front of whatever they set, watching the
// <title> element, and updates it when the count changes.
import { createEffect, onCleanup } from "solid-js";

const COUNT = /^\(\d+\+?\) /;

/** The title with `count` in front (none at zero), whatever count it carried before. */
export function withUnread(title: string, count: number): string {
  const bare = title.replace(COUNT, "");
  return count > 0 ? `(${count > 99 ? "99+" : count}) ${bare}` : bare;
}

/** Keeps `unread()` in front of the tab's title for the owner's lifetime. */
export function trackUnreadInTitle(unread: () => number): void {
  const apply = () => {
    const next = withUnread(document.title, unread());
    // Only a change is written: the observer below sees our own write too.
    if (next !== document.title) document.title = next;
  };
  createEffect(apply);
  let element = document.querySelector("title");
  if (!element) {
    element = document.createElement("title");
    document.head.append(element);
  }
  const observer = new MutationObserver(apply);
  observer.observe(element, { childList: true, characterData: true, subtree: true });
  onCleanup(() => {
    observer.disconnect();
    document.title = withUnread(document.title, 0);
  });
}
