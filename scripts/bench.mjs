#!/usr/bin/env node
// `npm run bench`: starts the app under `wrangler dev` and measures WebSocket fan-out, connect
// time, idle memory per socket, start-up CPU and bundle split, one member flooding a room, and a
// crash-restart soak, then prints a Markdown report with
// ratios against the reference (docs/benchmarks.md, "Method") and writes the raw
// results as JSON. With --baseline it also runs the same workloads, interleaved, against a
// minimal store-then-broadcast server (load/baseline) for same-run ratios, and with
// --reference PATH against a local copy of the reference (bench-reference.mjs). A benchmark, not a
// test: it asserts nothing about timings. Everything targets 127.0.0.1; every loop is bounded.
//
//   npm run bench [-- --quick] [--baseline] [--reference PATH] [--store d1|pg] [--runs 3] [--sizes 2,10,50,100] [--seconds 3]
//                 [--window 8] [--skip startup,memory,fanout,channels,ai,flood,soak,history,history-pg]
//                 [--out load/results/bench-latest.json]
import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { aiPhase, aiVars } from "./bench-ai.mjs";
import { Api, createRoom, RoomClient, registerUsers } from "./bench-client.mjs";
import { startGeminiDouble } from "./bench-double.mjs";
import { flood } from "./bench-flood.mjs";
import { HISTORY_VARS, historyPhase } from "./bench-history.mjs";
import { pgServer, vacuumAnalyze } from "./bench-pg.mjs";
import { ReferenceClient, referenceRoom, referenceServer, referenceUsers } from "./bench-reference.mjs";
import { report } from "./bench-report.mjs";
import { applyMigrations, baselineSnapshot, DevServer, freePort, prebundle, removeSnapshot, snapshot } from "./bench-server.mjs";
import { soak } from "./bench-soak.mjs";
import { startup } from "./bench-startup.mjs";
import { fanoutRoom, memory } from "./bench-suite.mjs";

const repo = resolve(dirname(new URL(import.meta.url).pathname), "..");
const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    baseline: { type: "boolean", default: false },
    reference: { type: "string" },
    store: { type: "string", default: "d1" },
    runs: { type: "string" },
    sizes: { type: "string" },
    seconds: { type: "string" },
    window: { type: "string", default: "8" },
    skip: { type: "string" },
    out: { type: "string", default: join(repo, "load", "results", "bench-latest.json") },
  },
});
const quick = args.quick;
const opts = {
  runs: Number(args.runs ?? (quick ? 1 : 3)),
  // Sizes without a reference number (10, 50) get one run unless --runs says otherwise: it
  // keeps the default run near 3 minutes; the reference comparisons keep their spread.
  runsForUnreferenced: args.runs === undefined ? 1 : Number(args.runs),
  seconds: Number(args.seconds ?? (quick ? 2 : 3)),
  // Saturation: each sender keeps `window` sends in flight, the room at least minInflight (so
  // small rooms are not limited by round trips) and at most maxInflight (past that, more only
  // queues in the sockets and stretches the drain).
  window: Number(args.window),
  minInflight: 64,
  maxInflight: 256,
  fixedSeconds: quick ? 4 : 6,
};
const sizes = (args.sizes ?? (quick ? "2,100" : "2,10,50,100")).split(",").map(Number);
// --quick is for iterating: no memory phase (1,000 connects) and a short soak.
const skip = new Set((args.skip ?? (quick ? "memory" : "")).split(",").filter(Boolean));
/** Members of each fan-out room who have only their channel open (see bench-channels.mjs). */
const ABSENT = 100;
const userCount = Math.max(100, ...sizes);
const historyOpts = { count: quick ? 20_000 : 100_000, rounds: quick ? 20 : 50, catchUps: quick ? 1 : 3 };
if (![opts.runs, opts.seconds, opts.window, ...sizes].every((n) => Number.isInteger(n) && n > 0) || userCount > 1000) {
  throw new Error("--runs, --seconds, --window and --sizes must be positive integers (sizes up to 1000)");
}

const t0 = performance.now();
const log = (msg) => console.error(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(3)}s] ${msg}`);
const notes = [];
const results = {
  startedAt: new Date().toISOString(),
  machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: totalmem() / 2 ** 30, node: process.version },
  args: { quick, sizes, skip: [...skip], ...opts },
  notes,
};

// The per-user send limit (SEND_PER_SECOND=1, burst 10) would make this a benchmark of the
// limiter: it is lifted here, and only here.
const LIFTED_LIMITS = { SEND_PER_SECOND: "1000000", SEND_BURST: "1000000" };
if (!["d1", "pg"].includes(args.store)) throw new Error("--store is d1 or pg");
// --store pg: Parlor keeps its history in Postgres through Hyperdrive for every phase (as the
// history-pg phase does), so the write-behind copy leaves the runtime's thread: locally D1 runs
// inside the runtime, Postgres in a process of its own, as a production store would.
const onPg = args.store === "pg" ? await pgServer(repo, { ...LIFTED_LIMITS }) : undefined;
if (onPg) skip.add("history-pg");
const snaps = [onPg?.snap ?? snapshot(repo)];
results.revision = `${snaps[0].rev}${snaps[0].dirty ? " + uncommitted changes" : ""}`;
results.store = args.store;
const parlor = onPg?.server ?? new DevServer(snaps[0], await freePort(), { ...LIFTED_LIMITS });
const servers = [parlor];
// Each server's output goes beside the results (git-ignored), for when a phase misbehaves.
mkdirSync(dirname(args.out), { recursive: true });
const logPath = (name) => `${args.out.replace(/\.json$/, "")}.${name}.log`;
parlor.logFile = createWriteStream(logPath("parlor"));
// The Gemini double answers the AI phase's replies, in this process (bench-double.mjs).
const gemini = skip.has("ai") ? undefined : await startGeminiDouble();
if (gemini) Object.assign(parlor.vars, aiVars(gemini.baseUrl));
const stopAll = async () => {
  for (const s of servers) await s.stop();
  await gemini?.double.stop();
  for (const s of snaps) removeSnapshot(s);
};
process.once("SIGINT", () => void stopAll().then(() => process.exit(130)));

try {
  log(`snapshot of ${results.revision}; bundling, applying D1 migrations`);
  if (!onPg) {
    prebundle(snaps[0]);
    applyMigrations(snaps[0]);
  }
  if (!skip.has("startup")) results.startup = startup({ repo, snap: snaps[0], runs: opts.runs, log });
  await parlor.start();
  log(`parlor: wrangler dev on 127.0.0.1:${parlor.port}, workerd ${JSON.stringify(parlor.processes())}`);
  const targets = [await target("parlor", parlor, false)];
  if (args.baseline) {
    snaps.push(baselineSnapshot(repo));
    const base = new DevServer(snaps[1], await freePort(), {});
    base.logFile = createWriteStream(logPath("baseline"));
    servers.push(base);
    await base.start();
    log(`baseline: wrangler dev on 127.0.0.1:${base.port}`);
    targets.push(await target("baseline", base, true));
  }
  if (args.reference) {
    const { snap, server: ref } = await referenceServer(repo, args.reference);
    snaps.push(snap);
    ref.logFile = createWriteStream(logPath("reference"));
    servers.push(ref);
    await ref.start();
    log(`reference (${args.reference}): wrangler dev on 127.0.0.1:${ref.port}`);
    results.reference = { fanout: [], connect: [], connectDirect: [], fixedPooled: [] };
    const createRoom = () => referenceRoom(ref.base);
    targets.push({
      name: "reference",
      server: ref,
      users: referenceUsers(userCount),
      ackOnEcho: true,
      log,
      opts,
      out: results.reference,
      createRoom,
      Client: ReferenceClient,
    });
  }
  // Interleaved, so a burst of someone else's work on the machine hits both alike.
  if (!skip.has("memory")) for (const t of targets) await memory(t);
  if (!skip.has("fanout")) for (const n of sizes) await fanoutRoom(targets, n);
  if (gemini) {
    const ai = { turns: quick ? 10 : 30, maxLevel: 32, rounds: quick ? 1 : 3 };
    results.ai = await aiPhase({ t: targets[0], double: gemini.double, ...ai });
  }
  if (!skip.has("flood")) {
    // With the real per-user send limit (10, then 1 a second): a flooder must meet it.
    await parlor.stop();
    for (const name of Object.keys(LIFTED_LIMITS)) delete parlor.vars[name];
    await parlor.start();
    // The flooder, a reader in another room, and eight members sending at a human pace.
    const users = targets[0].users.slice(0, 10);
    results.flood = await flood({ api: targets[0].api, port: parlor.port, users, log, seconds: quick ? 6 : 10 });
    // The phases after it measure the room again, not the limiter.
    await parlor.restartWith(LIFTED_LIMITS);
  }
  if (!skip.has("soak")) {
    // The soak's room keeps only its newest 500 messages (HOT_LOG_HOURS=0), so catch-ups past
    // that read the history store; same state, secrets and port, restarted with the setting.
    await parlor.restartWith(HISTORY_VARS);
    log("soak: 8 clients, 4 senders, the server SIGKILLed and restarted midway; rooms keep their newest 500 messages");
    const users = targets[0].users.slice(0, 8);
    const room = await createRoom(targets[0].api, users, "bench soak");
    results.soak = await soak({
      api: targets[0].api,
      server: parlor,
      room,
      users,
      senders: 4,
      ratePerSender: 25,
      durationMs: quick ? 12_000 : 20_000,
    });
    log(`soak: ${results.soak.acked} acked; exactly once, in order, in every view: ${results.soak.exactlyOnceInEveryView}`);
  }
  if (!skip.has("history")) {
    // A room of 100,000 messages that keeps only its newest 500 itself (the soak's setting).
    await parlor.restartWith(HISTORY_VARS);
    results.history = await historyPhase({ t: targets[0], ...historyOpts });
  }
  if (!skip.has("history-pg")) await historyOnPostgres(targets[0]);
} catch (err) {
  results.error = String(err?.stack ?? err);
  console.error(`bench failed: ${results.error}\n--- wrangler dev output (tail) ---\n${parlor.tail()}`);
  process.exitCode = 1;
} finally {
  await stopAll();
}
results.seconds = (performance.now() - t0) / 1000;
mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
console.log(report(results));
log(`done in ${results.seconds.toFixed(0)} s; raw results in ${args.out}`);

/** The history phase again on Postgres through Hyperdrive, one server at a time on this small
 * machine; without a reachable Postgres it is noted and skipped. */
async function historyOnPostgres(t) {
  await parlor.stop();
  let pg;
  try {
    pg = await pgServer(repo, { ...LIFTED_LIMITS, ...HISTORY_VARS });
  } catch (err) {
    notes.push(`history on Postgres skipped: ${String(err?.message ?? err).split("\n")[0]}`);
    return;
  }
  snaps.push(pg.snap);
  servers.push(pg.server);
  pg.server.logFile = createWriteStream(logPath("parlor-pg"));
  await pg.server.start();
  log(`parlor on Postgres (${pg.database}): wrangler dev on 127.0.0.1:${pg.server.port}`);
  const api = new Api(pg.server.base);
  const afterLoad = async () => {
    const started = performance.now();
    await vacuumAnalyze(pg.url);
    return `then VACUUM ANALYZE, as autovacuum would have run by now, in ${((performance.now() - started) / 1000).toFixed(1)} s`;
  };
  results.historyPg = await historyPhase({ t: { ...t, server: pg.server, api }, store: "postgres", ...historyOpts, afterLoad });
}

async function target(name, server, ackOnEcho) {
  const api = new Api(server.base);
  const channels = name === "parlor" && !skip.has("channels");
  const users = await registerUsers(api, userCount + (channels ? ABSENT : 0), "bench_", name === "parlor" ? notes : []);
  log(`${name}: registered ${users.length} users`);
  results[name] = { fanout: [], connect: [], connectDirect: [], fixedPooled: [] };
  // Only Parlor has channels; --skip channels leaves their phases out.
  const absent = channels ? users.splice(userCount, ABSENT) : undefined;
  const room = (members, title) => createRoom(api, members, title);
  return { name, server, api, users, absent, ackOnEcho, log, opts, out: results[name], createRoom: room, Client: RoomClient };
}
