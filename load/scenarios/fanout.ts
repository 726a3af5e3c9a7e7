// WebSocket fan-out: ROOMS x MEMBERS sockets, one VU each, held open for the whole scenario.
// The first WS_SENDERS members of every room send a stamped message every WS_SEND_INTERVAL_MS;
// every socket (senders too) measures delivery latency from the stamp, and checks order,
// gaps and duplicates by seq. Offered deliveries/s = ROOMS x WS_SENDERS x MEMBERS x 1000 /
// WS_SEND_INTERVAL_MS (plus REST writers when they run in the same rooms).
import { check } from "k6";
import exec from "k6/execution";
import type { Scenario } from "k6/options";
import { clearInterval, setInterval, setTimeout } from "k6/timers";
import * as api from "../lib/api.ts";
import { config, k6Duration } from "../lib/config.ts";
import type { Fixture, LoadUser } from "../lib/fixtures.ts";
import { readStamp, stamp } from "../lib/marker.ts";
import * as m from "../lib/metrics.ts";
import { openRoomSocket, SeqTracker } from "../lib/room-socket.ts";

/** After the last send, how long to wait for outstanding acks and deliveries. */
const DRAIN_MS = 3000;

export function fanoutSockets(): number {
  return config.rooms * config.members;
}

/** One iteration per VU; the session itself lasts `durationMs`, its sends stop DRAIN_MS early. */
export function fanoutScenario(durationMs: number, startTime = "0s"): Scenario {
  return {
    executor: "per-vu-iterations",
    exec: "fanout",
    vus: fanoutSockets(),
    iterations: 1,
    startTime,
    maxDuration: k6Duration(durationMs + 60_000),
    env: { FANOUT_SESSION_MS: String(durationMs) },
  };
}

export function fanout(data: Fixture): void {
  const slot = exec.scenario.iterationInTest;
  const room = data.rooms[slot % data.rooms.length];
  if (room === undefined) throw new Error("fan-out needs rooms: setup() created none");
  const member = Math.floor(slot / data.rooms.length);
  // More sockets than distinct members: the same user connects again, like a second tab.
  const user = data.users[room.members[member % room.members.length] ?? 0] as LoadUser;
  const isSender = member < config.wsSenders;
  const sessionMs = Number(__ENV.FANOUT_SESSION_MS ?? config.duration);
  const scenario = "fanout";
  const vuId = exec.vu.idInTest;

  // A real client loads history over REST, then asks the socket only for what came after.
  const roomRes = api.getRoom(user.token, room.id);
  const lastSeq = api.body<{ room: api.Room }>(roomRes)?.room.lastSeq;
  if (!check(roomRes, { "fanout: room readable": (r) => r.status === 200 && lastSeq !== undefined })) return;
  const afterSeq = lastSeq ?? 0;

  const tracker = new SeqTracker(afterSeq);
  const pending = new Map<string, number>();
  let liveFrom = Number.POSITIVE_INFINITY;
  let sent = 0;
  let sending = true;
  let timer: number | undefined;
  const stopSending = (): void => {
    sending = false;
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };

  const socket = openRoomSocket({
    token: user.token,
    roomId: room.id,
    afterSeq,
    scenario,
    onReady(ready) {
      liveFrom = ready.lastSeq;
      if (!isSender) return;
      // Spread senders over the interval so a room's sends do not arrive in lockstep.
      const offset = Math.floor(Math.random() * config.wsSendIntervalMs);
      setTimeout(() => {
        if (!sending) return;
        timer = setInterval(() => {
          if (!sending || !socket.isOpen()) return;
          const clientId = `k6-${vuId}-${sent++}`;
          pending.set(clientId, Date.now());
          socket.send({ type: "send", clientId, content: stamp("ws", clientId) });
        }, config.wsSendIntervalMs);
      }, offset);
    },
    onFrame(frame) {
      if (frame.type === "ack") {
        const at = pending.get(frame.clientId);
        if (at !== undefined) {
          m.ackLatency.add(Date.now() - at, { scenario });
          m.acks.add(1, { scenario });
        }
        pending.delete(frame.clientId);
      } else if (frame.type === "rate_limited" || (frame.type === "error" && frame.clientId !== undefined)) {
        // Refused, not lost: nothing was stored, so it is not counted as unacked.
        if (frame.clientId !== undefined) pending.delete(frame.clientId);
      } else if (frame.type === "message") {
        if (!tracker.observe(frame.message, scenario)) return;
        // Catch-up replays (seq <= ready.lastSeq) are old news: latency is for live traffic.
        if (frame.message.seq <= liveFrom) return;
        const s = readStamp(frame.message.content);
        // src: who sent it (this scenario's sockets, or REST writers in the same rooms).
        m.deliveries.add(1, { scenario, src: s?.source ?? "none" });
        if (s !== undefined) m.deliveryLatency.add(Date.now() - s.sentAt, { scenario, src: s.source });
      }
    },
  });

  // Both timers are armed up front so the iteration always ends, even if `ready` never comes.
  setTimeout(stopSending, Math.max(0, sessionMs - DRAIN_MS));
  setTimeout(() => {
    stopSending();
    m.unacked.add(pending.size, { scenario });
    m.touchCorrectness(scenario);
    socket.close();
  }, sessionMs);
}
