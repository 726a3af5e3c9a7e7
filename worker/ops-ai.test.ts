// Operations with Gemini keys, end to end inside workerd: AI job outcomes and time to first
// token on /metrics as jobs go through the real queue, KeyPool and ChatRoom (the Gemini test
// double stands in for Google only), the per-key gauges and /api/admin/keys with keys masked,
// and health turning degraded when every key is cooling. Runs in the worker-ops project,
// whose keys no other suite uses.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { keyPool } from "../durable-objects/key-pool/key-pool";
import { GeminiControl, type Step } from "../test/gemini/control";
import { type Account, api, createRoom, post, signUp } from "../test/helpers";
import { read, sample, scrape, waitForSample } from "../test/metrics";
import { connect, finalReply } from "../test/ws";

const double = new GeminiControl(env.GEMINI_BASE_URL);
const KEYS = (env.GEMINI_API_KEYS ?? "").split(",");
const reply = (chunks: string[], delayMs = 5): Step => ({ kind: "reply", chunks, delayMs });
const fail = (status: number): Step => ({ kind: "error", status });
const outcome = (o: string) => `outcome="${o}"`;

async function freshPool() {
  const pool = keyPool(env);
  await runInDurableObject(pool, async (_obj, state) => {
    await state.storage.deleteAll();
  });
  await evictDurableObject(pool).catch(() => {});
}

async function scriptAll(...steps: Step[]) {
  for (const key of KEYS) await double.script(key, ...steps);
}

async function aiRoom(who: Account) {
  const room = await createRoom(who, { characterId: "assistant" });
  return { room, socket: await connect(who.token, room.id) };
}

describe.skipIf(!env.GEMINI_BASE_URL)("operations with Gemini keys", () => {
  beforeEach(async () => {
    for (const key of KEYS) await double.reset(key);
    await freshPool();
  });

  it("counts a job that ran out of retries as failed, and each requeue before it as retried", async () => {
    const [failed, retried, succeeded] = await Promise.all([
      read("parlor_ai_jobs_total", outcome("failed")),
      read("parlor_ai_jobs_total", outcome("retried")),
      read("parlor_ai_jobs_total", outcome("succeeded")),
    ]);
    await scriptAll(...Array.from({ length: 10 }, () => fail(500)));
    const ann = await signUp("ann");
    const { room, socket } = await aiRoom(ann);
    const sent = await post(ann, room.id, "doomed");
    expect((await finalReply(socket, sent.body.message.seq, 20_000)).message.status).toBe("error");
    socket.close();
    const text = await waitForSample("parlor_ai_jobs_total", outcome("failed"), (v) => v >= failed + 1);
    expect(sample(text, "parlor_ai_jobs_total", outcome("retried"))).toBe(retried + Number(env.QUEUE_MAX_RETRIES));
    expect(sample(text, "parlor_ai_jobs_total", outcome("succeeded"))).toBe(succeeded);
  });

  it("counts a completed reply as succeeded and observes its time to first token", async () => {
    const [succeeded, firstTokens] = [
      await read("parlor_ai_jobs_total", outcome("succeeded")),
      await read("parlor_ai_time_to_first_token_seconds_count"),
    ];
    await scriptAll(reply(["Hello ", "there."]));
    const ann = await signUp("ann");
    const { room, socket } = await aiRoom(ann);
    const sent = await post(ann, room.id, "hi");
    expect((await finalReply(socket, sent.body.message.seq, 20_000)).message).toMatchObject({
      status: "complete",
      content: "Hello there.",
    });
    socket.close();
    const text = await waitForSample("parlor_ai_jobs_total", outcome("succeeded"), (v) => v >= succeeded + 1);
    expect(sample(text, "parlor_ai_time_to_first_token_seconds_count")).toBeGreaterThanOrEqual(firstTokens + 1);
    expect(sample(text, "parlor_ai_time_to_first_token_seconds_bucket", 'le="+Inf"')).toBeGreaterThanOrEqual(firstTokens + 1);
  });

  it("counts a reply stopped mid-stream as stopped", async () => {
    const stopped = await read("parlor_ai_jobs_total", outcome("stopped"));
    await scriptAll(
      reply(
        Array.from({ length: 100 }, (_, i) => `s${i} `),
        50,
      ),
    );
    const ann = await signUp("ann");
    const { room, socket } = await aiRoom(ann);
    await post(ann, room.id, "go on forever");
    const delta = await socket.next("delta", (f) => f.index >= 2);
    socket.send({ type: "stop", seq: delta.seq });
    await socket.next("message", (f) => f.message.seq === delta.seq && f.message.status === "stopped");
    socket.close();
    await waitForSample("parlor_ai_jobs_total", outcome("stopped"), (v) => v >= stopped + 1);
  });

  it("shows each key's requests and cooldown on /metrics, masked to its last 4 characters", async () => {
    const pool = keyPool(env);
    const lease = await pool.acquire();
    if (!lease.ok) throw new Error("no key free");
    await pool.reportRateLimited(lease.keyId, 120_000);
    const status = await pool.status();
    const used = status.keys.find((k) => k.keyId === lease.keyId);
    const res = await scrape();
    const text = await res.text();
    const id = `key_id="${used?.keyId}",key="${used?.key}",project=""`;
    expect(used?.key).toMatch(/^…[a-z]{4}$/);
    expect(sample(text, "parlor_gemini_key_requests", `${id},window="minute"`)).toBe(1);
    expect(sample(text, "parlor_gemini_key_requests", `${id},window="day"`)).toBe(1);
    expect(sample(text, "parlor_gemini_key_cooldown_seconds", id)).toBeGreaterThan(100);
    for (const key of KEYS) expect(text).not.toContain(key);
  });

  it("shows key usage on /api/admin/keys to the operator only, keys masked", async () => {
    expect((await api("/admin/keys")).status).toBe(401);
    expect((await api("/admin/keys", { token: "wrong" })).status).toBe(401);
    const res = await api<{ provider: string; keys: { key: string; cooldownUntil: string | null }[] }>("/admin/keys", {
      token: env.ADMIN_TOKEN,
    });
    expect(res.status).toBe(200);
    expect(res.body.provider).toBe("gemini");
    expect(res.body.keys.map((k) => k.key).sort()).toEqual(KEYS.map((k) => `…${k.slice(-4)}`).sort());
    for (const key of KEYS) expect(JSON.stringify(res.body)).not.toContain(key);
  });

  it("turns health degraded while every key is cooling, saying until when, and ok again after", async () => {
    const ok = await api<{ checks: { ai: { ok: boolean; detail: string } } }>("/health");
    expect(ok.status).toBe(200);
    expect(ok.body.checks.ai).toEqual({ ok: true, detail: `gemini: ${KEYS.length} of ${KEYS.length} keys available` });
    const pool = keyPool(env);
    for (const k of (await pool.status()).keys) await pool.reportRateLimited(k.keyId, 60_000);
    const cooling = await api<{ status: string; checks: { ai: { ok: boolean; detail: string } } }>("/health");
    expect(cooling.status).toBe(503);
    expect(cooling.body.status).toBe("degraded");
    expect(cooling.body.checks.ai.ok).toBe(false);
    expect(cooling.body.checks.ai.detail).toMatch(/^all 2 Gemini keys are cooling down .*first cooldown ends at \d{4}-\d\d-\d\dT/);
    await freshPool();
    expect((await api("/health")).status).toBe(200);
  });
});
