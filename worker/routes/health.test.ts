// GET /api/health: ok while the history store answers a real query, the queue producers are
// bound and the AI can answer; `degraded` with 503 when one of them fails. The broken cases
// run the real app against a deliberately broken binding: a Postgres store behind a port
// nothing listens on (the query really fails) and a missing dead-letter producer.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { PoolStatus } from "../../durable-objects/key-pool/key-pool";
import { api, BASE } from "../../test/helpers";
import { createApp } from "../app";
import { describeKeys } from "./health";

type Health = { status: string; checks: Record<"history" | "queue" | "ai", { ok: boolean; detail?: string }>; version: string };

const UNREACHABLE = "postgres://parlor:s3cret-password@127.0.0.1:1/nope";

async function healthWith(bindings: Partial<Env>) {
  const ctx = createExecutionContext();
  const res = await createApp().fetch(new Request(`${BASE}/api/health`), { ...env, ...bindings }, ctx);
  await waitOnExecutionContext(ctx);
  return { status: res.status, text: await res.text() };
}

describe("GET /api/health", () => {
  it("is ok with the history store, both queue producers and the dummy AI", async () => {
    const res = await api<Health>("/health");
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("ok");
    expect(res.body.checks.history).toEqual({ ok: true, detail: env.HYPERDRIVE ? "postgres" : "d1" });
    expect(res.body.checks.queue.ok).toBe(true);
    expect(res.body.checks.ai).toEqual({ ok: true, detail: "dummy provider (no GEMINI_API_KEYS)" });
  });

  it("answers degraded with 503 when the history store is unreachable, without leaking its address", async () => {
    const hyperdrive = { connectionString: UNREACHABLE } as unknown as Hyperdrive;
    const res = await healthWith({ HYPERDRIVE: hyperdrive });
    expect(res.status).toBe(503);
    const body = JSON.parse(res.text) as Health;
    expect(body.status).toBe("degraded");
    expect(body.checks.history.ok).toBe(false);
    expect(body.checks.queue.ok).toBe(true);
    expect(body.checks.ai.ok).toBe(true);
    expect(res.text).not.toMatch(/s3cret|127\.0\.0\.1/);
  });

  it("answers degraded when a queue producer is not bound", async () => {
    const res = await healthWith({ GENERATE_DLQ: undefined as unknown as Queue });
    expect(res.status).toBe(503);
    const body = JSON.parse(res.text) as Health;
    expect(body.checks.queue).toEqual({ ok: false, detail: "GENERATE_DLQ binding missing" });
    expect(body.checks.history.ok).toBe(true);
  });
});

describe("AI check with keys", () => {
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

  it("says how many keys can take a request", () => {
    const cooling = key({ cooldownUntil: "2026-11-01T12:01:00.000Z" });
    expect(describeKeys({ keys: [key(), cooling], limits }, now)).toBe("gemini: 1 of 2 keys available");
  });

  it("fails when every key is cooling or at its limit, saying when the first cooldown ends", () => {
    const keys = [
      key({ cooldownUntil: "2026-11-01T12:05:00.000Z" }),
      key({ cooldownUntil: "2026-11-01T12:01:30.000Z" }),
      key({ requestsThisMinute: 10 }),
    ];
    expect(() => describeKeys({ keys, limits }, now)).toThrow(
      "all 3 Gemini keys are cooling down or at their limits; the first cooldown ends at 2026-11-01T12:01:30.000Z",
    );
  });
});
