// Fan-out workloads on a set of connected clients in one room. A phase either saturates the
// room (each sender keeps a fixed number of sends in flight, sending the next on each ack) or
// offers a fixed message rate (open loop, round-robin over the senders). Afterwards it drains
// and checks every client's view: each acked message exactly once, in seq order.
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { machineBusySeconds } from "./bench-server.mjs";
import { percentiles } from "./bench-stats.mjs";

/**
 * @param {import("./bench-client.mjs").RoomClient[]} clients
 * @param {{label: string, senders: number, durationMs: number, inflight?: number, rate?: number, onSample?: (latencyMs: number) => void}} spec
 *   `rate` (messages/s) selects the open-loop mode; otherwise `inflight` sends are kept in flight
 *   in total, split evenly over the senders (at least one each). `onSample` hears each delivery
 *   of the phase as it arrives.
 */
export async function runPhase(clients, spec, server) {
  const prefix = `${spec.label}.`;
  const senders = clients.slice(0, spec.senders);
  const offsets = clients.map((c) => c.view.length);
  const latencies = [];
  const ackedSeqs = new Map(); // seq -> sender index
  let inWindow = 0;
  let sent = 0;
  let refused = 0;
  let phaseDeliveries = 0;
  let running = true;
  const start = performance.now();
  const end = start + spec.durationMs;
  const inflight = new Array(senders.length).fill(0);
  const perSender = Math.max(1, Math.round((spec.inflight ?? 1) / senders.length));
  // Throughput is counted after a warm-up, once the pipeline is full: steady state, not ramp.
  const measureFrom = start + Math.min(1000, spec.durationMs / 4);

  const sendFrom = (i) => {
    const clientId = `${prefix}${i}.${sent++}`;
    inflight[i]++;
    senders[i].send(clientId);
  };
  const pump = (i) => {
    while (running && inflight[i] < perSender && performance.now() < end) sendFrom(i);
  };

  for (const c of clients) {
    c.onDelivery = (latency, m) => {
      if (m.clientId === undefined || !m.clientId.startsWith(prefix)) return;
      phaseDeliveries++;
      latencies.push(latency);
      spec.onSample?.(latency);
      const now = performance.now();
      if (now >= measureFrom && now <= end) inWindow++;
    };
  }
  senders.forEach((s, i) => {
    const settle = (clientId) => {
      if (clientId === undefined || !clientId.startsWith(prefix)) return false;
      inflight[i]--;
      return true;
    };
    s.onAck = (clientId, seq) => {
      if (!settle(clientId)) return;
      ackedSeqs.set(seq, i);
      if (spec.rate === undefined) pump(i);
    };
    s.onRefused = (clientId) => {
      if (!settle(clientId)) return;
      refused++;
      if (spec.rate === undefined) pump(i);
    };
  });

  const closedAtStart = clients.filter((c) => !c.isOpen()).length;
  const runtimeAtStart = server.processes().runtime.join(",");
  const cpu0 = server.cpuSeconds();
  const client0 = process.cpuUsage();
  const machine0 = machineBusySeconds();
  if (spec.rate === undefined) {
    for (let i = 0; i < senders.length; i++) pump(i);
    await sleep(spec.durationMs);
  } else {
    // Open loop: message k is due at start + k/rate whatever happened to earlier ones.
    for (let k = 0; performance.now() < end; k++) {
      const due = start + (k * 1000) / spec.rate;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      if (due >= end) break;
      sendFrom(k % senders.length);
    }
  }
  running = false;
  const elapsed = (performance.now() - start) / 1000;
  const cpu1 = server.cpuSeconds();
  const serverCpu = (cpu1.runtime - cpu0.runtime) / elapsed;
  const proxyCpu = (cpu1.proxy - cpu0.proxy) / elapsed;
  const clientCpuUs = process.cpuUsage(client0);
  const clientCpu = (clientCpuUs.user + clientCpuUs.system) / 1e6 / elapsed;
  // Whatever else ran on the machine meanwhile (other people's builds and tests): noise.
  const otherCpu = Math.max(0, (machineBusySeconds() - machine0) / elapsed - serverCpu - proxyCpu - clientCpu);

  // Drain: every send answered, then every acked message at every client (bounded wait).
  const drainUntil = performance.now() + 15_000;
  while (performance.now() < drainUntil && inflight.some((n) => n > 0)) await sleep(20);
  const selfEcho = senders.some((s, i) => hasOwn(s, offsets[clients.indexOf(s)], prefix, i));
  const expected = () => ackedSeqs.size * (selfEcho ? clients.length : clients.length - 1);
  while (performance.now() < drainUntil && phaseDeliveries < expected()) await sleep(20);
  await sleep(200); // late duplicates would show up here
  for (const c of clients) {
    c.onDelivery = undefined;
    c.onAck = undefined;
    c.onRefused = undefined;
  }

  const check = verifyViews(clients, offsets, prefix, ackedSeqs, selfEcho, senders);
  // Runtime CPU for the whole phase, drain included, per stored message and per delivery:
  // an efficiency figure that other people's load on the machine disturbs far less than time.
  const runtimeCpuTotal = server.cpuSeconds().runtime - cpu0.runtime;
  return {
    label: spec.label,
    clients: clients.length,
    senders: senders.length,
    mode: spec.rate === undefined ? `saturated, ${perSender * senders.length} in flight` : `${spec.rate} msg/s offered`,
    seconds: spec.durationMs / 1000,
    sent,
    acked: ackedSeqs.size,
    refused,
    unanswered: inflight.reduce((a, b) => a + b, 0),
    deliveries: phaseDeliveries,
    deliveriesPerSec: inWindow / ((end - measureFrom) / 1000),
    latency: percentiles(latencies),
    // Every sample, for percentiles over several runs pooled (not written to the JSON).
    samples: latencies,
    selfEcho,
    ...check,
    cpuUsPerMessage: (runtimeCpuTotal * 1e6) / Math.max(ackedSeqs.size, 1),
    cpuUsPerDelivery: (runtimeCpuTotal * 1e6) / Math.max(phaseDeliveries, 1),
    closedAtStart,
    closedAtEnd: clients.filter((c) => !c.isOpen()).length,
    // A new runtime process means wrangler reloaded or restarted it: the phase is void.
    runtimeRestarted: server.processes().runtime.join(",") !== runtimeAtStart,
    serverCpu,
    proxyCpu,
    clientCpu,
    otherCpu,
  };
}

function hasOwn(client, from, prefix, i) {
  const own = `${prefix}${i}.`;
  for (let k = from; k < client.view.length; k += 2) if (String(client.view[k + 1]).startsWith(own)) return true;
  return false;
}

/** Lost: an acked message a client never got. Duplicated: got more than once. */
function verifyViews(clients, offsets, prefix, ackedSeqs, selfEcho, senders) {
  let lost = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  clients.forEach((c, ci) => {
    const counts = new Map();
    let prev = -1;
    for (let k = offsets[ci]; k < c.view.length; k += 2) {
      const seq = c.view[k];
      if (seq <= prev) outOfOrder++;
      prev = Math.max(prev, seq);
      if (String(c.view[k + 1]).startsWith(prefix)) counts.set(seq, (counts.get(seq) ?? 0) + 1);
    }
    const senderIndex = senders.indexOf(c);
    for (const [seq, from] of ackedSeqs) {
      if (!selfEcho && from === senderIndex) continue;
      const n = counts.get(seq) ?? 0;
      if (n === 0) lost++;
      else if (n > 1) duplicated += n - 1;
    }
  });
  return { lost, duplicated, outOfOrder };
}

/**
 * Waits until every given server is idle (under 10 % of a core each, runtime and proxy, and
 * under 64 KB written to disk by the runtime in 250 ms), at most `maxMs`. Parlor's write-behind copy of a saturated phase's messages can take tens of
 * seconds to drain into the local D1, which runs on the same thread as the rooms: a phase
 * measured on top of it measures that backlog, and so would the other server's phase that
 * shares the machine. Returns the ms waited, or null if the servers never went quiet.
 */
export async function quiesce(servers, maxMs = 90_000) {
  const list = Array.isArray(servers) ? servers : [servers];
  const started = performance.now();
  // CPU alone is not enough: a backlog bound by fsync shows as an idle CPU and a busy disk.
  const sample = () => list.map((s) => ({ cpu: s.cpuSeconds(), written: s.writtenBytes() }));
  let prev = sample();
  while (performance.now() - started < maxMs) {
    await sleep(250);
    const now = sample();
    const idle = now.every((n, i) => {
      const cpu = (n.cpu.runtime - prev[i].cpu.runtime + (n.cpu.proxy - prev[i].cpu.proxy)) / 0.25;
      return cpu < 0.1 && n.written - prev[i].written < 64 * 1024;
    });
    prev = now;
    if (idle) return performance.now() - started;
  }
  return null;
}

/**
 * Waits until the runtimes have evicted the per-person objects the setup woke (sign-ups, room
 * creation, a connect storm: DevServer.perPersonObjects). Locally the runtime evicts an idle
 * object about 10 s after its last event and closes its database then (two fsyncs each, on the
 * thread the room runs on): after 100 connects that is a stall of the room 10 s later. In
 * production those objects run elsewhere. Returns the ms waited, or null if some were still
 * there after `maxMs`.
 */
export async function settle(servers, maxMs = 30_000) {
  const list = Array.isArray(servers) ? servers : [servers];
  const started = performance.now();
  while (list.some((s) => s.perPersonObjects() > 0)) {
    if (performance.now() - started > maxMs) return null;
    await sleep(250);
  }
  return performance.now() - started;
}
