// GET /api/health: ok while the history store answers a real query, the queue producers are
// bound and the AI can answer; `degraded` with 503 when one of them fails. The broken cases
// run the real app against a deliberately broken binding: a Postgres store behind a port
// nothing listens on (the query really fails) and a missing dead-letter producer.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, BASE } from "../../test/helpers";
import { createApp } from "../app";

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
