// Turns the benchmark's raw results into the Markdown that goes into docs/benchmarks.md:
// ratios against the reference first (and against the same-run baseline when it ran), then
// every workload with the spread over its runs.
import { aiSection, historySection } from "./bench-report-paths.mjs";
import { fmt, fmtInt, fmtSpread, spread } from "./bench-stats.mjs";

// The reference (docs/benchmarks.md, "Method"): cloudflare/workers-chat-demo under local
// wrangler dev, measured once on a quiet machine. Only a fallback, labeled as such, for runs
// without --reference: the same-run numbers are the comparison (the machine is shared).
export const REFERENCE = {
  p50At2500: 6.3,
  p99At2500: 12.3,
  p99At2500Pooled: 12.3,
  saturated100: 47_600,
  saturated2: 2_000,
  bytesPerSocket: 272_000,
  connectP99At100: 137,
};

const sum = (rows, k) => rows.reduce((n, r) => n + (r[k] ?? 0), 0);
const med = (values) => spread(values).median;
/** Median CPU use over the runs, in % of one core. */
const cpu = (rows, k) => `${fmt(med(rows.map((r) => r[k] * 100)), 0)}%`;

/** Phases of one target grouped by workload (room size, senders, mode), in run order. */
function workloads(out) {
  const groups = new Map();
  for (const r of out?.fanout ?? []) {
    const key = `${r.clients}|${r.senders}|${r.mode.startsWith("saturated") ? "sat" : "fixed"}${r.withChannels ? "|channels" : r.paired ? "|paired" : ""}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return groups;
}

/** The numbers compared with the reference, each a list over the runs. */
function headline(out) {
  const w = workloads(out);
  const conn = (out?.connect ?? []).filter((c) => c.clients === 100);
  const pooled = (n) => (out?.fixedPooled ?? []).filter((f) => f.clients === n).map((f) => f.p99);
  return {
    p50At100: (w.get("2|2|fixed") ?? []).map((r) => r.latency.p50),
    p99At100: (w.get("2|2|fixed") ?? []).map((r) => r.latency.p99),
    p99At100Pooled: pooled(2),
    p50At2500: (w.get("100|100|fixed") ?? []).map((r) => r.latency.p50),
    p99At2500: (w.get("100|100|fixed") ?? []).map((r) => r.latency.p99),
    p99At2500Pooled: pooled(100),
    saturated100: (w.get("100|100|sat") ?? []).map((r) => r.deliveriesPerSec),
    saturated2: (w.get("2|2|sat") ?? []).map((r) => r.deliveriesPerSec),
    bytesPerSocket: out?.memory ? [out.memory.perSocket] : [],
    connectP99At100: conn.map((c) => c.p99),
    connectDirectP99At100: (out?.connectDirect ?? []).filter((c) => c.clients === 100).map((c) => c.p99),
  };
}

const ROWS = [
  ["p50At100", "2 clients, 100 messages/s offered: p50", " ms", 1, "lower"],
  ["p99At100", "2 clients, 100 messages/s offered: p99", " ms", 1, "lower"],
  ["p99At100Pooled", "the same, p99 of all runs' deliveries pooled", " ms", 1, "lower"],
  ["p50At2500", "100 clients, 2,500 deliveries/s offered: p50", " ms", 1, "lower"],
  ["p99At2500", "100 clients, 2,500 deliveries/s offered: p99", " ms", 1, "lower"],
  ["p99At2500Pooled", "the same, p99 of all runs' deliveries pooled", " ms", 1, "lower"],
  ["saturated100", "100 clients, all sending, saturated", " deliveries/s", 0, "higher"],
  ["saturated2", "2 clients (both sending), saturated", " deliveries/s", 0, "higher"],
  ["bytesPerSocket", "1,000 idle sockets in 10 rooms, per socket (runtime process)", " KB", 0, "lower"],
  ["connectP99At100", "connect + join (ready), 100 clients at once: p99", " ms", 1, "lower"],
  ["connectDirectP99At100", "the same, warm, straight to the runtime (no wrangler dev proxy): p99", " ms", 1, "lower"],
];

export function report(res) {
  const lines = [];
  const push = (...xs) => lines.push(...xs);
  const a = res.args;
  push(
    `Revision ${res.revision ?? "?"}, ${res.startedAt}; ${res.machine.cpus} × ${res.machine.cpuModel}, ${fmt(res.machine.memGiB)} GiB, Node ${res.machine.node}.`,
  );
  push(
    `${a.runs} run(s) per workload${a.runsForUnreferenced !== undefined && a.runsForUnreferenced !== a.runs ? ` (${a.runsForUnreferenced} for room sizes without a reference number)` : ""}; saturated phases ${a.seconds} s (throughput counted after the first quarter, at most 1 s), each sender keeping ${a.window} sends in flight and the room at least ${a.minInflight}, at most ${a.maxInflight ?? "∞"}; fixed load ${a.fixedSeconds} s per run.`,
  );
  if (res.store === "pg") push("Parlor's history store: Postgres through Hyperdrive (`--store pg`), in every phase.");
  for (const n of res.notes) push(`- Note: ${n}`);
  for (const [name, out] of [
    ["Parlor", res.parlor],
    ["baseline", res.baseline],
    ["reference", res.reference],
  ]) {
    const bad = (out?.fanout ?? []).filter((r) => r.runtimeRestarted || r.closedAtStart > 0 || r.closedAtEnd > 0);
    if (bad.length > 0)
      push(
        `- **Warning**: ${bad.length} ${name} phase(s) lost sockets or saw the runtime restart: ${bad.map((r) => r.label).join(", ")}; their numbers are not comparable.`,
      );
  }
  if (res.error) push("", "**The run failed:**", "```", res.error, "```");

  const p = headline(res.parlor);
  const b = res.baseline ? headline(res.baseline) : undefined;
  const r = res.reference ? headline(res.reference) : undefined;
  const kb = (k, xs) => (k === "bytesPerSocket" ? xs.map((x) => x / 1000) : xs);
  const cell = (xs, unit, digits) => (xs.length === 0 ? "not run" : `${fmtSpread(spread(xs), digits)}${unit}`);
  const ratio = (x, y) => (x.length === 0 || y.length === 0 ? "" : fmt(med(x) / med(y), 2));
  push(
    "",
    "#### Against the reference",
    "",
    r
      ? "The reference ran in this run, interleaved with Parlor phase by phase (`--reference`)."
      : "**No `--reference` in this run**: the reference column is its earlier quiet-machine measurement (`REFERENCE` in scripts/bench-report.mjs), not comparable with a busy machine's numbers.",
    "",
    `| workload | reference${r ? ", same run" : " (earlier, quiet machine)"} | Parlor: median (min–max) | Parlor ÷ reference |${b ? " baseline, same run | Parlor ÷ baseline |" : ""} better is |`,
  );
  push(`|---|---|---|---|${b ? "---|---|" : ""}---|`);
  for (const [k, name, unit, digits, better] of ROWS) {
    const ours = kb(k, p[k]);
    const fallback = REFERENCE[k] === undefined ? [] : kb(k, [REFERENCE[k]]);
    const ref = r ? kb(k, r[k]) : fallback;
    const theirs = b ? kb(k, b[k]) : [];
    const refCell = ref.length === 0 ? "—" : r ? cell(ref, unit, digits) : `${ref[0].toLocaleString("en-US")}${unit}`;
    push(
      `| ${name} | ${refCell} | ${cell(ours, unit, digits)} | ${ratio(ours, ref)} |${b ? ` ${cell(theirs, unit, digits)} | ${ratio(ours, theirs)} |` : ""} ${better} |`,
    );
  }

  channelsSection(res.parlor, push);

  for (const [name, out] of [
    ["Parlor", res.parlor],
    ["Baseline", res.baseline],
    ["Reference", res.reference],
  ]) {
    if (!out) continue;
    push("", `#### Fan-out: ${name}`, "");
    push(
      "| clients | senders | load | deliveries/s: median (min–max) | p50 ms | p95 ms | p99 ms | lost | duplicated | out of order | refused or unanswered | runtime CPU µs per message / per delivery | CPU: runtime / proxy / client / other |",
    );
    push("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (const rs of workloads(out).values()) {
      const r = rs[0];
      const lat = (k) => fmt(med(rs.map((x) => x.latency[k])));
      const load = `${r.mode.startsWith("saturated") ? `saturated (${r.mode.replace("saturated, ", "")})` : r.mode}${r.withChannels ? `, ${r.channels.open} channels open` : r.paired ? ", absent members, no channels" : ""}`;
      push(
        `| ${r.clients} | ${r.senders} | ${load} | ${fmtSpread(spread(rs.map((x) => x.deliveriesPerSec)))} | ${lat("p50")} | ${lat("p95")} | ${lat("p99")} | ${sum(rs, "lost")} | ${sum(rs, "duplicated")} | ${sum(rs, "outOfOrder")} | ${sum(rs, "refused") + sum(rs, "unanswered")} | ${fmt(med(rs.map((x) => x.cpuUsPerMessage)), 0)} / ${fmt(med(rs.map((x) => x.cpuUsPerDelivery)), 1)} | ${cpu(rs, "serverCpu")} / ${cpu(rs, "proxyCpu")} / ${cpu(rs, "clientCpu")} / ${cpu(rs, "otherCpu")} |`,
      );
    }
    for (const f of out.fixedPooled ?? []) {
      push(
        "",
        `Fixed load (${name}, ${f.clients} clients), all ${f.runs} runs' ${fmtInt(f.n)} deliveries pooled: p50 ${fmt(f.p50)} ms, p95 ${fmt(f.p95)} ms, p99 ${fmt(f.p99)} ms, max ${fmt(f.max)} ms.`,
      );
    }
    const connects = [
      ...out.connect.map((c) => ({ ...c, via: "wrangler dev's proxy" })),
      ...(out.connectDirect ?? []).map((c) => ({ ...c, via: "the runtime (warm)" })),
    ];
    if (connects.length > 0) {
      push(
        "",
        `Connect + join (${name}): every client of the room opens its socket at once; ms from opening to \`ready\` (upgrade: to the 101 response). Through wrangler dev's proxy, as a browser would connect locally (the first storm finds the room cold), and (100 clients) right after each, straight to the runtime behind it.`,
        "",
      );
      push("| clients | via | run | p50 | p95 | p99 | max | upgrade p50 / p99 |", "|---|---|---|---|---|---|---|---|");
      for (const c of connects)
        push(
          `| ${c.clients} | ${c.via} | ${c.run} | ${fmt(c.p50)} | ${fmt(c.p95)} | ${fmt(c.p99)} | ${fmt(c.max)} | ${fmt(c.upgrade?.p50)} / ${fmt(c.upgrade?.p99)} |`,
        );
    }
    if (out.memory) {
      const m = out.memory;
      const mib = (x) => fmt(x / 2 ** 20);
      push(
        "",
        `Idle memory (${name}): ${fmtInt(m.sockets)} sockets in ${m.rooms} rooms, connected 50 at a time in ${fmt(m.connectSeconds)} s, all \`ready\`, then idle. RSS, median of 5 readings:`,
        "",
      );
      push("| process | baseline MiB | with the sockets MiB | after closing MiB | per socket |", "|---|---|---|---|---|");
      push(
        `| workerd runtime (Worker + Durable Objects) | ${mib(m.baseline.runtime)} | ${mib(m.loaded.runtime)} | ${mib(m.afterClose.runtime)} | **${fmt(m.perSocket / 1000)} KB** |`,
      );
      push(
        `| workerd proxy in front (wrangler dev only) | ${mib(m.baseline.proxy)} | ${mib(m.loaded.proxy)} | ${mib(m.afterClose.proxy)} | ${fmt(m.proxyPerSocket / 1000)} KB |`,
      );
    }
    if (out.closeHandshake) {
      const c = out.closeHandshake;
      push(
        "",
        `Close handshake (${name}): of ${c.closed} sockets closed by the client with 1000, ${c.unanswered} got no close frame back within 2 s (then terminated).`,
      );
    }
  }

  if (res.startup) push("", ...startupSection(res.startup));
  if (res.ai) push("", ...aiSection(res.ai));
  if (res.history) push("", ...historySection(res.history));
  if (res.historyPg) push("", ...historySection(res.historyPg));

  if (res.flood) {
    const f = res.flood;
    const cell = (q) => `${fmt(q.p50)} / ${fmt(q.p95)} / ${fmt(q.max)} (${q.n})`;
    const row = (what, q, d) => `| ${what} | ${cell(q)} | ${cell(d)} | ${fmt(d.p95 / q.p95, 2)}× |`;
    const fl = f.flooder;
    push("", "#### One member flooding a room (Parlor)", "");
    push(
      `One member opens a socket and at once sends ${fmtInt(f.frames)} \`send\` frames on it as fast as it takes them, under the real send limit, and once the socket is closed connects again and floods again, for the whole window; ${f.senders} other members of the room send one message every 1.1 s each, and a member of another room reads its history every 250 ms, for ${f.seconds} s, with the flood and without it.`,
      "",
      "| the others' | without flood p50 / p95 / max (samples), ms | during flood p50 / p95 / max (samples), ms | p95 ratio |",
      "|---|---|---|---|",
      row("acks in the flooded room", f.quiet.ack, f.during.ack),
      row("history reads in another room", f.quiet.read, f.during.read),
      "",
      `The flooder connected ${fl.connects} time(s) and sent ${fmtInt(fl.framesSent)} frames; ${fl.letIn} of its sockets got \`ready\`; its connections ended with ${Object.entries(
        fl.closeCodes,
      )
        .map(([code, count]) => `**${code}** ×${count}`)
        .join(
          ", ",
        )}, after ${fmtInt(fl.acks)} acks and ${fmtInt(fl.rateLimited)} \`rate_limited\` replies in all: the rest of its frames were dropped unread.`,
    );
  }
  if (res.soak) {
    const s = res.soak;
    const h = s.history ?? {};
    push("", "#### Soak with a crash (Parlor)", "");
    push(
      `${s.clients} clients, ${s.senders} of them sending (${s.generated} messages over ${s.seconds} s); the server was SIGKILLed at ${fmt(s.crashAtSeconds)} s and answered again ${fmt(s.downtimeSeconds)} s later. Clients reconnected ${s.reconnects} times with \`afterSeq\` and sent ${s.resends} unacked or queued sends again.`,
      "",
    );
    push(
      "| acked | unacked at end | conflicting acks | views checked | missing | duplicated | out of order | wrong seq | exactly once in every view | REST history missing / duplicated / wrong seq |",
      "|---|---|---|---|---|---|---|---|---|---|",
    );
    push(
      `| ${s.acked} | ${s.unacked} | ${s.conflictingAcks} | ${s.viewsChecked} | ${s.missing} | ${s.duplicated} | ${s.outOfOrder} | ${s.wrongSeq} | ${s.exactlyOnceInEveryView ? "**yes**" : "**no**"} | ${h.error ?? `${h.missing} / ${h.duplicated} / ${h.wrongSeq}`} |`,
    );
    const l = s.lateJoiner;
    if (l) {
      const whole = l.missing === 0 && l.duplicated === 0 && l.outOfOrder === 0 && l.wrongSeq === 0;
      push(
        "",
        `The room kept only its newest ${s.hotLogRows} messages. A member connecting at the end with \`afterSeq: 0\` received ${l.received} messages (older ones from the history store): missing ${l.missing}, duplicated ${l.duplicated}, out of order ${l.outOfOrder}, wrong seq ${l.wrongSeq}: ${whole ? "**every acked message once, in order**" : "**not whole**"}.`,
      );
    }
  }
  push("", `Total time ${fmt(res.seconds ?? 0, 0)} s.`);
  return lines.join("\n");
}

/** Start-up CPU next to the floor's (same run, interleaved), where Parlor's went, and the
 * deployed bundle's split. */
function startupSection({ parlorMs, floorMs, bundle, hotspots = [] }) {
  const kib = (x) => `${fmt(x / 1024, 0)} KB`;
  const lazy = bundle.lazy.map((c) => `${c.file} ${kib(c.bytes)} (${kib(c.gzip)} gzipped)`).join(", ");
  const where = hotspots.map((h) => `${h.where} ${fmt(h.ms, 1)} ms`).join(", ");
  return [
    "#### Start-up",
    "",
    "Active CPU of the start-up phase (`wrangler check startup` on the Worker as `npm run deploy` uploads it, median (min–max) of all the start-ups profiled, 5 per run, interleaved with the floor):",
    "",
    "| Parlor ms | floor (Hono + one Durable Object) ms | Parlor ÷ floor |",
    "|---|---|---|",
    `| ${fmtSpread(spread(parlorMs))} | ${fmtSpread(spread(floorMs))} | ${fmt(med(parlorMs) / med(floorMs), 2)} |`,
    "",
    `Where Parlor's start-up went (self time per run, the runs' samples pooled; sampling is coarse): ${where || "no samples"}.`,
    "",
    `Evaluated when an isolate starts: ${kib(bundle.eager.bytes)} (${kib(bundle.eager.gzip)} gzipped) in ${bundle.eager.chunks ?? 1} file(s). Imported on first use: ${lazy || "nothing"}.`,
  ];
}

/** Saturated fan-out with every sender, without and with the person channels (see
 * scripts/bench-channels.mjs), side by side. */
function channelsSection(out, push) {
  const w = workloads(out);
  const sizes = [...new Set((out?.fanout ?? []).filter((r) => r.withChannels).map((r) => r.clients))];
  if (sizes.length === 0) return;
  push(
    "",
    "#### Fan-out with the person channels",
    "",
    "Every sender saturating the room, in pairs run back to back: without channels, then with every member's channel open, both with 100 more members in the room who have no socket in it (with their channels open they are the ones the room's coalesced updates reach; a member with the room open gets none).",
    "",
    "| clients | deliveries/s without | with channels | with ÷ without | updates per absent member per second | updates to members in the room |",
    "|---|---|---|---|---|---|",
  );
  for (const n of sizes) {
    const without = (w.get(`${n}|${n}|sat|paired`) ?? []).map((r) => r.deliveriesPerSec);
    const withCh = w.get(`${n}|${n}|sat|channels`) ?? [];
    const rate = withCh.map((r) => r.channels.activityToAbsent / r.channels.absent / r.seconds);
    push(
      `| ${n} | ${fmtSpread(spread(without))} | ${fmtSpread(spread(withCh.map((r) => r.deliveriesPerSec)))} | ${without.length ? fmt(med(withCh.map((r) => r.deliveriesPerSec)) / med(without), 2) : ""} | ${fmt(med(rate), 2)} | ${withCh.reduce((k, r) => k + r.channels.activityToPresent, 0)} |`,
    );
  }
}
