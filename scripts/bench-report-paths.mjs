// The report's sections for the AI reply path and the history path (bench-ai.mjs,
// bench-history.mjs): each number next to what it is compared with, the earlier outside
// measurement and the goal for the AI path, and the same server's GET /api/me, in the same
// run, for the history path.
import { fmt, fmtInt, fmtSpread, spread } from "./bench-stats.mjs";

/** The AI path as measured from outside before this benchmark had it (the same double). */
export const AI_EARLIER = { p50: "26–33 ms", p95: "29–56 ms", goalP95: 50 };
/** The history path's goals: × the same server's GET /api/me, and catch-up messages/s. */
export const HISTORY_GOALS = { page: 1.2, search: 2, catchUpPerSec: 20_000 };

const ms = (x) => `${fmt(x, 1)} ms`;
const row = (cells) => `| ${cells.join(" | ")} |`;

function turnRow(label, s, note) {
  const f = s.firstDelta;
  return row([label, s.complete, s.failed, ms(f.p50), ms(f.p95), ms(f.p99), ms(s.final.p50), ms(s.final.p95), ms(s.final.p99), note]);
}

/** @param {object} ai results.ai */
export function aiSection(ai) {
  const p95 = ai.instant.firstDelta.p95;
  const lines = [
    "#### The AI path (Gemini double)",
    "",
    `Sequential turns in one room, one socket, each ${fmt(ai.thinkMs / 1000, 1)} s after the previous reply (back to back: at once): send → first \`delta\` and send → final \`message\` (the whole reply). Instant: the double answers at once (4 chunks), so what is measured is Parlor's path (queue, key pool, room, socket). Paced: ${ai.pace.chunks} chunks, ${ai.pace.delayMs} ms apart (the first too). ${ai.keys} keys, per-key limits lifted.`,
    "",
    "| double | turns | failed | first delta p50 | p95 | p99 | final p50 | p95 | p99 | compared with |",
    "|---|---|---|---|---|---|---|---|---|---|",
    turnRow(
      "instant",
      ai.instant,
      `earlier p50 ${AI_EARLIER.p50}, p95 ${AI_EARLIER.p95}; goal p95 ≤ ${AI_EARLIER.goalP95} ms: **${p95 <= AI_EARLIER.goalP95 ? "met" : "not met"}**`,
    ),
    turnRow("instant, back to back", ai.backToBack, "each turn sent the moment the previous reply was final"),
    turnRow("paced", ai.paced, `the double's own wait before the first chunk: ${ai.pace.delayMs} ms`),
    "",
    `The first turn of the run (cold queue consumer, key pool and SDK): first delta ${ms(ai.firstTurn.firstDeltaMs)}, final ${ms(ai.firstTurn.finalMs)}.`,
    "",
    ...concurrencyTable(ai.concurrency, "instant double"),
    ...(ai.concurrencyPaced ? concurrencyTable(ai.concurrencyPaced, `paced double; first delta less its ${ai.pace.delayMs} ms wait`) : []),
  ];
  return lines;
}

/** Concurrent replies in different rooms, one level per row, until the first delta doubled. */
function concurrencyTable(c, label) {
  const base = c.levels[0]?.firstDelta.p50;
  return [
    `Concurrent replies in different rooms (${label}; at least ${c.rounds} round(s) and 12 replies per level, every room's turn started at once, ${fmt(c.thinkMs / 1000, 1)} s after the previous round):`,
    "",
    "| concurrent replies | turns | failed | first delta p50 | p95 | p99 | × one reply (p50) | final p50 |",
    "|---|---|---|---|---|---|---|---|",
    ...c.levels.map((l) =>
      row([
        l.concurrent,
        l.complete,
        l.failed,
        ms(l.firstDelta.p50),
        ms(l.firstDelta.p95),
        ms(l.firstDelta.p99),
        fmt(l.firstDelta.p50 / base, 2),
        ms(l.final.p50),
      ]),
    ),
    "",
    c.doubled
      ? `One local runtime carries **${c.sustained}** concurrent ${c.sustained === 1 ? "reply" : "replies"} before the first delta takes twice as long as one reply's.`
      : `The first delta had not doubled at ${c.levels.at(-1)?.concurrent} concurrent replies (the bound of the phase): one local runtime carries at least that many.`,
    "",
  ];
}

function ratioCell(x, base, goal) {
  const r = x / base;
  return `${fmt(r, 2)} (goal ≤ ${goal}: ${r <= goal ? "met" : "**not met**"})`;
}

/** @param {object} h results.history */
export function historySection(h) {
  const me = h.read.me;
  const kinds = [
    ["latest", "latest page (50)", HISTORY_GOALS.page],
    ["back50k", `a page ${fmtInt(h.count - h.back)} back`, HISTORY_GOALS.page],
    ["first", "first page (after 0)", HISTORY_GOALS.page],
    ["searchRare", `search, one word in ${fmtInt(h.count / h.rare.every)} messages ("${h.rare.word}")`, HISTORY_GOALS.search],
    ["searchCommon", `search, one word in every message ("${h.common}")`, HISTORY_GOALS.search],
  ];
  const cu = spread(h.catchUp.map((c) => c.perSec));
  const whole = h.catchUp.every((c) => c.whole);
  return [
    `#### The history path (${h.store === "postgres" ? "Postgres through Hyperdrive" : "D1"})`,
    "",
    `A room of ${fmtInt(h.count)} messages that keeps only its newest ${h.hotLog.HOT_LOG_ROWS} itself (HOT_LOG_HOURS=${h.hotLog.HOT_LOG_HOURS}); seeded through ${h.seedSockets} sockets in ${fmt(h.seedSeconds, 1)} s, the copy to the history store drained ${h.flushWaitMs === null ? "not within 180 s" : `${fmt(h.flushWaitMs / 1000, 1)} s later`}${h.afterLoad ? `, ${h.afterLoad}` : ""}. ${h.rounds} reads of each kind, interleaved round by round, through wrangler dev's proxy, by the other member:`,
    "",
    "| read | p50 | p99 | max | wrong answers | p50 ÷ /api/me | p99 ÷ /api/me |",
    "|---|---|---|---|---|---|---|",
    row(["`GET /api/me` (the same server)", ms(me.p50), ms(me.p99), ms(me.max), me.wrong, "1.00", "1.00"]),
    ...kinds.map(([k, label, goal]) => {
      const r = h.read[k];
      return row([label, ms(r.p50), ms(r.p99), ms(r.max), r.wrong, ratioCell(r.p50, me.p50, goal), fmt(r.p99 / me.p99, 2)]);
    }),
    "",
    `Catch-up from \`afterSeq\` 0 over a WebSocket, ${h.catchUp.length} run(s): ${fmtSpread(cu)} messages/s (goal ≥ ${fmtInt(HISTORY_GOALS.catchUpPerSec)}: ${cu.median >= HISTORY_GOALS.catchUpPerSec ? "met" : "**not met**"}); ${fmt(spread(h.catchUp.map((c) => c.seconds)).median, 1)} s for all ${fmtInt(h.count)}; every run whole and in order: ${whole ? "**yes**" : "**no**"}; the client's own CPU meanwhile ${fmt(spread(h.catchUp.map((c) => c.clientCpu * 100)).median, 0)}% of a core.`,
  ];
}
