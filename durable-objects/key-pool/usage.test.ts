// AI budgets in the KeyPool's storage, in workerd: tokens add up per person, room and UTC day;
// a person over their daily budget is refused (and so is everyone in a room over the room's),
// with when it resets; a new UTC day starts from zero; operators see everyone's day.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { UsageLedger } from "./usage";

const tokens = (n: number) => ({ promptTokens: n - 10, outputTokens: 10, totalTokens: n });
const NOON = Date.parse("2026-12-04T12:00:00Z");

function withUsage(budget: { perPerson: number; perRoom: number }, body: (usage: UsageLedger) => void) {
  const pool = env.KEY_POOL.get(env.KEY_POOL.idFromName(crypto.randomUUID()));
  return runInDurableObject(pool, (_o, state) => body(new UsageLedger(state.storage.sql, budget)));
}

describe("AI budgets", () => {
  it("refuses a person over their daily budget until the next UTC midnight, and only them", async () => {
    await withUsage({ perPerson: 1000, perRoom: Number.POSITIVE_INFINITY }, (usage) => {
      usage.record("ann", "r1", tokens(600), NOON);
      expect(usage.check("ann", "r2", NOON)).toEqual({ ok: true });
      usage.record("ann", "r2", tokens(400), NOON);
      expect(usage.check("ann", "r1", NOON)).toEqual({
        ok: false,
        scope: "person",
        used: 1000,
        limit: 1000,
        resetsAt: "2026-12-05T00:00:00.000Z",
      });
      expect(usage.check("bob", "r1", NOON)).toEqual({ ok: true });
      expect(usage.check("ann", "r1", NOON + 12 * 3600_000)).toEqual({ ok: true });
      expect(usage.person("ann", NOON)).toEqual({
        day: "2026-12-04",
        tokens: 1000,
        limit: 1000,
        remaining: 0,
        resetsAt: "2026-12-05T00:00:00.000Z",
        rooms: [
          { roomId: "r1", tokens: 600 },
          { roomId: "r2", tokens: 400 },
        ],
      });
    });
  });

  it("refuses everyone in a room over the room's budget, and reports the day to operators", async () => {
    await withUsage({ perPerson: Number.POSITIVE_INFINITY, perRoom: 500 }, (usage) => {
      usage.record("ann", "r1", tokens(300), NOON);
      usage.record("bob", "r1", tokens(250), NOON);
      expect(usage.check("cat", "r1", NOON)).toMatchObject({ ok: false, scope: "room", used: 550, limit: 500 });
      expect(usage.check("cat", "r2", NOON)).toEqual({ ok: true });
      const report = usage.report(NOON);
      expect(report.limits).toEqual({ perPerson: null, perRoom: 500 });
      expect(report.people.map((p) => [p.userId, p.tokens, p.requests])).toEqual([
        ["ann", 300, 1],
        ["bob", 250, 1],
      ]);
      expect(usage.person("ann", NOON)).toMatchObject({ limit: null, remaining: null });
    });
  });
});
