#!/usr/bin/env node
// `npm run bench:profile`: where the runtime's CPU goes under a saturated fan-out. Starts the
// app as `npm run bench` does, fills a room of --clients members, and records a V8 CPU profile
// of the Worker's isolate (which runs its Durable Objects too) through wrangler's inspector
// while everyone sends. Prints the functions with the most self time, grouped by function and
// by file, and writes the .cpuprofile (open it in Chrome DevTools) beside the bench results.
// With --history N --read PATH it instead seeds a room of N messages (as the bench's history
// phase does) and repeats one GET while sampling, e.g. a search, to see where a read's time goes.
// --pg runs it on Postgres through Hyperdrive, as the bench's history-pg phase does (bench-pg.mjs).
// --timeline (with --rate) samples nothing: it times every delivery of the fixed load and prints
// when the slowest ones arrived, which shows a periodic stall (e.g. the write-behind copy). With
// --perf it records the runtime natively meanwhile (the isolate is not slowed by an inspector),
// with --strace it counts the runtime's system calls (--strace-calls fsync,unlinkat lists those
// calls one by one, with their files). --direct connects the sockets straight to the runtime,
// past wrangler dev's proxy.
// --reference PATH (with --timeline) runs the same timeline against the reference instead
// (a local copy of workers-chat-demo, as for `npm run bench`), to tell a stall of Parlor's
// from one of the machine, the proxy or the client. --reference-pad N pads the reference's
// message content by N characters, so its frames are about as large as Parlor's `message`
// frames (N = 220 matches them at 100 clients), to tell a cost of the frame's size apart.
// --trace-gc runs the runtime with V8's GC tracing and prints, at the end, the busiest isolate's
// full collections (each one's pause, the heap before and after, the time in V8's own phases)
// and how many scavenges it made.
// --heap runs the load for --seconds, then prints what the isolate's live heap holds after a
// full collection, by constructor (bench-heap.mjs).
// A diagnostic, not a benchmark: sampling slows the isolate, so its throughput is not reported.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Api, closeAll, connectAll, createRoom, RoomClient, registerUsers } from "./bench-client.mjs";
import { quiesce, runPhase, settle } from "./bench-fanout.mjs";
import { summarizeHeap, takeHeapSnapshot } from "./bench-heap.mjs";
import { seed } from "./bench-history.mjs";
import { pgServer } from "./bench-pg.mjs";
import { Inspector, startPerf, startStrace, stopRecorder, summarizeGc, traceGc } from "./bench-recorders.mjs";
import { ReferenceClient, referenceRoom, referenceServer, referenceUsers } from "./bench-reference.mjs";
import { applyMigrations, DevServer, freePort, prebundle, removeSnapshot, snapshot } from "./bench-server.mjs";

const repo = resolve(dirname(new URL(import.meta.url).pathname), "..");
const { values: args } = parseArgs({
  options: {
    clients: { type: "string", default: "2" },
    senders: { type: "string" },
    seconds: { type: "string", default: "4" },
    inflight: { type: "string", default: "64" },
    top: { type: "string", default: "40" },
    perf: { type: "boolean", default: false },
    "trace-gc": { type: "boolean", default: false },
    strace: { type: "boolean", default: false },
    "strace-calls": { type: "string" },
    direct: { type: "boolean", default: false },
    connect: { type: "string" },
    rate: { type: "string" },
    history: { type: "string" },
    read: { type: "string" },
    pg: { type: "boolean", default: false },
    timeline: { type: "boolean", default: false },
    heap: { type: "boolean", default: false },
    reference: { type: "string" },
    "reference-pad": { type: "string", default: "0" },
    "idle-before": { type: "string", default: "0" },
    out: { type: "string", default: join(repo, "load", "results", "profile.cpuprofile") },
  },
});
const n = Number(args.clients);
const senders = Number(args.senders ?? args.clients);
const log = (m) => console.error(`[profile] ${m}`);
/** --rate M: the fixed load (M messages/s over the senders, open loop) instead of saturation. */
const load = args.rate ? { rate: Number(args.rate) } : { inflight: Number(args.inflight) };

const vars = { SEND_PER_SECOND: "1000000", SEND_BURST: "1000000" };
if (args.reference && !args.timeline) throw new Error("--reference needs --timeline");
const gcLog = args["trace-gc"] ? traceGc(repo, args.out) : undefined;
const { snap, server } = args.reference
  ? await referenceServer(repo, args.reference)
  : args.pg
    ? await pgServer(repo, vars)
    : await d1Server(vars);
try {
  await server.start();
  const api = new Api(server.base);
  const { users, room, Client } = args.reference
    ? { users: referenceUsers(n), room: await referenceRoom(server.base), Client: ReferenceClient }
    : await parlorRoom(api);
  const pad = Number(args["reference-pad"]);
  // --direct: the sockets go straight to the runtime, past wrangler dev's proxy (production has none).
  const port = args.direct ? await server.runtimePort() : server.port;
  if (port === undefined) throw new Error("--direct: the runtime's own port was not found");
  const clients = users.slice(0, n).map((user, index) => new Client({ port, roomId: room.id, user, index, ackOnEcho: false, pad }));
  const t = { api, server, log, users };
  if (args.history) {
    log(`seeding ${args.history} messages`);
    await seed(t, room, users[0], Number(args.history));
    await quiesce(server, 180_000);
  }
  const readPath = args.read?.replace(":room", room.id);
  await connectAll(clients);
  // A timeline waits, as the benchmark does, until the objects the sign-ups and the connects
  // woke are evicted (settle()), so that their eviction is not measured.
  if (args.timeline && (await settle(server)) === null) log("per-person objects still in memory after 30 s");
  // Warm the JIT and the room before sampling, with the load to be measured: a saturated
  // warm-up before a fixed load would leave thousands of rows for the write-behind copy to
  // work through during it.
  if (readPath) await repeatRead(api, users[1].token, readPath, 2000);
  else if (!args.connect) await runPhase(clients, { label: "warm", senders, durationMs: 2000, ...load }, server);
  if (args.timeline) {
    if (!args.rate) throw new Error("--timeline needs --rate");
    // --idle-before S: the room sits idle first, as between the benchmark's interleaved runs.
    const idle = Number(args["idle-before"]) * 1000;
    if (idle > 0) await new Promise((resolve) => setTimeout(resolve, idle));
    await timeline(clients, server);
    await closeAll(clients);
  } else if (args.heap) {
    // --heap: the load for --seconds, then what the live heap holds (bench-heap.mjs).
    await runPhase(clients, { label: "heap", senders, durationMs: Number(args.seconds) * 1000, ...load }, server);
    const inspector = await Inspector.open(server.inspectorPort);
    const snapshot = await takeHeapSnapshot(inspector);
    inspector.close();
    await closeAll(clients);
    console.log(summarizeHeap(snapshot, Number(args.top)));
  } else await sample(clients, readPath, t);
} finally {
  await server.stop();
  removeSnapshot(snap);
}
if (gcLog) console.log(summarizeGc(gcLog));

/** The fixed load, every delivery timed: percentiles, each second's slowest, and when the
 * slowest 1 % arrived (ms since the start, and that modulo one second). */
async function timeline(clients, server) {
  const at = [];
  // --perf: the runtime sampled natively while the timeline runs (no inspector attached);
  // --strace: its system calls counted meanwhile.
  const perf = args.perf && startPerf(server, args.out);
  const strace = (args.strace || args["strace-calls"] !== undefined) && startStrace(server, args.out, args["strace-calls"]);
  const start = performance.now();
  const startEpoch = Date.now();
  const r = await runPhase(
    clients,
    {
      label: "timeline",
      senders,
      durationMs: Number(args.seconds) * 1000,
      rate: Number(args.rate),
      onSample: (ms) => at.push([performance.now() - start, ms]),
    },
    server,
  );
  if (perf) await stopRecorder(perf);
  if (strace) await stopRecorder(strace);
  if (at.length === 0) throw new Error("no deliveries were timed");
  const worst = new Map();
  for (const [t, ms] of at) worst.set(Math.floor(t / 1000), Math.max(worst.get(Math.floor(t / 1000)) ?? 0, ms));
  const perSecond = [...worst.values()].sort((a, b) => a - b);
  const bytes = clients.reduce((sum, c) => sum + c.messageBytes, 0) / clients.reduce((sum, c) => sum + c.view.length / 2, 0);
  console.log(`${at.length} deliveries: p50 ${r.latency.p50.toFixed(1)} ms, p99 ${r.latency.p99.toFixed(1)} ms, lost ${r.lost}`);
  console.log(`message frames: ${bytes.toFixed(0)} bytes on average (warm-up included)`);
  console.log(
    `slowest delivery of each second: median ${perSecond[perSecond.length >> 1].toFixed(1)} ms, max ${perSecond.at(-1).toFixed(1)} ms`,
  );
  const slow = [...at].sort((a, b) => b[1] - a[1]).slice(0, Math.ceil(at.length / 100));
  // The start in epoch ms, to line the slowest up with --strace-calls' timestamps.
  console.log(`the slowest 1 % (at ms after ${startEpoch}: latency ms, at modulo 1000):`);
  console.log(
    slow
      .sort((a, b) => a[0] - b[0])
      .map(([t, ms]) => `${t.toFixed(0)}: ${ms.toFixed(1)} (${(t % 1000).toFixed(0)})`)
      .join("\n"),
  );
}

/** The CPU profile (and with --perf the native one) of whatever --read, --connect or the load does. */
async function sample(clients, readPath, { api, server, log, users }) {
  const inspector = await Inspector.open(server.inspectorPort);
  await inspector.call("Profiler.enable");
  await inspector.call("Profiler.setSamplingInterval", { interval: 200 });
  await inspector.call("Profiler.start");
  // --perf: also samples the runtime process natively (SQLite, sockets, the kernel) with perf.
  const perf = args.perf && startPerf(server, args.out);
  // --connect K: K connect storms (everyone closes, then reconnects at once) instead of sends.
  let r = { lost: 0, duplicated: 0 };
  if (readPath) {
    const reads = await repeatRead(api, users[1].token, readPath, Number(args.seconds) * 1000);
    log(`${reads.length} reads of ${args.read} while sampling; median ${reads.sort((a, b) => a - b)[reads.length >> 1]?.toFixed(1)} ms`);
  } else if (args.connect) {
    for (let i = 0; i < Number(args.connect); i++) {
      await closeAll(clients);
      for (const c of clients) c.closing = false;
      const { ready } = await connectAll(clients);
      log(`connect storm ${i + 1}: slowest ready ${Math.max(...ready).toFixed(0)} ms`);
    }
  } else {
    r = await runPhase(clients, { label: "prof", senders, durationMs: Number(args.seconds) * 1000, ...load }, server);
    log(`send to receipt while sampling: p50 ${r.latency.p50.toFixed(1)} ms, p99 ${r.latency.p99.toFixed(1)} ms`);
  }
  const { profile } = await inspector.call("Profiler.stop");
  if (perf) await stopRecorder(perf);
  inspector.close();
  await closeAll(clients);
  log(`${r.acked ?? "?"} acked while sampling; lost ${r.lost}, duplicated ${r.duplicated}`);
  mkdirSync(dirname(args.out), { recursive: true });
  writeFileSync(args.out, JSON.stringify(profile));
  console.log(summarize(profile, Number(args.top)));
  log(`profile written to ${args.out}`);
}

/** Parlor's side: `n` members (at least 2) registered, and their room. */
async function parlorRoom(api) {
  const users = await registerUsers(api, Math.max(n, 2), "prof_", []);
  return { users, room: await createRoom(api, users.slice(0, n), "profile"), Client: RoomClient };
}

/** A snapshot of the tree on D1, bundled and migrated, and its dev server (not started). */
async function d1Server(vars) {
  const snap = snapshot(repo);
  prebundle(snap);
  applyMigrations(snap);
  return { snap, server: new DevServer(snap, await freePort(), vars) };
}

/** One GET after another for `ms`; returns each one's ms (a wrong status throws). */
async function repeatRead(api, token, path, ms) {
  const out = [];
  const until = performance.now() + ms;
  while (performance.now() < until && out.length < 10_000) {
    const started = performance.now();
    await api.must("GET", path, { token });
    out.push(performance.now() - started);
  }
  return out;
}

/** Self and total (inclusive) time per function, and self time per file, as shares of all samples. */
function summarize(profile, top) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const keyOf = (id) => {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const file = url ? url.split("/").slice(-2).join("/") : "(native)";
    return [`${functionName || "(anonymous)"}  ${file}:${lineNumber + 1}`, file];
  };
  const fns = new Map();
  const totals = new Map();
  const files = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    total += us;
    const [key, file] = keyOf(id);
    fns.set(key, (fns.get(key) ?? 0) + us);
    files.set(file, (files.get(file) ?? 0) + us);
    // Each function on the sample's stack once, however deep its recursion.
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) seen.add(keyOf(at)[0]);
    for (const k of seen) totals.set(k, (totals.get(k) ?? 0) + us);
  });
  total ||= 1;
  const table = (m, k) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([key, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${key}`)
      .join("\n");
  return [
    `${(total / 1000).toFixed(0)} ms sampled`,
    `Self time by function:\n${table(fns, top)}`,
    `Total time by function (itself and what it called):\n${table(totals, top)}`,
    `Self time by file:\n${table(files, 15)}`,
  ].join("\n\n");
}
