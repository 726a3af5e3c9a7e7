import { describe, expect, it, vi } from "vitest";
import type { Session } from "./api";
import { createSession, signOutEverywhere, tokenNeedsRefresh } from "./session";

/** An unsigned JWT-shaped token: the client only reads its claims. */
const token = (iat: number, exp: number) => `h.${btoa(JSON.stringify({ sub: "u1", iat, exp })).replace(/=+$/, "")}.s`;
const user = { id: "u1", username: "ann", displayName: "Ann", createdAt: "2026-01-01T00:00:00.000Z" } as Session["user"];
const memory = () => {
  const m = new Map<string, string>();
  return {
    getItem: (k: string) => m.get(k) ?? null,
    setItem: (k: string, v: string) => void m.set(k, v),
    removeItem: (k: string) => void m.delete(k),
  };
};

/** Web Locks for one lock name, granted in turn as the browser does across tabs. */
function oneAtATime(): LockManager {
  let queue: Promise<unknown> = Promise.resolve();
  let asked = 0;
  const request = (name: string, a: unknown, b?: unknown) => {
    const [opts, work] = (typeof a === "function" ? [{}, a] : [a, b]) as [LockOptions, (lock: Lock | null) => unknown];
    if (opts.ifAvailable && asked > 0) return Promise.resolve(work(null));
    asked++;
    const run = queue.then(() => work({ name, mode: "exclusive" })).finally(() => asked--);
    queue = run.catch(() => {});
    return run;
  };
  return { request, query: async () => ({}) } as unknown as LockManager;
}

describe("sliding sessions", () => {
  it("asks for a new token only past half its lifetime, and never for an expired one", () => {
    const now = Date.now() / 1000;
    expect(tokenNeedsRefresh(token(now - 10, now + 1000))).toBe(false);
    expect(tokenNeedsRefresh(token(now - 600, now + 400))).toBe(true);
    expect(tokenNeedsRefresh(token(now - 1000, now - 1))).toBe(false);
    expect(tokenNeedsRefresh("not a token")).toBe(false);
  });

  it("trades a half-spent token for the fresh one and keeps it across reloads", async () => {
    const now = Date.now() / 1000;
    const storage = memory();
    const s = createSession(storage);
    s.signIn({ token: token(now - 600, now + 400), user });
    const fresh = token(now, now + 1000);
    let calls = 0;
    await s.keepFresh(async () => {
      calls++;
      return { token: fresh, user };
    });
    expect(calls).toBe(1);
    expect(s.token()).toBe(fresh);
    expect(createSession(storage).token()).toBe(fresh);
    // Fresh now: nothing to do.
    await s.keepFresh(async () => {
      calls++;
      return { token: "never", user };
    });
    expect(calls).toBe(1);
  });

  it("reckons with the server's clock when the device's is days off: a fresh token is neither old nor run out", async () => {
    const server = Date.now() / 1000;
    const day = 24 * 3600;
    const storage = memory();
    vi.useFakeTimers({ now: (server + 8 * day) * 1000, toFake: ["Date"] });
    try {
      const s = createSession(storage);
      // Issued just now by the server for 7 days, though the device thinks 8 days have passed.
      s.signIn({ token: token(server, server + 7 * day), user });
      expect(s.expired()).toBe(false);
      expect(createSession(storage).current()?.token).toBe(s.token());
      let calls = 0;
      const refresh = async () => {
        calls++;
        return { token: token(server + 4 * day, server + 11 * day), user };
      };
      await s.keepFresh(refresh);
      expect(calls).toBe(0);
      // Four days on (by either clock), it is half-spent: traded once, and the new one is fresh.
      vi.setSystemTime((server + 12 * day) * 1000);
      await s.keepFresh(refresh);
      await s.keepFresh(refresh);
      expect(calls).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("refreshes once when asked twice at once, and says when it is done", async () => {
    const now = Date.now() / 1000;
    const s = createSession(memory());
    s.signIn({ token: token(now - 600, now + 400), user });
    const fresh = token(now, now + 1000);
    let calls = 0;
    let answer: () => void = () => {};
    const refresh = () => {
      calls++;
      return new Promise<Session>((resolve) => (answer = () => resolve({ token: fresh, user })));
    };
    const [first, second] = [s.keepFresh(refresh), s.keepFresh(refresh)];
    let settled = false;
    void s.settled().then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(settled).toBe(false);
    answer();
    await Promise.all([first, second]);
    expect(calls).toBe(1);
    expect(settled).toBe(true);
    expect(s.token()).toBe(fresh);
  });

  it("lets a socket that waits for a refresh dial after a while when the refresh hangs", async () => {
    vi.useFakeTimers();
    try {
      const now = Date.now() / 1000;
      const s = createSession(memory());
      s.signIn({ token: token(now - 600, now + 400), user });
      void s.keepFresh(() => new Promise<Session>(() => {}));
      let settled = false;
      void s.settled().then(() => (settled = true));
      await vi.advanceTimersByTimeAsync(4_000);
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1_500);
      expect(settled).toBe(true);
      // A request refused for the old token still waits for the refresh's outcome.
      let refreshed = false;
      void s.refreshed().then(() => (refreshed = true));
      await vi.advanceTimersByTimeAsync(60_000);
      expect(refreshed).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it("takes the token another tab refreshed meanwhile instead of trading the old one again", async () => {
    const now = Date.now() / 1000;
    const storage = memory();
    const s = createSession(storage);
    s.signIn({ token: token(now - 600, now + 400), user });
    // Another tab's refresh, whose storage event this tab has not handled yet.
    const theirs = token(now, now + 1000);
    createSession(storage).signIn({ token: theirs, user });
    let calls = 0;
    await s.keepFresh(async () => {
      calls++;
      return { token: "never", user };
    });
    expect(calls).toBe(0);
    expect(s.token()).toBe(theirs);
  });

  it("waits for the token of a tab that traded while this one waited its turn, which reaches storage a moment later", async () => {
    vi.stubGlobal("navigator", { ...navigator, locks: oneAtATime() });
    try {
      const now = Date.now() / 1000;
      const storage = memory();
      const s = createSession(storage);
      s.signIn({ token: token(now - 600, now + 400), user });
      // Another tab holds the refresh; this tab asks meanwhile.
      let release: () => void = () => {};
      const held = new Promise<void>((r) => (release = r));
      const other = navigator.locks.request("parlor.refresh", () => held);
      let calls = 0;
      const mine = s.keepFresh(async () => {
        calls++;
        return { token: "never", user };
      });
      release();
      await other;
      // Its token shows in this tab's storage only after it let go.
      await new Promise((r) => setTimeout(r, 300));
      const theirs = token(now, now + 1000);
      createSession(storage).signIn({ token: theirs, user });
      await mine;
      expect(calls).toBe(0);
      expect(s.token()).toBe(theirs);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("keeps the current token when the refresh fails", async () => {
    const now = Date.now() / 1000;
    const s = createSession(memory());
    const old = token(now - 600, now + 400);
    s.signIn({ token: old, user });
    await s.keepFresh(async () => {
      throw new Error("offline");
    });
    expect(s.token()).toBe(old);
  });
});

describe("a session that ran out while the app was closed", () => {
  it("is gone at start, and the sign-in page is told why", () => {
    const now = Date.now() / 1000;
    const storage = memory();
    storage.setItem("parlor.session", JSON.stringify({ token: token(now - 7200, now - 60), user }));
    const s = createSession(storage);
    expect(s.current()).toBeNull();
    expect(s.notice()).toBe("Your session expired. Please sign in again.");
    expect(storage.getItem("parlor.session")).toBeNull();
    // A live one says nothing.
    storage.setItem("parlor.session", JSON.stringify({ token: token(now, now + 1000), user }));
    expect(createSession(storage).notice()).toBeNull();
  });
});

describe("signing out", () => {
  it("ends the session on the server (one or all), then here, even when the server cannot be reached", async () => {
    const calls: string[] = [];
    const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      calls.push(`${init?.method ?? "GET"} ${String(input)}`);
      if (calls.length === 3) throw new TypeError("offline");
      return new Response(calls.length === 1 ? null : '{"ended":2}', { status: calls.length === 1 ? 204 : 200 });
    });
    vi.stubGlobal("fetch", fetch);
    try {
      for (const all of [false, true, false]) {
        // What the tab kept of what was written goes with a sign-out on purpose; the rest stays.
        sessionStorage.setItem("parlor.draft.u1.r1", "half a thought");
        sessionStorage.setItem("parlor.outbox.u1.r1", "[]");
        sessionStorage.setItem("elsewhere", "kept");
        const s = createSession(memory());
        s.signIn({ token: token(Date.now() / 1000, Date.now() / 1000 + 1000), user });
        await signOutEverywhere(all, s);
        expect(s.current()).toBeNull();
        expect([sessionStorage.getItem("parlor.outbox.u1.r1"), sessionStorage.getItem("elsewhere")]).toEqual([null, "kept"]);
      }
      expect(sessionStorage.getItem("parlor.draft.u1.r1")).toBeNull();
      expect(calls.map((c) => c.replace(/ .*\/api/, " /api"))).toEqual([
        "POST /api/auth/logout",
        "POST /api/auth/logout-all",
        "POST /api/auth/logout",
      ]);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
