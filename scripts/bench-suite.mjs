// The benchmark's workloads against one target server (Parlor, or the baseline): idle memory
// per socket, and per room size the connect storm, the fixed load and the saturated phases.
// Results are appended to `t.out`; nothing here asserts anything about timings.
import { setTimeout as sleep } from "node:timers/promises";
import { withChannels } from "./bench-channels.mjs";
import { closeAll, connectAll } from "./bench-client.mjs";
import { quiesce, runPhase, settle } from "./bench-fanout.mjs";
import { percentiles } from "./bench-stats.mjs";

/**
 * @typedef {{ name: string, server: import("./bench-server.mjs").DevServer,
 *   api: import("./bench-client.mjs").Api, users: object[], ackOnEcho: boolean, log: (m: string) => void,
 *   createRoom: (members: object[], title: string) => Promise<{ id: string }>,
 *   Client: typeof import("./bench-client.mjs").RoomClient,
 *   opts: { runs: number, runsForUnreferenced: number, seconds: number, window: number, minInflight: number,
 *     maxInflight: number, fixedSeconds: number },
 *   out: { memory?: object, fanout: object[], connect: object[], connectDirect: object[], fixedPooled: object[] } }} Target
 */

const clientsFor = (t, room, users) =>
  users.map((user, index) => new t.Client({ port: t.server.port, roomId: room.id, user, index, ackOnEcho: t.ackOnEcho }));

/** 1,000 idle sockets over 10 rooms of 100 members; RSS of workerd against a warmed baseline. */
export async function memory(t, roomCount = 10, perRoom = 100) {
  t.log(`${t.name} memory: ${roomCount} rooms x ${perRoom} idle sockets`);
  const members = t.users.slice(0, perRoom);
  const rooms = [];
  for (let r = 0; r < roomCount; r++) rooms.push(await t.createRoom(members, `bench memory ${r}`));
  // Wake every room object once so the baseline already holds them; the delta is the sockets.
  for (const room of rooms) await closeAll(await connected(clientsFor(t, room, members.slice(0, 1))));
  // Median of five readings, per process (runtime and the proxy in front of it).
  const sample = async () => {
    const xs = [];
    for (let i = 0; i < 5; i++) {
      xs.push(t.server.rss());
      await sleep(200);
    }
    const mid = (k) => xs.map((x) => x[k]).sort((a, b) => a - b)[2];
    return { runtime: mid("runtime"), proxy: mid("proxy") };
  };
  await quiesce(t.server);
  const baseline = await sample();
  const clients = rooms.flatMap((room) => clientsFor(t, room, members));
  const started = performance.now();
  const { ready } = await connectAll(clients, 50);
  const connectSeconds = (performance.now() - started) / 1000;
  await quiesce(t.server);
  await sleep(1000);
  const loaded = await sample();
  t.out.closeHandshake = await closeAll(clients);
  await quiesce(t.server);
  const afterClose = await sample();
  const perSocket = (loaded.runtime - baseline.runtime) / clients.length;
  const proxyPerSocket = (loaded.proxy - baseline.proxy) / clients.length;
  t.log(
    `${t.name} memory: ${(perSocket / 1000).toFixed(1)} KB per socket in the runtime (proxy ${(proxyPerSocket / 1000).toFixed(1)} KB); connecting took ${connectSeconds.toFixed(1)} s`,
  );
  const unexpectedCloses = clients.reduce((n, c) => n + c.counters.unexpectedCloses, 0);
  t.out.memory = {
    sockets: clients.length,
    rooms: roomCount,
    baseline,
    loaded,
    afterClose,
    perSocket,
    proxyPerSocket,
    connect: percentiles(ready),
    connectSeconds,
    unexpectedCloses,
  };
}

async function connected(clients) {
  await connectAll(clients);
  return clients;
}

/**
 * One room of n clients per target, the targets interleaved phase by phase (so a burst of
 * someone else's work on the machine hits them alike): connect timings, then the fixed load
 * (n = 100) and the saturated phases.
 */
export async function fanoutRoom(targets, n) {
  const { seconds, window, minInflight, maxInflight, fixedSeconds } = targets[0].opts;
  const runs = n === 2 || n === 100 ? targets[0].opts.runs : targets[0].opts.runsForUnreferenced;
  const rooms = [];
  for (const t of targets) {
    const members = t.users.slice(0, n);
    const room = await t.createRoom(members, `bench fan-out ${n}`);
    rooms.push({ t, room, members, clients: clientsFor(t, room, members) });
  }
  // Everyone connects at once, like a room filling up after a link is shared; for 100 clients
  // this is repeated (reconnecting the same clients) so connect time gets a spread too. The
  // first storm finds the room cold (object asleep, member list not cached), as in earlier
  // runs. For 100 clients each storm is followed by one straight to the runtime, without the
  // proxy wrangler dev puts in front of it (production has none): always warm, so it shows
  // what the proxy adds to a warm connect. The clients end up connected through the proxy.
  const reps = n >= 100 ? runs : 1;
  for (let rep = 0; rep < reps; rep++) {
    for (const { t, clients } of rooms) {
      const direct = n >= 100 ? await t.server.runtimePort() : undefined;
      const storms = [{ port: t.server.port, into: t.out.connect }];
      if (direct !== undefined) storms.push({ port: direct, into: t.out.connectDirect });
      if (direct !== undefined && rep === reps - 1) storms.push({ port: t.server.port, into: undefined });
      for (const { port, into } of storms) {
        if (clients.some((c) => c.ws !== undefined)) {
          await closeAll(clients);
          for (const c of clients) c.closing = false;
        }
        for (const c of clients) c.usePort(port);
        await quiesce(rooms.map((r) => r.t.server));
        const times = await connectAll(clients);
        if (into === undefined) continue;
        into.push({ clients: n, run: rep + 1, ...percentiles(times.ready), upgrade: percentiles(times.upgraded) });
        const via = port === direct ? "straight to the runtime" : "through the proxy";
        t.log(`${t.name} fan-out ${n}: connected ${via} (p99 ${into.at(-1).p99.toFixed(1)} ms)`);
      }
    }
  }
  // The objects the sign-ups and the storms woke are evicted about 10 s later; a phase
  // measured meanwhile would measure that (settle()).
  const waited = await settle(rooms.map((r) => r.t.server));
  rooms[0]?.t.log(
    waited === null
      ? `fan-out ${n}: per-person objects still in memory after 30 s; measuring anyway`
      : `fan-out ${n}: ${(waited / 1000).toFixed(1)} s until the per-person objects were evicted`,
  );
  // Warm-up at a light fixed rate (JIT, the room object, a first flush); not reported.
  for (const { t, clients } of rooms) await runPhase(clients, { label: `warm${n}`, senders: n, durationMs: 1000, rate: 50 }, t.server);
  // The fixed load goes first, so no backlog from a saturated phase (such as the write-behind
  // flush of thousands of messages) is still running under it.
  // The quiet rooms: 2 clients at 100 messages/s (both sending), and 100 clients at 2,500
  // deliveries/s = 25 messages/s spread over all 100 senders.
  const fixedRate = { 2: 100, 100: 25 }[n];
  const specs = [];
  for (let rep = 1; rep <= runs && fixedRate !== undefined; rep++) {
    specs.push({ rep, label: `rate${n}r${rep}`, senders: n, durationMs: fixedSeconds * 1000, rate: fixedRate });
  }
  const inflightFor = (senders) =>
    senders * Math.max(1, Math.min(Math.max(window, Math.ceil(minInflight / senders)), Math.floor(maxInflight / senders)));
  for (let rep = 1; rep <= runs; rep++) {
    for (const senders of n === 1 ? [1] : [n, 1]) {
      specs.push({ rep, label: `sat${n}x${senders}r${rep}`, senders, durationMs: seconds * 1000, inflight: inflightFor(senders) });
    }
  }
  const servers = rooms.map(({ t }) => t.server);
  const fixedSamples = new Map(rooms.map(({ t }) => [t, []]));
  for (const { rep, ...spec } of specs) {
    for (const { t, clients } of rooms) {
      // Every server idle, not just this one: a backlog in one would slow the other's phase.
      if ((await quiesce(servers)) === null) t.log(`${t.name}: servers still busy after 90 s; measuring anyway`);
      const { samples, ...r } = await runPhase(clients, spec, t.server);
      t.out.fanout.push({ ...r, run: rep });
      if (spec.rate !== undefined) fixedSamples.get(t)?.push(...samples);
      const what =
        spec.rate === undefined
          ? `${spec.senders} sender(s): ${Math.round(r.deliveriesPerSec)} deliveries/s,`
          : `at ${spec.rate} messages/s:`;
      t.log(
        `${t.name} fan-out ${n}, ${what} run ${rep}, p50 ${r.latency.p50.toFixed(1)} ms, p99 ${r.latency.p99.toFixed(1)} ms, lost ${r.lost}, dup ${r.duplicated}`,
      );
    }
  }
  // The fixed load's percentiles over every run's deliveries together: a single stall (one
  // slow fsync on the runtime's only thread) decides one 6 s run's p99, less so the pool's.
  for (const [t, samples] of fixedSamples) {
    if (samples.length > 0) t.out.fixedPooled.push({ clients: n, runs, ...percentiles(samples) });
  }
  for (const r of rooms) if (r.t.absent) await channelPhases(r, servers, n, runs, { durationMs: seconds * 1000, inflight: inflightFor(n) });
  for (const { clients } of rooms) await closeAll(clients);
}

/** Every sender saturating the room again, in pairs run back to back: without channels, then
 * with every member's channel open, both with the absent members (t.absent) in the room (added
 * before the first pair; with their channels open they are the ones the room's updates reach). */
async function channelPhases({ t, room, members, clients }, servers, n, runs, spec) {
  for (let rep = 1; rep <= runs; rep++) {
    const { samples: _, ...without } = await withChannels(
      t,
      room,
      members,
      t.absent,
      async () => {
        await quiesce(servers);
        return runPhase(clients, { label: `pair${n}r${rep}`, senders: n, ...spec }, t.server);
      },
      false,
    );
    t.out.fanout.push({ ...without, run: rep, paired: true });
    const { samples, ...r } = await withChannels(t, room, members, t.absent, async () => {
      await quiesce(servers);
      return runPhase(clients, { label: `ch${n}r${rep}`, senders: n, ...spec }, t.server);
    });
    t.out.fanout.push({ ...r, run: rep, withChannels: true });
    const perAbsent = r.channels.activityToAbsent / Math.max(1, r.channels.absent);
    t.log(
      `${t.name} fan-out ${n}, ${n} sender(s), run ${rep}: ${Math.round(without.deliveriesPerSec)} deliveries/s without channels, ${Math.round(r.deliveriesPerSec)} with ${r.channels.open} open; ${perAbsent.toFixed(1)} updates per absent member, ${r.channels.activityToPresent} to members in the room`,
    );
  }
}
