// What operators are told about the AI keys: the health line (which providers answer, how many
// pooled keys can take a request now) and which provider the pool's status speaks for.
import { describe, expect, it } from "vitest";
import type { PoolStatus } from "../../durable-objects/key-pool/key-pool";
import { readConfig } from "../../shared/config";
import { aiHealth, describeKeys, poolProvider } from "./pool-report";

const now = Date.parse("2026-11-01T12:00:00Z");
const key = (over: Partial<PoolStatus["keys"][number]> = {}): PoolStatus["keys"][number] => ({
  keyId: "k1",
  key: "…abcd",
  project: null,
  requestsThisMinute: 0,
  requestsToday: 0,
  cooldownUntil: null,
  lastUsedAt: null,
  lastSuccessAt: null,
  lastError: null,
  lastErrorAt: null,
  ...over,
});
const limits = { maxPerMinute: 10, maxPerDay: 500, cooldownSeconds: 60 };

describe("AI check with keys", () => {
  it("says how many keys can take a request", () => {
    const cooling = key({ cooldownUntil: "2026-11-01T12:01:00.000Z" });
    expect(describeKeys("gemini", { keys: [key(), cooling], limits }, now)).toEqual({ ok: true, detail: "gemini: 1 of 2 keys available" });
  });

  it("fails when every key is cooling or at its limit, saying when the first cooldown ends", () => {
    const keys = [
      key({ cooldownUntil: "2026-11-01T12:05:00.000Z" }),
      key({ cooldownUntil: "2026-11-01T12:01:30.000Z" }),
      key({ requestsThisMinute: 10 }),
    ];
    expect(describeKeys("gemini", { keys, limits }, now)).toEqual({
      ok: false,
      detail: "all 3 Gemini keys are cooling down or at their limits; the first cooldown ends at 2026-11-01T12:01:30.000Z",
    });
  });
});

describe("aiHealth", () => {
  it("names the dummy when no provider is configured, and the pool's provider as dummy too", () => {
    const ai = readConfig({}).ai;
    expect(aiHealth(ai, undefined)).toEqual({ ok: true, detail: "dummy provider (no GEMINI_API_KEYS)" });
    expect(poolProvider(ai)).toBe("dummy");
  });

  it("lists a provider with its own key beside the pooled keys, and fails only on the pool", () => {
    const ai = readConfig({ GEMINI_API_KEYS: "abcd", OPENAI_API_KEY: "sk-test" }).ai;
    expect(poolProvider(ai)).toBe("gemini");
    expect(aiHealth(ai, { keys: [key()], limits }, now)).toEqual({ ok: true, detail: "gemini: 1 of 1 keys available; openai: configured" });
    const cooling = { keys: [key({ cooldownUntil: "2026-11-01T12:01:00.000Z" })], limits };
    expect(aiHealth(ai, cooling, now).ok).toBe(false);
    expect(aiHealth(readConfig({ OPENAI_API_KEY: "sk-test" }).ai, undefined)).toEqual({ ok: true, detail: "openai: configured" });
  });
});
