// Health: a real query against the history store, the rooms' write-behind backlog (messages
// acknowledged but not yet in the store, as the rooms report it to the Metrics object), the
// queue producer bindings and the AI provider's keys. 503 with `degraded` when any check fails
// (the history check also while the backlog's oldest message has waited past
// BACKLOG_DEGRADED_SECONDS), so a load balancer or an uptime check can act on it. When the
// store answers while rooms still hold a backlog, those rooms are woken to copy it at once
// rather than when their retry backoff ends. The endpoint is public, so a failed check says what is wrong in plain
// words and leaves the underlying error (host names, driver messages) to the log.

import { waitUntil } from "cloudflare:workers";
import { createRoute, z } from "@hono/zod-openapi";
import { chatRoom } from "../../durable-objects/chat-room/chat-room";
import { keyPool } from "../../durable-objects/key-pool/key-pool";
import type { BacklogSummary } from "../../durable-objects/metrics/backlog";
import { readConfig } from "../../shared/config";
import { errorFields, log } from "../../shared/log";
import { metricsObject } from "../../shared/metrics";
import type { Store } from "../../shared/store";
import { aiHealth, poolInUse } from "../ai";
import { jsonReply, router } from "../lib/openapi";

const Check = z.object({ ok: z.boolean(), detail: z.string().optional() });
const Backlog = z.object({
  messages: z.number().int().openapi({ description: "Messages acknowledged by their rooms but not yet in this store." }),
  oldestSeconds: z.number().openapi({ description: "How long the oldest of them has waited." }),
});
const Health = z
  .object({
    status: z.enum(["ok", "degraded"]),
    checks: z.object({ history: Check, queue: Check, ai: Check }),
    backlog: z.record(z.string(), Backlog).openapi({ description: "The write-behind backlog per store (`d1`, `pg`); empty when none." }),
    version: z.string(),
  })
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
    log.warn("health_check_failed", { check: name, ...errorFields(err) });
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
    const backlog = await readBacklog(c.env);
    const [history, queue, ai] = await Promise.all([
      check("history", () => historyCheck(c.env, store, backlog)),
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
      {
        status: ok ? ("ok" as const) : ("degraded" as const),
        checks: { history, queue, ai },
        backlog: backlogView(backlog),
        version: VERSION,
      },
      ok ? 200 : 503,
    );
  },
);

/** The rooms' backlog as the Metrics object holds it; empty (and logged) if it cannot say. */
async function readBacklog(env: Env): Promise<BacklogSummary> {
  try {
    return await metricsObject(env).backlog();
  } catch (err) {
    log.warn("health_backlog_unread", errorFields(err));
    return [];
  }
}

function backlogView(backlog: BacklogSummary, now = Date.now()) {
  return Object.fromEntries(
    backlog.map((b) => [
      b.store,
      { messages: b.messages, oldestSeconds: b.oldestAt === null ? 0 : Math.max(0, Math.round((now - b.oldestAt) / 1000)) },
    ]),
  );
}

/** A round trip to the store; then, as it answers, the rooms holding a backlog for it are
 * woken, and the check fails while the oldest message has waited past the threshold. */
async function historyCheck(env: Env, store: Store, backlog: BacklogSummary): Promise<string> {
  await store.ping();
  const name = store.dialect === "pg" ? "pg" : "d1";
  const mine = backlog.find((b) => b.store === name);
  if (!mine) return name === "pg" ? "postgres" : "d1";
  const woken = Promise.allSettled(mine.rooms.map((roomId) => chatRoom(env, roomId).wake()));
  try {
    waitUntil(woken);
  } catch {
    // Outside a request: the calls still run.
  }
  const waited = mine.oldestAt === null ? 0 : Date.now() - mine.oldestAt;
  const summary = `${mine.messages} messages waiting to be written, the oldest for ${Math.round(waited / 1000)} s`;
  if (waited > readConfig(env).backlogDegradedMs) throw new CheckFailed(summary);
  return `${name === "pg" ? "postgres" : "d1"}; ${summary}`;
}
