// Who is signed in. The token and user survive reloads in localStorage; the API module and the
// room socket read the token through `session.token()` at call time, so a new sign-in is picked
// up by the next request or reconnect without wiring.
import { createSignal } from "solid-js";
import type { User } from "../../worker/protocol";
import { configureApi, type Session } from "./api";

const KEY = "parlor.session";

/** Seconds-since-epoch expiry from a JWT, or null if it has none or is not a JWT. */
export function tokenExpiry(token: string): number | null {
  try {
    const part = token.split(".")[1];
    if (!part) return null;
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === "number" ? exp : null;
  } catch {
    return null;
  }
}

export function createSession(storage: Pick<Storage, "getItem" | "setItem" | "removeItem">) {
  const read = (): Session | null => {
    try {
      const s = JSON.parse(storage.getItem(KEY) ?? "null") as Session | null;
      if (!s?.token || !s.user) return null;
      const exp = tokenExpiry(s.token);
      return exp !== null && exp * 1000 < Date.now() ? null : s;
    } catch {
      return null;
    }
  };
  const [current, setCurrent] = createSignal<Session | null>(read());
  /** Why the user was signed out, shown once on the sign-in screen. */
  const [notice, setNotice] = createSignal<string | null>(null);

  const signIn = (s: Session) => {
    storage.setItem(KEY, JSON.stringify(s));
    setNotice(null);
    setCurrent(s);
  };

  return {
    current,
    user: (): User | null => current()?.user ?? null,
    token: (): string | null => current()?.token ?? null,
    notice,
    clearNotice: () => setNotice(null),
    expired(): boolean {
      const t = current()?.token;
      const exp = t ? tokenExpiry(t) : null;
      return exp !== null && exp * 1000 <= Date.now();
    },
    signIn,
    updateUser(user: User) {
      const s = current();
      if (s) signIn({ ...s, user });
    },
    signOut(reason?: string) {
      storage.removeItem(KEY);
      setNotice(reason ?? null);
      setCurrent(null);
    },
  };
}

export type SessionStore = ReturnType<typeof createSession>;

export const session = createSession(globalThis.localStorage);

configureApi({
  token: session.token,
  onUnauthorized: () => session.signOut("Your session has expired. Please sign in again."),
});
