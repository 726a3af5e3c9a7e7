// KeyPool: the ledger's rules run against a real object's SQLite storage with a hand-driven
// clock (so windows and cooldowns are exact, with no waiting), and the object itself is
// exercised over RPC with the keys vitest.config.ts binds in the worker-ai project (projects
// that bind no keys skip those RPC tests).

import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseKeys } from "../../shared/api-keys";
import { readConfig } from "../../shared/config";
import { keyPool } from "./key-pool";
import { KeyLedger } from "./ledger";
import { quotaDayStart } from "./quota-day";

/** The vars the pool reads, as a test sets them. */
type KeyPoolEnv = { GEMINI_API_KEYS?: string; KEYS_MAX_PER_MINUTE?: string; KEYS_MAX_PER_DAY?: string; KEYS_COOLDOWN_SECONDS?: string };
const poolConfig = (settings: KeyPoolEnv) => readConfig(settings).keyPool;

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

const namespace = env.KEY_POOL;

function freshPool() {
  return namespace.get(namespace.idFromName(crypto.randomUUID()));
}

/** Runs `body` against a ledger in a fresh object, on a clock the test moves by hand. */
async function withLedger(
  settings: KeyPoolEnv,
  body: (ledger: KeyLedger, clock: { now: number }) => void,
  start = Date.parse("2026-03-02T20:00:00Z"),
): Promise<void> {
  const clock = { now: start };
  await runInDurableObject(freshPool(), (_instance, state) => {
    body(new KeyLedger(state.storage.sql, poolConfig(settings), () => clock.now), clock);
  });
}

function keyIdOf(raw: string, key: string): string {
  const entry = parseKeys(raw).find((e) => e.key === key);
  if (!entry) throw new Error(`no ${key} in ${raw}`);
  return entry.id;
}

const THREE_SOLO = "solo-key-aaaa,solo-key-bbbb,solo-key-cccc";
const GROUPED = "alpha:alpha-key-1111,alpha:alpha-key-2222,beta-key-3333";

function acquiredKey(ledger: KeyLedger): string {
  const result = ledger.acquire();
  if (!result.ok) throw new Error(`expected a key, got retryAfterMs ${result.retryAfterMs}`);
  return result.key;
}

describe("KeyPool ledger", () => {
  it("rotates through the keys, least recently used first", async () => {
    await withLedger({ GEMINI_API_KEYS: THREE_SOLO }, (ledger, clock) => {
      const picks: string[] = [];
      for (let i = 0; i < 4; i++) {
        picks.push(acquiredKey(ledger));
        clock.now += SECOND;
      }
      expect(picks).toEqual(["solo-key-aaaa", "solo-key-bbbb", "solo-key-cccc", "solo-key-aaaa"]);
    });
  });

  it("stops at the per-minute limit and says when the oldest request ages out", async () => {
    await withLedger({ GEMINI_API_KEYS: "only-key-1234", KEYS_MAX_PER_MINUTE: "3" }, (ledger, clock) => {
      for (let i = 0; i < 3; i++) {
        acquiredKey(ledger);
        clock.now += 10 * SECOND;
      }
      // Requests at t=0, 10 s and 20 s; now t=30 s: the first frees a slot at t=60 s.
      expect(ledger.acquire()).toEqual({ ok: false, retryAfterMs: 30 * SECOND });
      clock.now += 30 * SECOND;
      expect(acquiredKey(ledger)).toBe("only-key-1234");
    });
  });

  it("stops at the per-day limit until midnight Pacific time", async () => {
    // 20:00 UTC on 2 March is 12:00 PST; the quota day ends at 08:00 UTC on 3 March.
    await withLedger({ GEMINI_API_KEYS: "only-key-1234", KEYS_MAX_PER_DAY: "2" }, (ledger, clock) => {
      acquiredKey(ledger);
      clock.now += HOUR;
      acquiredKey(ledger);
      clock.now += HOUR;
      expect(ledger.acquire()).toEqual({ ok: false, retryAfterMs: 10 * HOUR });
      clock.now += 10 * HOUR;
      expect(acquiredKey(ledger)).toBe("only-key-1234");
    });
  });

  it("counts keys of one project together, since Gemini limits projects", async () => {
    await withLedger({ GEMINI_API_KEYS: GROUPED, KEYS_MAX_PER_MINUTE: "2" }, (ledger, clock) => {
      const picks: string[] = [];
      for (let i = 0; i < 4; i++) {
        const result = ledger.acquire();
        picks.push(result.ok ? result.key : "none");
        clock.now += SECOND;
      }
      // alpha takes two between its keys, beta two; then everything is at its limit.
      expect(picks).toEqual(["alpha-key-1111", "alpha-key-2222", "beta-key-3333", "beta-key-3333"]);
      expect(ledger.acquire()).toMatchObject({ ok: false });
      const status = ledger.status();
      expect(status.keys.map((k) => k.requestsThisMinute)).toEqual([2, 2, 2]);
    });
  });

  it("rests a rate-limited key's whole project for at least Gemini's retryDelay", async () => {
    await withLedger({ GEMINI_API_KEYS: GROUPED, KEYS_COOLDOWN_SECONDS: "5" }, (ledger, clock) => {
      ledger.reportRateLimited(keyIdOf(GROUPED, "alpha-key-1111"), 13 * SECOND);
      clock.now += SECOND;
      expect(acquiredKey(ledger)).toBe("beta-key-3333");
      clock.now += SECOND;
      ledger.reportRateLimited(keyIdOf(GROUPED, "beta-key-3333"), 20 * SECOND);
      // alpha frees at 13 s, beta at 22 s; it is now 2 s.
      expect(ledger.acquire()).toEqual({ ok: false, retryAfterMs: 11 * SECOND });
      clock.now += 11 * SECOND;
      expect(acquiredKey(ledger)).toBe("alpha-key-1111");
    });
  });

  it("falls back to KEYS_COOLDOWN_SECONDS when a 429 came without a retry delay", async () => {
    await withLedger({ GEMINI_API_KEYS: "only-key-1234", KEYS_COOLDOWN_SECONDS: "45" }, (ledger) => {
      ledger.reportRateLimited(keyIdOf("only-key-1234", "only-key-1234"));
      expect(ledger.acquire()).toEqual({ ok: false, retryAfterMs: 45 * SECOND });
    });
  });

  it("benches only the key that was refused, and shows the error in status", async () => {
    await withLedger({ GEMINI_API_KEYS: GROUPED }, (ledger, clock) => {
      const refused = keyIdOf(GROUPED, "alpha-key-1111");
      ledger.reportError(refused, "API key not valid", HOUR);
      const picks = [acquiredKey(ledger), acquiredKey(ledger), acquiredKey(ledger)];
      expect(picks).not.toContain("alpha-key-1111");
      const entry = ledger.status().keys.find((k) => k.keyId === refused);
      expect(entry).toMatchObject({ lastError: "API key not valid", cooldownUntil: new Date(clock.now + HOUR).toISOString() });
    });
  });

  it("masks keys to their last four characters in status", async () => {
    await withLedger({ GEMINI_API_KEYS: GROUPED }, (ledger) => {
      acquiredKey(ledger);
      const status = ledger.status();
      expect(status.keys.map((k) => k.key)).toEqual(["…1111", "…2222", "…3333"]);
      expect(status.keys.map((k) => k.project)).toEqual(["alpha", "alpha", null]);
      expect(JSON.stringify(status)).not.toContain("alpha-key");
    });
  });

  it("ignores reports about keys it does not hold", async () => {
    await withLedger({ GEMINI_API_KEYS: "only-key-1234" }, (ledger) => {
      ledger.reportRateLimited("k-unknown", 60 * SECOND);
      ledger.reportError("k-unknown", "boom", HOUR);
      expect(acquiredKey(ledger)).toBe("only-key-1234");
    });
  });

  it("refuses to hand out keys when none are configured", async () => {
    await withLedger({ GEMINI_API_KEYS: " , " }, (ledger) => {
      expect(() => ledger.acquire()).toThrow(/no keys/);
    });
  });
});

describe("parseKeys", () => {
  it("reads project prefixes, trims, and drops blanks and repeats", () => {
    const keys = parseKeys(" p1:aaa , bbb,, p1:ccc ,bbb");
    expect(keys.map((k) => [k.project, k.key])).toEqual([
      ["p1", "aaa"],
      [null, "bbb"],
      ["p1", "ccc"],
    ]);
    expect(keys[0]!.group).toBe(keys[2]!.group);
    expect(new Set(keys.map((k) => k.id)).size).toBe(3);
  });
});

describe("quotaDayStart", () => {
  it("starts the day at midnight Pacific, winter and summer", () => {
    expect(new Date(quotaDayStart(Date.parse("2026-01-15T12:00:00Z"))).toISOString()).toBe("2026-01-15T08:00:00.000Z");
    expect(new Date(quotaDayStart(Date.parse("2026-07-15T03:00:00Z"))).toISOString()).toBe("2026-07-14T07:00:00.000Z");
  });

  it("handles the days the clocks change", () => {
    // 8 March 2026: PST until 02:00, PDT after; 1 November 2026: the other way round.
    expect(new Date(quotaDayStart(Date.parse("2026-03-08T20:00:00Z"))).toISOString()).toBe("2026-03-08T08:00:00.000Z");
    expect(new Date(quotaDayStart(Date.parse("2026-11-01T20:00:00Z"))).toISOString()).toBe("2026-11-01T07:00:00.000Z");
  });
});

const boundKeys = (env as { GEMINI_API_KEYS?: string }).GEMINI_API_KEYS;

describe("KeyPool storage", () => {
  it("keeps counters and cooldowns across an eviction", async () => {
    const settings = { GEMINI_API_KEYS: GROUPED, KEYS_MAX_PER_MINUTE: "5" };
    const clock = { now: Date.parse("2026-03-02T20:00:00Z") };
    const pool = freshPool();
    await runInDurableObject(pool, (_instance, state) => {
      const ledger = new KeyLedger(state.storage.sql, poolConfig(settings), () => clock.now);
      acquiredKey(ledger);
      ledger.reportRateLimited(keyIdOf(GROUPED, "alpha-key-1111"), 30 * SECOND);
    });
    await evictDurableObject(pool);
    clock.now += SECOND;
    await runInDurableObject(pool, (_instance, state) => {
      const ledger = new KeyLedger(state.storage.sql, poolConfig(settings), () => clock.now);
      const alpha = ledger.status().keys[0];
      expect(alpha).toMatchObject({ requestsThisMinute: 1, lastError: expect.stringMatching(/rate limited/) });
      expect(alpha?.cooldownUntil).toBe(new Date(clock.now + 29 * SECOND).toISOString());
      expect(acquiredKey(ledger)).toBe("beta-key-3333");
    });
  });
});

describe.skipIf(!boundKeys)("KeyPool object", () => {
  it("hands out keys over RPC from GEMINI_API_KEYS, least recently used first", async () => {
    const pool = freshPool();
    const first = await pool.acquire();
    const second = await pool.acquire();
    expect(first.ok && second.ok).toBe(true);
    if (first.ok && second.ok) expect(first.keyId).not.toBe(second.keyId);
  });

  it("keeps its counters and cooldowns when evicted", async () => {
    const pool = freshPool();
    const first = await pool.acquire();
    if (!first.ok) throw new Error("expected a key");
    await pool.reportRateLimited(first.keyId, 30 * MINUTE);
    await pool.reportSuccess(first.keyId);
    await evictDurableObject(pool);

    const status = await pool.status();
    const entry = status.keys.find((k) => k.keyId === first.keyId);
    expect(entry?.requestsThisMinute).toBe(1);
    expect(entry?.cooldownUntil).not.toBeNull();
    expect(entry?.lastError).toMatch(/rate limited/);
    expect(entry?.lastSuccessAt).not.toBeNull();
  });

  it("answers status with masked keys and the configured limits", async () => {
    const status = await freshPool().status();
    expect(status.keys.length).toBeGreaterThan(0);
    for (const key of status.keys) expect(key.key).toMatch(/^….{4}$/);
    expect(status.limits).toEqual({ maxPerMinute: 10, maxPerDay: 500, cooldownSeconds: 60 });
  });

  it("is one well-known object for the whole Worker", () => {
    expect(keyPool(env).id.equals(namespace.idFromName("global"))).toBe(true);
  });
});
