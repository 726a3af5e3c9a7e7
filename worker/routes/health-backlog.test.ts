// The write-behind backlog in /api/health and /metrics, as the rooms report it to the Metrics
// object: summed per store with the oldest wait, newest report per room winning, cleared by a
// report of zero; health stays `ok` for a young backlog and turns `degraded` (503) once its
// oldest message has waited past BACKLOG_DEGRADED_SECONDS, even though `select 1` works.
// (The whole outage, with a real Postgres stopped and started, is test/outage/outage.test.ts.)
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { metricsObject } from "../../shared/metrics";
import { api } from "../../test/helpers";
import { sample, scrape as scrapeMetrics } from "../../test/metrics";

type Health = {
  status: string;
  checks: { history: { ok: boolean; detail?: string } };
  backlog: Record<string, { messages: number; oldestSeconds: number }>;
};

const empty = { counters: [], histograms: [], sockets: [] };
/** The store this project runs against, as the rooms name it. */
const store = env.HYPERDRIVE ? "pg" : "d1";

async function report(room: string, messages: number, oldestAt: number | null, at = Date.now()) {
  await metricsObject(env).record({ ...empty, backlog: [{ room, store, messages, oldestAt, at }] });
}

async function scrape() {
  return (await scrapeMetrics()).text();
}

describe("the history backlog in health and metrics", () => {
  it("is summed per store, degrades health once it is old, and clears with a report of zero", async () => {
    const [r1, r2] = [`backlog-${crypto.randomUUID()}`, `backlog-${crypto.randomUUID()}`];
    await report(r1, 3, Date.now() - 2000);
    await report(r2, 4, Date.now() - 5000);
    let health = await api<Health>("/health");
    expect(health.status).toBe(200);
    expect(health.body.backlog[store]?.messages).toBe(7);
    expect(health.body.backlog[store]?.oldestSeconds).toBeGreaterThanOrEqual(5);
    expect(sample(await scrape(), "parlor_history_backlog_messages", `store="${store}"`)).toBe(7);

    // An older report never replaces a newer one; a newer one does.
    await report(r2, 9, Date.now() - 5000, Date.now() - 60_000);
    await report(r2, 4, Date.now() - 120_000);
    health = await api<Health>("/health");
    expect(health.status).toBe(503);
    expect(health.body.status).toBe("degraded");
    expect(health.body.checks.history.ok).toBe(false);
    expect(health.body.checks.history.detail).toMatch(/7 messages waiting to be written, the oldest for 1\d\d s/);
    expect(sample(await scrape(), "parlor_history_backlog_oldest_seconds", `store="${store}"`)).toBeGreaterThanOrEqual(120);

    await report(r1, 0, null);
    await report(r2, 0, null);
    health = await api<Health>("/health");
    expect(health.status).toBe(200);
    expect(health.body.backlog).toEqual({});
    expect(await scrape()).not.toContain(`parlor_history_backlog_messages{store="${store}"}`);
  });
});
