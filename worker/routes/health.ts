// Health: a real query against the history store, the queue producer bindings and the AI
// provider's keys. 503 with `degraded` when any check fails, so a load balancer or an uptime
// check can act on it. The endpoint is public, so a failed check says what is wrong in plain
// words and leaves the underlying error (host names, driver messages) to the log.
import { createRoute, z } from "@hono/zod-openapi";
import { keyPool } from "../../durable-objects/key-pool/key-pool";
import { readConfig } from "../../shared/config";
import { log } from "../../shared/log";
import { aiHealth, poolInUse } from "../ai";
import { jsonReply, router } from "../lib/openapi";

const Check = z.object({ ok: z.boolean(), detail: z.string().optional() });
const Health = z
  .object({ status: z.enum(["ok", "degraded"]), checks: z.object({ history: Check, queue: Check, ai: Check }), version: z.string() })
  .openapi("Health");

export const VERSION = "0.1.0";

/** A check that hangs (a store that accepts connections but never answers) fails after this. */
const CHECK_TIMEOUT_MS = 3000;

/** A failure whose message is safe to show to anyone. */
class CheckFailed extends Error {}

async function check(name: string, fn: () => Promise<string>): Promise<z.infer<typeof Check>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckFailed(`no answer within ${CHECK_TIMEOUT_MS / 1000} s`)), CHECK_TIMEOUT_MS);
  });
  try {
    return { ok: true, detail: await Promise.race([fn(), timeout]) };
  } catch (err) {
    const cause = err instanceof Error && err.cause !== undefined ? String(err.cause).slice(0, 500) : undefined;
    log.warn("health_check_failed", { check: name, error: String(err).slice(0, 500), cause });
    return { ok: false, detail: err instanceof CheckFailed ? err.message : `${name} check failed (see logs)` };
  } finally {
    clearTimeout(timer);
  }
}

export const healthRoutes = router().openapi(
  createRoute({
    method: "get",
    path: "/health",
    tags: ["Operations"],
    summary: "Service health",
    description: "Checks the history store (a real query), the queue producers and the AI provider's keys.",
    responses: { 200: jsonReply(Health, "Healthy"), 503: jsonReply(Health, "Degraded") },
  }),
  async (c) => {
    const store = c.get("store");
    const [history, queue, ai] = await Promise.all([
      check("history", async () => {
        await store.ping();
        return store.dialect === "pg" ? "postgres" : "d1";
      }),
      check("queue", async () => {
        // A producer cannot be probed without enqueueing work; a missing binding is what
        // breaks in practice (a misconfigured deployment), and it is caught here.
        for (const [name, producer] of [
          ["GENERATE_QUEUE", c.env.GENERATE_QUEUE],
          ["GENERATE_DLQ", c.env.GENERATE_DLQ],
        ] as const) {
          if (typeof producer?.send !== "function") throw new CheckFailed(`${name} binding missing`);
        }
        return "generate and dead-letter producers bound";
      }),
      check("ai", async () => {
        const ai = readConfig(c.env).ai;
        const { ok, detail } = aiHealth(ai, poolInUse(ai) ? await keyPool(c.env).status() : undefined);
        if (!ok) throw new CheckFailed(detail);
        return detail;
      }),
    ]);
    const ok = history.ok && queue.ok && ai.ok;
    return c.json(
      { status: ok ? ("ok" as const) : ("degraded" as const), checks: { history, queue, ai }, version: VERSION },
      ok ? 200 : 503,
    );
  },
);
