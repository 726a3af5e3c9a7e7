// Who is signed in. The token and user survive reloads in localStorage; the API module and the
// room socket read the token through `session.token()` at call time, so a new sign-in is picked
// up by the next request or reconnect without wiring.
import { createSignal } from "solid-js";
import type { User } from "../../shared/wire";
import { api, configureApi, type Session } from "./api";
import { forgetWritten } from "./stores/outbox";

const KEY = "parlor.session";
/** The longest a socket waits for a token refresh in flight before dialling. */
const SETTLE_WAIT_MS = 5000;

/** A numeric claim (seconds since the epoch) from a JWT, or null if it has none or is not a JWT. */
function claim(token: string, name: "exp" | "iat"): number | null {
  try {
    const part = token.split(".")[1];
    if (!part) return null;
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    const value = (JSON.parse(json) as Record<string, unknown>)[name];
    return typeof value === "number" ? value : null;
  } catch {
    return null;
  }
}

/** Seconds-since-epoch expiry from a JWT, or null if it has none or is not a JWT. */
export const tokenExpiry = (token: string) => claim(token, "exp");

/** Whether a token is past half its lifetime (and not yet expired): time to trade it for a new one. */
export function tokenNeedsRefresh(token: string, nowMs = Date.now()): boolean {
  const exp = claim(token, "exp");
  const iat = claim(token, "iat");
  if (exp === null || iat === null) return false;
  const now = nowMs / 1000;
  return now >= iat + (exp - iat) / 2 && now < exp;
}

/** A session as kept: with how far the server's clock is from this device's, when that is far. */
type Kept = Session & { skewMs?: number };
/** A device clock more than this off the server's is corrected for. */
const FAR_OFF_MS = 3600_000;

/** The server's time as this device reckons it. A clock days off would otherwise make every
 * fresh token look half-spent (traded again at each check) or run out (signed out at start). */
const serverNow = (s: Kept | null | undefined) => Date.now() + (s?.skewMs ?? 0);

/** How far the server's clock is from this device's, from a token it has just issued (its iat);
 * undefined when within FAR_OFF_MS, which changes nothing for a week-long token. */
function skewOf(token: string): number | undefined {
  const iat = claim(token, "iat");
  const skew = iat === null ? 0 : iat * 1000 - Date.now();
  return Math.abs(skew) > FAR_OFF_MS ? skew : undefined;
}

const runOut = (s: Kept) => {
  const exp = tokenExpiry(s.token);
  return exp !== null && exp * 1000 < serverNow(s);
};

/** How long a tab that waited for another's refresh looks for that tab's token in its storage. */
const HANDOVER_WAIT_MS = 2000;

/** Runs `work` holding this browser's token refresh across tabs (Web Locks), so two tabs never
 * trade the same token at once (the second would be refused, and sign every tab out); alone where
 * the browser has no locks. `waited`: another tab held it first. */
async function acrossTabs(work: (waited: boolean) => Promise<void>): Promise<void> {
  const locks = globalThis.navigator?.locks;
  if (!locks) return work(false);
  const ran = await locks.request("parlor.refresh", { ifAvailable: true }, async (lock) => {
    if (lock) await work(false);
    return lock !== null;
  });
  if (!ran) await locks.request("parlor.refresh", () => work(true));
}

export function createSession(storage: Pick<Storage, "getItem" | "setItem" | "removeItem">) {
  const stored = (): Kept | null => {
    try {
      const s = JSON.parse(storage.getItem(KEY) ?? "null") as Kept | null;
      return s?.token && s.user ? s : null;
    } catch {
      return null;
    }
  };
  const read = (): Kept | null => {
    const s = stored();
    return s && !runOut(s) ? s : null;
  };
  const atStart = stored();
  const expiredAtStart = !!atStart && runOut(atStart);
  // A session that ran out while the app was closed is gone, and the sign-in page says so.
  if (expiredAtStart) storage.removeItem(KEY);
  const [current, setCurrent] = createSignal<Kept | null>(read());
  /** Why the user was signed out, shown once on the sign-in screen. */
  const [notice, setNotice] = createSignal<string | null>(expiredAtStart ? "Your session expired. Please sign in again." : null);
  /** Whose session ended on its own (ran out, or was ended elsewhere): sign-in offers them again. */
  const [lastUsername, setLastUsername] = createSignal<string | null>(expiredAtStart ? (atStart?.user.username ?? null) : null);

  /** What storage holds once it no longer holds `token`, or after HANDOVER_WAIT_MS. */
  const replacedIn = async (token: string): Promise<Kept | null> => {
    const until = Date.now() + HANDOVER_WAIT_MS;
    while (stored()?.token === token && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    return read();
  };

  /** The refresh in flight, if any: one at a time per tab. */
  let refreshing: Promise<void> | undefined;

  /** A session the server has just given (signed in, refreshed), or the same token's new user. */
  const signIn = (s: Session) => {
    const had = current();
    const kept: Kept = { ...s, skewMs: had?.token === s.token ? had.skewMs : skewOf(s.token) };
    storage.setItem(KEY, JSON.stringify(kept));
    setNotice(null);
    setCurrent(kept);
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
      return exp !== null && exp * 1000 <= serverNow(current());
    },
    signIn,
    updateUser(user: User) {
      const s = current();
      if (s) signIn({ ...s, user });
    },
    /**
     * Sliding sessions: someone who keeps coming back is never signed out. Past half its
     * lifetime, the token is traded for a fresh one (POST /api/auth/refresh); the sockets the
     * old one opened are closed (4002) and come back with the new one, as every later request. A refusal (401) signs out through the API module; a
     * network failure is left for the next try.
     */
    keepFresh(refresh: () => Promise<Session>): Promise<void> {
      const s = current();
      if (refreshing || !s || !tokenNeedsRefresh(s.token, serverNow(s))) return refreshing ?? Promise.resolve();
      refreshing = acrossTabs(async (waited) => {
        // Another tab refreshed (or signed out) while this one waited: its token is the one. It
        // reaches this tab's storage a moment after that tab's lock is let go, not with it.
        const latest = waited ? await replacedIn(s.token) : read();
        if (latest?.token !== s.token) {
          if (latest && current()?.token === s.token) setCurrent(latest);
          return;
        }
        try {
          const next = await refresh();
          if (current()?.token === s.token) signIn(next);
        } catch {
          // Offline, or the server said no (then the API module has signed out already).
        }
      }).finally(() => {
        refreshing = undefined;
      });
      return refreshing;
    },
    /** Settles once no refresh is in flight, however long that takes: a request refused for the
     * old token learns whether a new one came (then it is sent again) or not (the session ended). */
    refreshed: (): Promise<void> => refreshing ?? Promise.resolve(),
    /** Settles once no refresh is in flight (a socket about to dial waits for the new token), or
     * after SETTLE_WAIT_MS: a trade that hangs must not hold every socket back. */
    settled: (): Promise<void> =>
      refreshing ? Promise.race([refreshing, new Promise<void>((resolve) => setTimeout(resolve, SETTLE_WAIT_MS))]) : Promise.resolve(),
    lastUsername,
    signOut(reason?: string) {
      // Signed out by a reason (not by choice): the sign-in page fills in who it was.
      setLastUsername(reason ? (current()?.user.username ?? null) : null);
      storage.removeItem(KEY);
      setNotice(reason ?? null);
      setCurrent(null);
    },
    /** Another tab signed in, refreshed (the old token no longer works) or signed out. */
    reread() {
      const s = read();
      if (s?.token !== current()?.token) setCurrent(s);
    },
  };
}

/** Ends the session on the server (best effort: offline, the token still expires), then here. */
export async function signOutEverywhere(all: boolean, store: SessionStore = session): Promise<void> {
  try {
    await (all ? api.logoutAll() : api.logout());
  } catch {
    // Already ended, or offline: signing out locally is what matters to the person.
  }
  store.signOut(all ? "You were signed out on every device." : undefined);
  forgetWritten(globalThis.sessionStorage);
}

export type SessionStore = ReturnType<typeof createSession>;

export const session = createSession(globalThis.localStorage);

/** Why a tab was signed out when the server ended its session. */
export const SESSION_ENDED = "Your session has ended. Please sign in again.";

// A refresh rotates the token: every tab must switch to the new one.
globalThis.addEventListener?.("storage", (e: StorageEvent) => {
  if (e.key === KEY) session.reread();
});

configureApi({
  token: session.token,
  settled: session.refreshed,
  onUnauthorized: () => session.signOut(SESSION_ENDED),
});

/** Checks the token now, hourly, and whenever the tab comes back into view; returns a stop. */
export function keepSessionFresh(store: SessionStore = session, refresh: () => Promise<Session> = api.refresh): () => void {
  const check = () => void store.keepFresh(refresh);
  const onVisible = () => {
    if (document.visibilityState === "visible") check();
  };
  check();
  const timer = setInterval(check, 60 * 60_000);
  document.addEventListener("visibilitychange", onVisible);
  return () => {
    clearInterval(timer);
    document.removeEventListener("visibilitychange", onVisible);
  };
}
