// Soak with a crash: several senders talk in one room while every member listens; midway the
// local server is SIGKILLed and started again on the same port and state. Clients reconnect
// with hello{afterSeq: last seen seq} and resend their unacked clientIds. At the end every
// acked message must be in every client's view exactly once, in seq order, and in the REST
// history under the same seq; and a member who connects at the end with afterSeq 0 must get
// them all once, in order, though the room keeps only its newest rows (the rest come from the
// history store).
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { RoomClient } from "./bench-client.mjs";

/**
 * @param {{api: import("./bench-client.mjs").Api, server: import("./bench-server.mjs").DevServer,
 *   room: {id: string}, users: object[], senders: number, ratePerSender: number, durationMs: number}} o
 */
export async function soak(o) {
  const clients = o.users.map((user, index) => new RoomClient({ port: o.server.port, roomId: o.room.id, user, index }));
  let serverUp = true;
  let finished = false;
  const reconnect = async (c) => {
    // One loop per client: failed attempts close too, and must not start loops of their own.
    if (c.reconnecting) return;
    c.reconnecting = true;
    // From one before the last message seen, fixed for every try of this reconnect.
    const from = c.resumeFrom();
    // Bounded: 240 tries x 250 ms = a minute, well past a wrangler restart.
    for (let attempt = 0; attempt < 240 && !finished; attempt++) {
      await sleep(250);
      if (!serverUp) continue;
      try {
        await c.connect(from, 10_000);
        c.counters.reconnects++;
        break;
      } catch {
        // server still starting
      }
    }
    c.reconnecting = false;
  };
  for (const c of clients) c.onClose = () => void (!c.closing && !finished && reconnect(c));
  await Promise.all(clients.map((c) => c.connect(0)));

  const start = performance.now();
  let generated = 0;
  let crashAt = 0;
  let downMs = 0;
  const crash = (async () => {
    await sleep(o.durationMs / 2);
    crashAt = performance.now() - start;
    serverUp = false;
    const t0 = performance.now();
    await o.server.kill();
    await o.server.start();
    downMs = performance.now() - t0;
    serverUp = true;
  })();

  // Each sender queues a message every 1/rate s, connected or not (the outbox holds it).
  const per = 1000 / o.ratePerSender;
  for (let k = 0; performance.now() - start < o.durationMs; k++) {
    const due = start + (k * per) / o.senders;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const s = clients[k % o.senders];
    s.send(`soak.${s.index}.${generated++}`);
  }
  await crash;

  // Settle: every outbox empty (all acked) and everyone caught up, within a bounded wait.
  const deadline = performance.now() + 60_000;
  const maxSeq = () => Math.max(...clients.flatMap((c) => [...c.acked.values()]));
  while (performance.now() < deadline) {
    const pending = clients.reduce((n, c) => n + c.outbox.size, 0);
    if (pending === 0 && clients.every((c) => c.isOpen() && c.lastSeq >= maxSeq())) break;
    await sleep(100);
  }
  await sleep(500);
  finished = true;
  for (const c of clients) c.close();

  const acked = new Map(); // clientId -> seq, across all senders
  let conflicting = 0;
  for (const c of clients) {
    for (const [id, seq] of c.acked) {
      if (acked.has(id) && acked.get(id) !== seq) conflicting++;
      acked.set(id, seq);
    }
    conflicting += c.counters.conflictingAcks;
  }
  const views = clients.map((c) => checkView(c, acked));
  // A member who connects now with afterSeq 0: with the room keeping only its newest rows,
  // most of this catch-up comes from the history store, the rest from the room's log.
  const late = new RoomClient({ port: o.server.port, roomId: o.room.id, user: o.users[0], index: clients.length });
  await late.connect(0, 30_000);
  const lateUntil = performance.now() + 30_000;
  while (performance.now() < lateUntil && late.lastSeq < maxSeq()) await sleep(100);
  late.close();
  const lateView = { received: late.view.length / 2, ...checkView(late, acked) };
  // The history store is written behind the room's own log: give the flush a few seconds.
  let history = await checkHistory(o.api, o.room.id, clients[0].user.token, acked);
  for (let i = 0; i < 20 && (history.error !== undefined || history.missing > 0); i++) {
    await sleep(500);
    history = await checkHistory(o.api, o.room.id, clients[0].user.token, acked);
  }
  const sum = (k) => views.reduce((n, v) => n + v[k], 0);
  return {
    clients: clients.length,
    senders: o.senders,
    seconds: o.durationMs / 1000,
    crashAtSeconds: crashAt / 1000,
    downtimeSeconds: downMs / 1000,
    generated,
    acked: acked.size,
    unacked: clients.reduce((n, c) => n + c.outbox.size, 0),
    resends: clients.reduce((n, c) => n + c.counters.resends, 0),
    reconnects: clients.reduce((n, c) => n + c.counters.reconnects, 0),
    refused: clients.reduce((n, c) => n + c.counters.rateLimited + c.counters.errors, 0),
    conflictingAcks: conflicting,
    viewsChecked: views.length,
    missing: sum("missing"),
    duplicated: sum("duplicated"),
    outOfOrder: sum("outOfOrder"),
    wrongSeq: sum("wrongSeq"),
    exactlyOnceInEveryView: views.every((v) => v.missing === 0 && v.duplicated === 0 && v.outOfOrder === 0 && v.wrongSeq === 0),
    lateJoiner: lateView,
    hotLogRows: Number(o.server.vars.HOT_LOG_ROWS ?? 1000),
    history,
  };
}

function checkView(c, acked) {
  const seen = new Map(); // seq -> times
  const bySeq = new Map();
  let outOfOrder = 0;
  let prev = 0;
  for (let k = 0; k < c.view.length; k += 2) {
    const seq = c.view[k];
    if (seq <= prev) outOfOrder++;
    prev = Math.max(prev, seq);
    seen.set(seq, (seen.get(seq) ?? 0) + 1);
    bySeq.set(seq, c.view[k + 1]);
  }
  let missing = 0;
  let duplicated = 0;
  let wrongSeq = 0;
  for (const [id, seq] of acked) {
    const n = seen.get(seq) ?? 0;
    if (n === 0) missing++;
    else if (n > 1) duplicated += n - 1;
    else if (bySeq.get(seq) !== id) wrongSeq++;
  }
  return { missing, duplicated, outOfOrder, wrongSeq };
}

/** The REST history is the system of record: every acked message there once, same seq. */
async function checkHistory(api, roomId, token, acked) {
  const byClientId = new Map();
  let after = 0;
  for (let page = 0; page < 1000; page++) {
    const res = await api.req("GET", `/api/rooms/${roomId}/messages?after=${after}&limit=100`, { token });
    if (res.status !== 200) return { error: `${res.status} ${res.text.slice(0, 200)}` };
    const { messages, hasMore } = res.json;
    for (const m of messages) {
      if (m.clientId !== undefined) byClientId.set(m.clientId, [...(byClientId.get(m.clientId) ?? []), m.seq]);
      after = Math.max(after, m.seq);
    }
    if (!hasMore || messages.length === 0) break;
  }
  let missing = 0;
  let duplicated = 0;
  let wrongSeq = 0;
  for (const [id, seq] of acked) {
    const seqs = byClientId.get(id) ?? [];
    if (seqs.length === 0) missing++;
    else if (seqs.length > 1) duplicated += seqs.length - 1;
    else if (seqs[0] !== seq) wrongSeq++;
  }
  return { messages: after, missing, duplicated, wrongSeq };
}
