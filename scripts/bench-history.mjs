// The history phase of `npm run bench`: a room with 100,000 messages whose own hot log keeps
// only its newest 500 (the server runs with HOT_LOG_ROWS=500, HOT_LOG_HOURS=0, as in the
// soak), so nearly all of it is read from the history store. Seeded through the front door
// (a few sockets of one member, each with a window of sends in flight, as a client would), then, interleaved
// round by round so the machine's noise hits all alike: GET /api/me (the same server's floor
// for a small authenticated read), the latest page, a page 50,000 back, the first page, and a
// search for a rare and a common word; then catch-up over a WebSocket from afterSeq 0, whole
// and in order, in messages/s. Every loop is bounded; nothing here asserts anything about timings.
import { performance } from "node:perf_hooks";
import { createRoom, RoomClient, registerUsers } from "./bench-client.mjs";
import { quiesce } from "./bench-fanout.mjs";
import { percentiles } from "./bench-stats.mjs";

export const HISTORY_VARS = { HOT_LOG_ROWS: "500", HOT_LOG_HOURS: "0" };
const SEED_WINDOW = 128;
const SEED_SOCKETS = 4;
const SEED_TIMEOUT_MS = 300_000;
const CATCH_UP_TIMEOUT_MS = 180_000;
/** In one message of every RARE_EVERY; COMMON is in every message. */
const RARE = "zephyr";
const RARE_EVERY = 1000;
const COMMON = "quick";

const contentOf = (i) => `Seeded message ${i}: the ${COMMON} brown fox jumps over the lazy dog${i % RARE_EVERY === 0 ? ` ${RARE}` : ""}`;

/** Sends messages `from`..`to`-1 over one socket, at most SEED_WINDOW unacked; resolves when all are acked. */
async function seedSocket(t, room, user, from, to) {
  const c = new RoomClient({ port: t.server.port, roomId: room.id, user, index: from });
  await c.connect();
  let next = from;
  let acked = from;
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`seeding: ${acked - from} of ${to - from} acked in ${SEED_TIMEOUT_MS} ms`)),
        SEED_TIMEOUT_MS,
      );
      const pump = () => {
        for (; next < to && next - acked < SEED_WINDOW; next++) c.send(`h${next}`, contentOf(next + 1));
      };
      c.onAck = () => {
        if (++acked < to) return pump();
        clearTimeout(timer);
        resolve();
      };
      c.onRefused = (clientId) => {
        clearTimeout(timer);
        reject(new Error(`seeding: ${clientId} refused`));
      };
      pump();
    });
  } finally {
    c.close();
  }
}

/** `count` messages from SEED_SOCKETS sockets of one member at once (the room orders them). */
export async function seed(t, room, user, count) {
  const per = Math.ceil(count / SEED_SOCKETS);
  const ranges = Array.from({ length: SEED_SOCKETS }, (_, i) => [i * per, Math.min(count, (i + 1) * per)]);
  await Promise.all(ranges.map(([from, to]) => seedSocket(t, room, user, from, to)));
}

/** ms for one authenticated GET, body read; throws on a status other than 200. */
async function timedGet(t, path, token) {
  const started = performance.now();
  const res = await t.api.req("GET", path, { token });
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text.slice(0, 200)}`);
  return { ms, json: res.json };
}

/** What each read is and how its answer is checked (a wrong answer fast is no result). */
function readSpecs(roomId, count, back) {
  const page = (m) => m.json.messages.map((x) => x.seq);
  return {
    me: { path: "/api/me", check: (m) => m.json.user !== undefined },
    latest: { path: `/api/rooms/${roomId}/messages?limit=50`, check: (m) => page(m).at(-1) === count },
    back50k: { path: `/api/rooms/${roomId}/messages?before=${back}&limit=50`, check: (m) => page(m).at(-1) === back - 1 },
    first: { path: `/api/rooms/${roomId}/messages?after=0&limit=50`, check: (m) => page(m)[0] === 1 },
    searchRare: { path: `/api/search?q=${RARE}`, check: (m) => m.json.results.length > 0 },
    searchCommon: { path: `/api/search?q=${COMMON}`, check: (m) => m.json.results.length > 0 },
  };
}

/** `rounds` rounds, each one read of every kind in turn, after `warm` unmeasured rounds. */
async function reads(t, token, specs, rounds, warm = 3) {
  const ms = Object.fromEntries(Object.keys(specs).map((k) => [k, []]));
  const wrong = Object.fromEntries(Object.keys(specs).map((k) => [k, 0]));
  for (let r = 0; r < warm + rounds; r++) {
    for (const [k, spec] of Object.entries(specs)) {
      const m = await timedGet(t, spec.path, token);
      if (!spec.check(m)) wrong[k]++;
      if (r >= warm) ms[k].push(m.ms);
    }
  }
  const out = {};
  for (const k of Object.keys(specs))
    out[k] = { path: specs[k].path.replace(/rooms\/[^/]+/, "rooms/:id"), wrong: wrong[k], ...percentiles(ms[k]) };
  return out;
}

/** One catch-up from afterSeq 0: ms from opening the socket to the last message, and checks. */
async function catchUpOnce(t, room, user, count) {
  const c = new RoomClient({ port: t.server.port, roomId: room.id, user, index: 1 });
  const cpu = process.cpuUsage();
  const started = performance.now();
  let resolveDone;
  const done = new Promise((r) => {
    resolveDone = r;
  });
  c.onDelivery = (_ms, m) => {
    if (m.seq >= count) resolveDone(performance.now());
  };
  const timer = setTimeout(() => resolveDone(undefined), CATCH_UP_TIMEOUT_MS);
  try {
    await c.connect(0);
    const endedAt = await done;
    if (endedAt === undefined) throw new Error(`catch-up: seq ${c.lastSeq} of ${count} after ${CATCH_UP_TIMEOUT_MS} ms`);
    const seconds = (endedAt - started) / 1000;
    const used = process.cpuUsage(cpu);
    return { seconds, perSec: count / seconds, clientCpu: (used.user + used.system) / 1e6 / seconds, ...checkView(c.view, count) };
  } finally {
    clearTimeout(timer);
    c.close();
  }
}

/** The view (seq, clientId pairs in arrival order) holds 1..count once each, in order. */
function checkView(view, count) {
  let expect = 1;
  let outOfOrder = 0;
  for (let i = 0; i < view.length; i += 2) {
    if (view[i] !== expect) outOfOrder++;
    expect = view[i] + 1;
  }
  return { received: view.length / 2, whole: view.length / 2 === count && outOfOrder === 0 };
}

/**
 * The whole phase against a target already running with HISTORY_VARS.
 * `afterLoad`, if given, runs once the copy to the history store has drained, before the reads.
 * @param {{ t: object, store?: string, count: number, rounds: number, catchUps: number, afterLoad?: () => Promise<string> }} o
 */
export async function historyPhase({ t, store = "d1", count, rounds, catchUps, afterLoad }) {
  const users = await registerUsers(t.api, 2, "hist_", []);
  const room = await createRoom(t.api, users, "bench history");
  t.log(
    `history (${store}): seeding ${count.toLocaleString("en-US")} messages through ${SEED_SOCKETS} sockets (${SEED_WINDOW} in flight each)`,
  );
  const seedStarted = performance.now();
  await seed(t, room, users[0], count);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const flushWaitMs = await quiesce(t.server, 180_000);
  t.log(
    `history: seeded in ${seedSeconds.toFixed(1)} s; the copy to the history store drained ${flushWaitMs === null ? "not within 180 s" : `in ${(flushWaitMs / 1000).toFixed(1)} s more`}`,
  );
  const afterLoadNote = afterLoad ? await afterLoad() : undefined;
  if (afterLoadNote) t.log(`history: ${afterLoadNote}`);
  // 50,000 back; in a --quick run's smaller room, halfway.
  const back = count > 50_000 ? count - 50_000 : Math.floor(count / 2);
  const read = await reads(t, users[1].token, readSpecs(room.id, count, back), rounds);
  t.log(
    `history: /api/me p50 ${read.me.p50.toFixed(1)} ms, latest ${read.latest.p50.toFixed(1)}, 50,000 back ${read.back50k.p50.toFixed(1)}, search ${read.searchRare.p50.toFixed(1)}`,
  );
  const catchUp = [];
  for (let i = 0; i < catchUps; i++) {
    await quiesce(t.server);
    catchUp.push(await catchUpOnce(t, room, users[1], count));
    t.log(`history: catch-up from afterSeq 0: ${Math.round(catchUp.at(-1).perSec)} messages/s, whole: ${catchUp.at(-1).whole}`);
  }
  return {
    store,
    count,
    back,
    seedSockets: SEED_SOCKETS,
    hotLog: HISTORY_VARS,
    rare: { word: RARE, every: RARE_EVERY },
    common: COMMON,
    seedSeconds,
    flushWaitMs,
    afterLoad: afterLoadNote,
    rounds,
    read,
    catchUp,
  };
}
