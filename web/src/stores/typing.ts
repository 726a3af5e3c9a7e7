// Who is typing in the open room, and this tab's own typing frames. Someone shows for a few
// seconds after their last `typing` frame, or until their message arrives; this tab says it is
// typing at most every 2.5 s.
import { createSignal } from "solid-js";
import type { OnlineUser } from "../../../shared/wire";

const SEND_EVERY = 2_500;
const SHOW_FOR = 4_000;

export type Typist = { user: OnlineUser; until: number };

export function createTyping(myId: () => string | undefined) {
  const [typing, setTyping] = createSignal<Typist[]>([]);
  const without = (id: string) => typing().filter((t) => t.user.id !== id);
  let lastSent = 0;
  const prune = setInterval(() => {
    const now = Date.now();
    if (typing().some((t) => t.until <= now)) setTyping((ts) => ts.filter((t) => t.until > now));
  }, 1_000);
  return {
    typing,
    /** Someone's `typing` frame (this person's own, from another tab, is not shown). */
    saw(user: OnlineUser) {
      if (user.id !== myId()) setTyping([...without(user.id), { user, until: Date.now() + SHOW_FOR }]);
    },
    /** Their message arrived: they are no longer typing it. */
    sent: (userId: string) => setTyping(without(userId)),
    clear: () => setTyping([]),
    /** Whether this tab may say it is typing now (and then counts it as said). */
    due(): boolean {
      const now = Date.now();
      if (now - lastSent < SEND_EVERY) return false;
      lastSent = now;
      return true;
    },
    dispose: () => clearInterval(prune),
  };
}
