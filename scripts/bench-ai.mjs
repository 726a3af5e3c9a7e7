// The AI phase of `npm run bench`: send → first `delta` and send → final reply, measured from
// outside over a room socket, with the Gemini double (bench-double.mjs) answering at once
// (what is left is Parlor's own path: the queue, the key pool, the room) and at a realistic
// streaming pace; then how many replies in different rooms one local runtime carries at once
// before the first delta takes twice as long as with one. The key pool's per-key limits are
// lifted for the run (aiVars) so the benchmark measures the path, not the budget.
// Every turn and every loop is bounded; nothing here asserts anything about timings.
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { RoomClient } from "./bench-client.mjs";
import { quiesce } from "./bench-fanout.mjs";
import { percentiles } from "./bench-stats.mjs";

const KEYS = Array.from({ length: 8 }, (_, i) => `bench-key-${i + 1}`);
/** The double's realistic pace: a reply of `chunks` chunks, one every `delayMs` (the first too). */
export const PACE = { chunks: 12, delayMs: 50 };
const TURN_TIMEOUT_MS = 30_000;
/**
 * The pause before each turn, as a person reading the reply would take. The back-to-back
 * series leaves it out: the local queue hands its consumer one batch at a time, so it shows
 * whatever keeps an invocation open after its reply (it was the metrics flush, a second later,
 * until queue invocations sent their metrics as they ended).
 */
const THINK_MS = 1200;
const MIN_SAMPLES = 12;
const PROMPT = "Reply with a short greeting, please.";

/** The dev server's vars for this phase: the double as Gemini, the key limits out of the way. */
export const aiVars = (baseUrl) => ({
  GEMINI_API_KEYS: KEYS.join(","),
  GEMINI_BASE_URL: baseUrl,
  KEYS_MAX_PER_MINUTE: "1000000",
  KEYS_MAX_PER_DAY: "1000000",
});

const pacedStep = () => ({
  kind: "reply",
  chunks: Array.from({ length: PACE.chunks }, (_, i) => `chunk ${i} of a paced reply. `),
  delayMs: PACE.delayMs,
});

/** A room socket that times one AI turn at a time: the room has one turn in flight at most. */
class AiClient extends RoomClient {
  handle(frame) {
    const t = this.turn;
    if (t !== undefined) this.observe(t, frame, performance.now());
    super.handle(frame);
  }

  observe(t, frame, now) {
    if (frame.type === "message" && frame.message.author.kind === "ai") {
      t.replySeq ??= frame.message.seq;
      if (frame.message.seq === t.replySeq && frame.message.status !== "streaming") t.finish(frame.message.status, now);
    } else if (frame.type === "delta" && frame.seq === t.replySeq) {
      t.firstDeltaAt ??= now;
      t.deltas++;
    }
  }

  /** Sends one prompt; resolves { firstDeltaMs, finalMs, status, deltas } (status "timeout" if
   * no final reply came within timeoutMs). */
  turnOnce(clientId, timeoutMs = TURN_TIMEOUT_MS) {
    return new Promise((resolve) => {
      const sentAt = performance.now();
      const timer = setTimeout(() => t.finish("timeout", performance.now()), timeoutMs);
      const t = {
        deltas: 0,
        finish: (status, at) => {
          clearTimeout(timer);
          this.turn = undefined;
          const firstDeltaMs = t.firstDeltaAt === undefined ? undefined : t.firstDeltaAt - sentAt;
          resolve({ firstDeltaMs, finalMs: at - sentAt, status, deltas: t.deltas });
        },
      };
      this.turn = t;
      this.send(clientId, PROMPT);
    });
  }
}

const round1 = (x) => (x === undefined ? null : Math.round(x * 10) / 10);

/** Percentiles over the completed turns; a turn without any delta counts its final as first. */
function summarize(samples, subtractMs = 0) {
  const ok = samples.filter((s) => s.status === "complete");
  return {
    turns: samples.length,
    complete: ok.length,
    failed: samples.length - ok.length,
    statuses: [...new Set(samples.map((s) => s.status))],
    withoutDelta: ok.filter((s) => s.firstDeltaMs === undefined).length,
    firstDelta: percentiles(ok.map((s) => (s.firstDeltaMs ?? s.finalMs) - subtractMs)),
    final: percentiles(ok.map((s) => s.finalMs)),
    // Every turn as measured, for the raw results: [first delta ms, final ms], in order.
    raw: samples.map((s) => [round1(s.firstDeltaMs), round1(s.finalMs)]),
  };
}

async function aiRoom(t, user, title) {
  const { room } = await t.api.must("POST", "/api/rooms", { token: user.token, body: { title, characterId: "assistant" } });
  const client = new AiClient({ port: t.server.port, roomId: room.id, user, index: 0 });
  await client.connect();
  return client;
}

async function sequential(client, turns, label, thinkMs = THINK_MS) {
  const samples = [];
  for (let i = 0; i < turns; i++) {
    await sleep(thinkMs);
    samples.push(await client.turnOnce(`ai-${label}-${i}`));
  }
  return samples;
}

/** The same room, `turns` sequential turns with the double instant (after a pause, and back to
 * back), then `turns` paced. */
async function sequentialSeries(t, double, turns) {
  const client = await aiRoom(t, t.users[0], "bench ai sequential");
  try {
    // The first turns wake the queue consumer, the key pool and the lazily loaded SDK.
    const warm = await sequential(client, 3, "warm");
    await quiesce(t.server);
    const instant = summarize(await sequential(client, turns, "instant"));
    t.log(`ai instant: first delta p50 ${instant.firstDelta.p50?.toFixed(1)} ms, p95 ${instant.firstDelta.p95?.toFixed(1)} ms`);
    const backToBack = summarize(await sequential(client, turns, "b2b", 0));
    t.log(
      `ai instant, back to back: first delta p50 ${backToBack.firstDelta.p50?.toFixed(1)} ms, p95 ${backToBack.firstDelta.p95?.toFixed(1)} ms`,
    );
    double.script("*", ...Array.from({ length: turns }, pacedStep));
    const paced = summarize(await sequential(client, turns, "paced"));
    double.reset();
    t.log(`ai paced: first delta p50 ${paced.firstDelta.p50?.toFixed(1)} ms, final p50 ${paced.final.p50?.toFixed(1)} ms`);
    return { thinkMs: THINK_MS, firstTurn: warm[0], instant, backToBack, paced };
  } finally {
    client.close();
  }
}

/** One level: rounds of n replies started at once in n rooms, paced or instant; at least
 * `rounds` rounds and MIN_SAMPLES replies, so one reply alone is not judged on three. */
async function level(clients, double, n, rounds, paced) {
  const samples = [];
  for (let r = 0; r < Math.max(rounds, Math.ceil(MIN_SAMPLES / n)); r++) {
    await sleep(THINK_MS);
    if (paced) double.script("*", ...Array.from({ length: n }, pacedStep));
    const turns = clients.slice(0, n).map((c, i) => c.turnOnce(`ai-c${paced ? "p" : "i"}${n}-${r}-${i}`, 60_000));
    samples.push(...(await Promise.all(turns)));
    double.reset();
  }
  // The double's own wait before its first chunk is not Parlor's time.
  return { concurrent: n, ...summarize(samples, paced ? PACE.delayMs : 0) };
}

/** Concurrency 1, 2, 4, … up to maxLevel, until the first delta (less the double's wait) has
 * doubled against one reply alone, or a turn failed. `clients` grows as needed (one room each). */
async function concurrencySeries(t, double, clients, { maxLevel, rounds, paced }) {
  const levels = [];
  for (let n = 1; n <= maxLevel; n *= 2) {
    while (clients.length < n) clients.push(await aiRoom(t, t.users[clients.length], `bench ai ${clients.length}`));
    await quiesce(t.server);
    const l = await level(clients, double, n, rounds, paced);
    levels.push(l);
    const base = levels[0].firstDelta.p50;
    t.log(
      `ai concurrency ${n} (${paced ? "paced" : "instant"}): first delta p50 ${l.firstDelta.p50?.toFixed(1)} ms (${(l.firstDelta.p50 / base).toFixed(2)}x one)`,
    );
    if (l.failed > 0 || l.firstDelta.p50 >= 2 * base) break;
  }
  const base = levels[0]?.firstDelta.p50;
  const sustained = levels.filter((l) => l.failed === 0 && l.firstDelta.p50 < 2 * base).at(-1)?.concurrent ?? 0;
  return { paced, rounds, thinkMs: THINK_MS, maxLevel, levels, sustained, doubled: levels.some((l) => l.firstDelta.p50 >= 2 * base) };
}

/**
 * The whole phase against a target already started with aiVars(double's URL).
 * @param {{ t: object, double: object, turns: number, maxLevel: number, rounds: number }} o
 */
export async function aiPhase({ t, double, turns, maxLevel, rounds }) {
  t.log(`ai: ${turns} sequential turns with the double instant, ${turns} paced (${PACE.chunks} chunks, ${PACE.delayMs} ms apart)`);
  const series = await sequentialSeries(t, double, turns);
  await quiesce(t.server);
  t.log(`ai: concurrent replies in different rooms, 1, 2, 4, … up to ${maxLevel}, ${rounds} rounds each, instant then paced`);
  const clients = [];
  try {
    const concurrency = await concurrencySeries(t, double, clients, { maxLevel, rounds, paced: false });
    const concurrencyPaced = await concurrencySeries(t, double, clients, { maxLevel, rounds, paced: true });
    return { pace: PACE, keys: KEYS.length, ...series, concurrency, concurrencyPaced };
  } finally {
    for (const c of clients) c.close();
  }
}
