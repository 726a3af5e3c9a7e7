// Metrics, recorded where things happen and counted in one place. Every isolate (the Worker,
// each ChatRoom, the queue consumer) adds events to a small in-memory batch; at most once per
// FLUSH_EVERY_MS that batch goes to the Metrics Durable Object in a single RPC, inside
// waitUntil. Nothing on a request's or a message's path ever waits for it, and the Metrics
// object sees about one call per busy isolate every five seconds however heavy the traffic
// is. A queue invocation sends its counts when it ends instead (flushedAtEnd), so no timer
// keeps it open. What an isolate that dies between flushes takes with it: under five seconds
// of counts.
import { env, waitUntil } from "cloudflare:workers";
import { log } from "./log";

/** Five seconds, not one: the Metrics object is one object for the whole deployment, so every
 * busy room's isolate calls it, and a scrape every 15 s or more sees no difference. Locally,
 * where that object runs on the rooms' thread, the call once a second also showed in a quiet
 * room's p99 (docs/benchmarks.md). */
const FLUSH_EVERY_MS = 5000;
/** A flush that never ran (its context was torn down) must not silence the isolate for good. */
const STUCK_AFTER_MS = 30_000;

export type Family = { type: "counter" | "histogram"; help: string; buckets?: readonly number[] };

/** Everything that is counted or observed. Gauges are computed at scrape time instead. */
export const FAMILIES = {
  parlor_http_requests_total: {
    type: "counter",
    help: "HTTP requests by route pattern, method and status (WebSocket upgrades answer 101).",
  },
  parlor_http_request_duration_seconds: {
    type: "histogram",
    help: "Time from a request's arrival until its response was ready, by route pattern and method.",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  },
  parlor_messages_total: {
    type: "counter",
    help: "Messages people posted that were stored and acknowledged (REST and WebSocket). rate() gives messages per second.",
  },
  parlor_ai_jobs_total: {
    type: "counter",
    help: "Generation job deliveries by outcome: succeeded, retried (requeued), failed (error reply or dead-lettered), stopped.",
  },
  parlor_ai_time_to_first_token_seconds: {
    type: "histogram",
    help: "Time from calling the AI provider until its first chunk of text arrived.",
    buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32],
  },
  parlor_ai_tokens_total: {
    type: "counter",
    help: "AI tokens used, from the provider's usage report, by kind: prompt (attachments included) or output.",
  },
  parlor_ai_budget_refusals_total: {
    type: "counter",
    help: "Replies not generated because a daily AI budget was spent, by scope: person or room.",
  },
  parlor_history_flush_lag_seconds: {
    type: "histogram",
    help: "At each flush attempt, how long the oldest write it carries has waited for the history store.",
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800],
  },
  parlor_history_flush_failures_total: {
    type: "counter",
    help: "Flushes of a room's messages to the history store that failed (each is retried with backoff).",
  },
} as const satisfies Record<string, Family>;

export type Counter = { [K in keyof typeof FAMILIES]: (typeof FAMILIES)[K]["type"] extends "counter" ? K : never }[keyof typeof FAMILIES];
export type Histogram = Exclude<keyof typeof FAMILIES, Counter>;
export type AiOutcome = "succeeded" | "retried" | "failed" | "stopped";
export const AI_OUTCOMES: readonly AiOutcome[] = ["succeeded", "retried", "failed", "stopped"];

/** What one isolate sends in one RPC. `labels` is the rendered label set, e.g. `method="GET"`. */
export type MetricBatch = {
  counters: { name: Counter; labels: string; value: number }[];
  /** `buckets[i]` counts observations <= the family's i-th bound (cumulative, as exposed). */
  histograms: { name: Histogram; labels: string; buckets: number[]; sum: number; count: number }[];
  /** Open sockets per ChatRoom object, the latest count each reported; `at` orders reports. */
  sockets: { room: string; open: number; at: number }[];
  /** Messages each room holds that the history store does not have yet, the latest report of
   * each (`oldestAt`: when the oldest of them started waiting); see HistoryBacklog. */
  backlog?: RoomBacklog[];
};

/** One room's write-behind backlog, as it last reported it. `store` is "d1" or "pg". */
export type RoomBacklog = { room: string; store: string; messages: number; oldestAt: number | null; at: number };

/** Renders a label set in the exposition format, values escaped; keys keep the caller's order. */
export function labels(set: Record<string, string>): string {
  return Object.entries(set)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`)
    .join(",");
}

/** A family's `# HELP` and `# TYPE` lines. */
export function header(out: string[], name: string, type: string, help: string) {
  out.push(`# HELP ${name} ${help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`, `# TYPE ${name} ${type}`);
}

/** Accumulates one isolate's events between flushes. */
export class Recorder {
  private counters = new Map<string, MetricBatch["counters"][number]>();
  private histograms = new Map<string, MetricBatch["histograms"][number]>();
  private sockets = new Map<string, MetricBatch["sockets"][number]>();
  private backlog = new Map<string, RoomBacklog>();

  count(name: Counter, labelSet = "", by = 1) {
    const key = `${name}{${labelSet}}`;
    const entry = this.counters.get(key);
    if (entry) entry.value += by;
    else this.counters.set(key, { name, labels: labelSet, value: by });
  }

  observe(name: Histogram, labelSet: string, value: number) {
    const bounds = FAMILIES[name].buckets;
    const key = `${name}{${labelSet}}`;
    let entry = this.histograms.get(key);
    if (!entry) this.histograms.set(key, (entry = { name, labels: labelSet, buckets: bounds.map(() => 0), sum: 0, count: 0 }));
    bounds.forEach((bound, i) => {
      if (value <= bound) entry.buckets[i] = (entry.buckets[i] ?? 0) + 1;
    });
    entry.sum += value;
    entry.count += 1;
  }

  roomSockets(room: string, open: number, at = Date.now()) {
    this.sockets.set(room, { room, open, at });
  }

  roomBacklog(report: RoomBacklog) {
    this.backlog.set(report.room, report);
  }

  /** Hands over everything recorded so far and starts afresh; null when there is nothing. */
  take(): MetricBatch | null {
    if (this.counters.size + this.histograms.size + this.sockets.size + this.backlog.size === 0) return null;
    const batch = {
      counters: [...this.counters.values()],
      histograms: [...this.histograms.values()],
      sockets: [...this.sockets.values()],
      backlog: [...this.backlog.values()],
    };
    this.counters = new Map();
    this.histograms = new Map();
    this.sockets = new Map();
    this.backlog = new Map();
    return batch;
  }

  /** Puts back a batch that could not be delivered, so its counts go out with the next one. */
  restore(batch: MetricBatch) {
    for (const c of batch.counters) this.count(c.name, c.labels, c.value);
    for (const h of batch.histograms) {
      const key = `${h.name}{${h.labels}}`;
      const entry = this.histograms.get(key);
      if (!entry) this.histograms.set(key, h);
      else {
        entry.buckets = entry.buckets.map((n, i) => n + (h.buckets[i] ?? 0));
        entry.sum += h.sum;
        entry.count += h.count;
      }
    }
    // A newer count of a room's sockets wins over the one that failed to go out.
    for (const s of batch.sockets) if (!this.sockets.has(s.room)) this.sockets.set(s.room, s);
    for (const b of batch.backlog ?? []) if (!this.backlog.has(b.room)) this.backlog.set(b.room, b);
  }
}

const recorder = new Recorder();
let scheduledAt = 0;

/**
 * The one Metrics object (durable-objects/metrics) every isolate reports to and /metrics reads
 * from. Its accessor lives here rather than beside the class because the recorder below, in
 * this shared layer, reports to it, and the shared layer imports neither side; the binding's
 * type comes from the generated Env.
 */
export function metricsObject(bindings: Pick<Env, "METRICS">) {
  return bindings.METRICS.get(bindings.METRICS.idFromName("global"));
}

/** Events running under flushedAtEnd(): while any runs, no flush holds the event open. */
let flushingAtEnd = 0;

async function send() {
  const batch = recorder.take();
  if (!batch) return;
  try {
    await metricsObject(env).record(batch);
  } catch (err) {
    recorder.restore(batch);
    log.warn("metrics_flush_failed", { error: String(err).slice(0, 300) });
  }
}

/** Hands `promise` to the current event's waitUntil, when there is an event to hand it to. */
function keepAlive(promise: Promise<void>) {
  // waitUntil keeps a Worker's context alive until the flush is done; a Durable Object stays
  // up for its pending timer anyway, so there a refusal to take the promise costs nothing.
  try {
    waitUntil(promise);
  } catch {
    // Outside any event (e.g. module scope): the timer still fires.
  }
}

function schedule() {
  const now = Date.now();
  if (scheduledAt && now - scheduledAt < STUCK_AFTER_MS) return;
  scheduledAt = now;
  const flush = (async () => {
    await new Promise((resolve) => setTimeout(resolve, FLUSH_EVERY_MS));
    scheduledAt = 0;
    await send();
  })();
  // During a flushedAtEnd() event the isolate is up anyway and its end sends the counts, so
  // the timer needs no waitUntil (which would keep that event open seconds after its work).
  if (flushingAtEnd === 0) keepAlive(flush);
}

/**
 * Runs one event whose counts are sent as soon as it ends instead of by the timer. For the
 * queue consumer: an invocation stays open until its waitUntil promises settle, and a queue
 * hands its consumer the next batch only then, so a flush seconds away would hold the next
 * AI reply back by up to those seconds. One small RPC per batch of AI jobs costs nothing.
 */
export async function flushedAtEnd<T>(run: () => Promise<T>): Promise<T> {
  flushingAtEnd++;
  try {
    return await run();
  } finally {
    flushingAtEnd--;
    keepAlive(send());
  }
}

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/** The calls the rest of the code makes. Each only touches memory; the flush happens later. */
export const metrics = {
  /** `route` is a pattern such as /api/rooms/:id (never a raw path), or "unmatched". */
  httpRequest(route: string, method: string, status: number, seconds: number) {
    const m = METHODS.has(method) ? method : "OTHER";
    recorder.count("parlor_http_requests_total", labels({ route, method: m, status: String(status) }));
    recorder.observe("parlor_http_request_duration_seconds", labels({ route, method: m }), seconds);
    schedule();
  },
  messageAccepted() {
    recorder.count("parlor_messages_total");
    schedule();
  },
  aiJob(outcome: AiOutcome) {
    recorder.count("parlor_ai_jobs_total", labels({ outcome }));
    schedule();
  },
  aiTokens(prompt: number, output: number) {
    recorder.count("parlor_ai_tokens_total", labels({ kind: "prompt" }), prompt);
    recorder.count("parlor_ai_tokens_total", labels({ kind: "output" }), output);
    schedule();
  },
  budgetRefused(scope: "person" | "room") {
    recorder.count("parlor_ai_budget_refusals_total", labels({ scope }));
    schedule();
  },
  timeToFirstToken(seconds: number) {
    recorder.observe("parlor_ai_time_to_first_token_seconds", "", seconds);
    schedule();
  },
  /** One flush attempt of a room's write-behind copy; `lagSeconds` is its oldest write's wait
   * (unknown only right after a restart, when nothing tells how old the writes are). */
  historyFlush(lagSeconds: number | undefined, ok: boolean) {
    if (lagSeconds !== undefined) recorder.observe("parlor_history_flush_lag_seconds", "", lagSeconds);
    if (!ok) recorder.count("parlor_history_flush_failures_total");
    schedule();
  },
  /** A room's write-behind backlog (its room id, the store's name, how many messages wait and
   * since when); a report of 0 messages clears it. */
  historyBacklog(room: string, store: string, messages: number, oldestAt: number | null) {
    recorder.roomBacklog({ room, store, messages, oldestAt, at: Date.now() });
    schedule();
  },
  /** A ChatRoom's current number of open sockets (the object's id, not its room id, is `room`). */
  roomSockets(room: string, open: number) {
    recorder.roomSockets(room, open);
    schedule();
  },
};
