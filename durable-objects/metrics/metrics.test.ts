// The Metrics object and the per-isolate recorder that feeds it: batches from many isolates
// add up, histograms stay cumulative, each room's socket count is the newest it reported, and
// malformed input is ignored rather than stored. Each test uses a fresh object of its own.
// (A room's flush-lag bookkeeping is tested beside it, in chat-room/flush-lag.test.ts.)
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { FAMILIES, flushedAtEnd, labels, type MetricBatch, metrics, metricsObject, Recorder } from "../../shared/metrics";
import { sample } from "../../test/metrics";

const fresh = () => env.METRICS.get(env.METRICS.idFromName(`test-${crypto.randomUUID()}`));
const empty = (): MetricBatch => ({ counters: [], histograms: [], sockets: [] });

describe("Metrics object", () => {
  it("adds up counters sent by different isolates", async () => {
    const metrics = fresh();
    const route = labels({ route: "/api/rooms/:id/messages", method: "POST", status: "201" });
    await metrics.record({ ...empty(), counters: [{ name: "parlor_http_requests_total", labels: route, value: 2 }] });
    await metrics.record({ ...empty(), counters: [{ name: "parlor_http_requests_total", labels: route, value: 3 }] });
    await metrics.record({ ...empty(), counters: [{ name: "parlor_messages_total", labels: "", value: 4 }] });
    const text = await metrics.render();
    expect(sample(text, "parlor_http_requests_total", route)).toBe(5);
    expect(sample(text, "parlor_messages_total")).toBe(4);
    expect(text).toContain("# TYPE parlor_http_requests_total counter");
  });

  it("shows counters people alert on at zero before their first event", async () => {
    const text = await fresh().render();
    for (const outcome of ["succeeded", "retried", "failed", "stopped"]) {
      expect(text).toContain(`parlor_ai_jobs_total{outcome="${outcome}"} 0`);
    }
    expect(text).toContain("\nparlor_messages_total 0\n");
    expect(text).toContain("\nparlor_websockets_open 0\n");
  });

  it("merges histograms into cumulative buckets with +Inf, sum and count", async () => {
    const metrics = fresh();
    const a = new Recorder();
    a.observe("parlor_ai_time_to_first_token_seconds", "", 0.2);
    a.observe("parlor_ai_time_to_first_token_seconds", "", 3);
    const b = new Recorder();
    b.observe("parlor_ai_time_to_first_token_seconds", "", 100);
    await metrics.record(a.take() ?? empty());
    await metrics.record(b.take() ?? empty());
    const text = await metrics.render();
    const bucket = (le: string) => sample(text, "parlor_ai_time_to_first_token_seconds_bucket", `le="${le}"`);
    expect([bucket("0.1"), bucket("0.25"), bucket("2"), bucket("4"), bucket("32"), bucket("+Inf")]).toEqual([0, 1, 1, 2, 2, 3]);
    expect(sample(text, "parlor_ai_time_to_first_token_seconds_sum")).toBeCloseTo(103.2);
    expect(sample(text, "parlor_ai_time_to_first_token_seconds_count")).toBe(3);
  });

  it("sums open sockets over rooms, keeping each room's newest report", async () => {
    const metrics = fresh();
    await metrics.record({ ...empty(), sockets: [{ room: "r1", open: 3, at: 100 }] });
    await metrics.record({ ...empty(), sockets: [{ room: "r2", open: 2, at: 100 }] });
    await metrics.record({ ...empty(), sockets: [{ room: "r1", open: 1, at: 200 }] });
    // A late report from before the last one changes nothing.
    await metrics.record({ ...empty(), sockets: [{ room: "r1", open: 9, at: 150 }] });
    expect(sample(await metrics.render(), "parlor_websockets_open")).toBe(3);
  });

  it("ignores unknown metrics, wrong types and malformed values", async () => {
    const metrics = fresh();
    const bad = {
      counters: [
        { name: "parlor_nonsense_total", labels: "", value: 1 },
        { name: "parlor_ai_time_to_first_token_seconds", labels: "", value: 1 },
        { name: "parlor_messages_total", labels: "", value: -5 },
      ],
      histograms: [{ name: "parlor_ai_time_to_first_token_seconds", labels: "", buckets: [1], sum: 1, count: 1 }],
      sockets: [{ room: "r", open: -1, at: 1 }],
    } as unknown as MetricBatch;
    await metrics.record(bad);
    const text = await metrics.render();
    expect(text).not.toContain("parlor_nonsense_total");
    expect(sample(text, "parlor_messages_total")).toBe(0);
    expect(text).not.toContain("parlor_ai_time_to_first_token_seconds_count");
    expect(sample(text, "parlor_websockets_open")).toBe(0);
  });
});

describe("Recorder", () => {
  it("hands over what it holds once, and takes back a batch that failed to go out", () => {
    const r = new Recorder();
    expect(r.take()).toBeNull();
    r.count("parlor_messages_total");
    r.count("parlor_messages_total");
    r.roomSockets("room", 2, 10);
    const batch = r.take();
    expect(batch?.counters).toEqual([{ name: "parlor_messages_total", labels: "", value: 2 }]);
    expect(r.take()).toBeNull();
    r.count("parlor_messages_total");
    r.roomSockets("room", 1, 20);
    if (batch) r.restore(batch);
    const again = r.take();
    expect(again?.counters).toEqual([{ name: "parlor_messages_total", labels: "", value: 3 }]);
    // The newer socket count is kept over the restored, older one.
    expect(again?.sockets).toEqual([{ room: "room", open: 1, at: 20 }]);
  });

  it("escapes label values and keeps one bucket per bound", () => {
    expect(labels({ route: 'a"b\\c\nd' })).toBe('route="a\\"b\\\\c\\nd"');
    const r = new Recorder();
    r.observe("parlor_history_flush_lag_seconds", "", 0.3);
    const [h] = r.take()?.histograms ?? [];
    expect(h?.buckets).toHaveLength(FAMILIES.parlor_history_flush_lag_seconds.buckets.length);
    expect(h?.buckets.slice(0, 3)).toEqual([0, 0, 1]);
  });
});

describe("flushedAtEnd", () => {
  // The queue consumer's invocation stays open while a flush waits in its waitUntil, and the
  // queue hands over the next AI job only after that: its counts must go when it ends, not a
  // timer's second later. The timer is frozen here, so only the end's own flush can deliver.
  it("sends an event's counts when the event ends, without waiting for the flush timer", async () => {
    const global = metricsObject(env);
    const series = labels({ outcome: "stopped" });
    const before = sample(await global.render(), "parlor_ai_jobs_total", series);
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    try {
      await flushedAtEnd(async () => metrics.aiJob("stopped"));
      let after = before;
      for (let i = 0; i < 200 && after === before; i++) {
        after = sample(await global.render(), "parlor_ai_jobs_total", series);
      }
      expect(after).toBe(before + 1);
    } finally {
      vi.useRealTimers();
    }
  });
});
