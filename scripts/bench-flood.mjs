// The flood phase of `npm run bench`: what one member sending 10,000 frames as fast as the
// socket takes them costs everyone else. Two other members of the same room send at a human
// pace (one message every 1.1 s each, inside the send limit) and a member of another room
// reads its history every 250 ms; their ack and response times are measured with the flood
// and without it (the same workload), and the flooder's fate is recorded: the close code and
// how many of its frames were answered before the cut-off. Runs with the real send limit.
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
  return { ack: percentiles(acks, [50, 99]), read: percentiles(reads, [50, 99]) };
}

/** Sends FRAMES send frames from one socket as fast as it takes them; counts the answers. */
function flooder(port, room, user) {
  return new Promise((resolve, reject) => {
    const url = `ws://127.0.0.1:${port}/api/rooms/${room.id}/ws?token=${encodeURIComponent(user.token)}`;
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const seen = { acks: 0, rateLimited: 0, errors: 0 };
    ws.on("error", reject);
    ws.on("open", () => ws.send(JSON.stringify({ type: "hello" })));
    ws.on("message", (data) => {
      const frame = JSON.parse(String(data));
      if (frame.type === "ready") {
        for (let i = 0; i < FRAMES && ws.readyState === WebSocket.OPEN; i++) {
          ws.send(JSON.stringify({ type: "send", clientId: `f${i}`, content: `flood ${i}` }));
        }
      } else if (frame.type === "ack") seen.acks++;
      else if (frame.type === "rate_limited") seen.rateLimited++;
      else if (frame.type === "error") seen.errors++;
    });
    ws.on("close", (code) => resolve({ closeCode: code, framesSent: FRAMES, ...seen }));
  });
}

/** The flood phase; the server must run with the real send limit (the caller restarts it). */
export async function flood({ api, port, users, log, seconds }) {
  const [flooderUser, a, b, reader] = users;
  const room = await createRoom(api, [flooderUser, a, b], "bench flood");
  const other = await createRoom(api, [reader], "bench elsewhere");
  const ctx = { api, port, room, other, senders: [a, b], reader };
  const ms = seconds * 1000;
  log(`flood: ${seconds} s of paced sends and reads without a flood`);
  const quiet = await bystanders(ctx, ms);
  log(`flood: the same with ${FRAMES.toLocaleString("en-US")} frames from one socket`);
  const [during, cutOff] = await Promise.all([bystanders(ctx, ms), flooder(port, room, flooderUser)]);
  log(`flood: flooder closed with ${cutOff.closeCode} after ${cutOff.acks} acks and ${cutOff.rateLimited} refusals`);
  return { frames: FRAMES, seconds, quiet, during, flooder: cutOff };
}
