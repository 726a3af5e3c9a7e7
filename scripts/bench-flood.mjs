// The flood phase of `npm run bench`: what one member flooding a room costs everyone else. The
// flooder opens a socket and at once sends 10,000 frames on it as fast as the socket takes
// them (without waiting for `ready`) and, once the socket is closed, connects again and floods
// again, for the whole window: a hostile client that keeps at it, not one burst. Eight other
// members of the same room send at a human pace (one message every 1.1 s each, inside the send
// limit) and a member of another room reads its history every 250 ms; their ack and response
// times are measured with the flood and without it (the same workload), and the flooder's fate
// is recorded: how often it connected and got in, the close codes, how many of its frames were
// answered. Runs with the real send limit.
import WebSocket from "ws";
import { createRoom, RoomClient } from "./bench-client.mjs";
import { percentiles } from "./bench-stats.mjs";

const FRAMES = 10_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The others' workload for `ms`: paced sends in the flooded room, reads of another room. */
async function bystanders({ api, port, room, other, senders, reader }, ms) {
  const acks = [];
  const reads = [];
  const clients = senders.map((user, index) => new RoomClient({ port, roomId: room.id, user, index }));
  for (const c of clients) await c.connect();
  const sentAt = new Map();
  for (const c of clients) c.onAck = (clientId) => acks.push(performance.now() - sentAt.get(clientId));
  const until = performance.now() + ms;
  const send = async (c, i) => {
    for (let n = 0; performance.now() < until; n++) {
      const id = `p${i}-${n}-${Math.random().toString(36).slice(2, 6)}`;
      sentAt.set(id, performance.now());
      c.send(id);
      await sleep(1100);
    }
  };
  const read = async () => {
    while (performance.now() < until) {
      const t = performance.now();
      const res = await api.req("GET", `/api/rooms/${other.id}/messages?limit=20`, { token: reader.token });
      if (res.status === 200) reads.push(performance.now() - t);
      await sleep(250);
    }
  };
  await Promise.all([...clients.map(send), read()]);
  await sleep(1500); // the last acks
  for (const c of clients) c.close();
  return { ack: percentiles(acks, [50, 95]), read: percentiles(reads, [50, 95]) };
}

/** Opens a socket and sends hello and then FRAMES send frames at once, as fast as the socket
 * takes them, without waiting for `ready` (a hostile client does not); counts the answers. */
function floodOnce(port, room, user) {
  return new Promise((resolve, reject) => {
    const url = `ws://127.0.0.1:${port}/api/rooms/${room.id}/ws?token=${encodeURIComponent(user.token)}`;
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const seen = { letIn: 0, framesSent: 0, acks: 0, rateLimited: 0, errors: 0 };
    // A refused upgrade (the server may throttle a client that keeps reconnecting) ends this
    // flood like a close does; any other failure ends the phase.
    ws.on("unexpected-response", (req, res) => {
      req.destroy();
      resolve({ closeCode: `upgrade ${res.statusCode}`, ...seen });
    });
    ws.on("error", reject);
    ws.on("open", () => {
      ws.send(JSON.stringify({ type: "hello" }));
      for (let i = 0; i < FRAMES && ws.readyState === WebSocket.OPEN; i++) {
        ws.send(JSON.stringify({ type: "send", clientId: `f${i}`, content: `flood ${i}` }));
        seen.framesSent++;
      }
    });
    ws.on("message", (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type === "ready") seen.letIn = 1;
      else if (frame.type === "ack") seen.acks++;
      else if (frame.type === "rate_limited") seen.rateLimited++;
      else if (frame.type === "error") seen.errors++;
    });
    ws.on("close", (code) => resolve({ closeCode: code, ...seen }));
  });
}

/** Floods (floodOnce) again and again until `ms` have passed, 100 ms between a close and the
 * next connect; sums what came back. */
async function flooder(port, room, user, ms) {
  const until = performance.now() + ms;
  const total = { connects: 0, letIn: 0, framesSent: 0, acks: 0, rateLimited: 0, errors: 0, closeCodes: {} };
  while (performance.now() < until) {
    const { closeCode, ...one } = await floodOnce(port, room, user);
    total.connects++;
    for (const [key, n] of Object.entries(one)) total[key] += n;
    total.closeCodes[closeCode] = (total.closeCodes[closeCode] ?? 0) + 1;
    await sleep(100);
  }
  return total;
}

/** The flood phase; the server must run with the real send limit (the caller restarts it). */
export async function flood({ api, port, users, log, seconds }) {
  const [flooderUser, reader, ...senders] = users;
  if (senders.length < 2) throw new Error("flood: needs the flooder, a reader and at least two senders");
  const room = await createRoom(api, [flooderUser, ...senders], "bench flood");
  const other = await createRoom(api, [reader], "bench elsewhere");
  const ctx = { api, port, room, other, senders, reader };
  const ms = seconds * 1000;
  log(`flood: ${seconds} s of paced sends and reads without a flood`);
  const quiet = await bystanders(ctx, ms);
  log(`flood: the same while one member floods, ${FRAMES.toLocaleString("en-US")} frames a socket, again and again`);
  const [during, cutOff] = await Promise.all([bystanders(ctx, ms), flooder(port, room, flooderUser, ms)]);
  log(
    `flood: ${cutOff.floods} floods, closed ${JSON.stringify(cutOff.closeCodes)}, ${cutOff.acks} acks and ${cutOff.rateLimited} refusals`,
  );
  if (quiet.ack.n === 0 || during.ack.n === 0 || cutOff.floods === 0) throw new Error("flood: nothing was measured");
  return { frames: FRAMES, seconds, senders: senders.length, quiet, during, flooder: cutOff };
}
