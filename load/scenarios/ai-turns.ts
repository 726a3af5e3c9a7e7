// AI turns: one VU per AI room keeps a socket open and takes turns: send a prompt, time the
// first `delta` of the reply and its final `message`, think for AI_THINK_MS, repeat. Meant for
// the built-in dummy provider (no GEMINI_API_KEYS) or a staging key; never point it at a
// production key budget.
import { check } from "k6";
import exec from "k6/execution";
import type { Scenario } from "k6/options";
import { clearTimeout, setTimeout } from "k6/timers";
import * as api from "../lib/api.ts";
import { config, k6Duration } from "../lib/config.ts";
import type { Fixture, LoadUser } from "../lib/fixtures.ts";
import { stamp } from "../lib/marker.ts";
import * as m from "../lib/metrics.ts";
import { openRoomSocket, SeqTracker } from "../lib/room-socket.ts";

export function aiScenario(durationMs: number, startTime = "0s"): Scenario {
  return {
    executor: "per-vu-iterations",
    exec: "aiTurns",
    vus: Math.max(1, config.aiRooms),
    iterations: 1,
    startTime,
    maxDuration: k6Duration(durationMs + config.aiTimeoutMs + 60_000),
    env: { AI_SESSION_MS: String(durationMs) },
  };
}

interface Turn {
  clientId: string;
  sentAt: number;
  mySeq?: number;
  aiSeq?: number;
  firstDelta: boolean;
  timeout: number;
}

export function aiTurns(data: Fixture): void {
  const slot = exec.scenario.iterationInTest;
  const room = data.aiRooms[slot % data.aiRooms.length];
  if (room === undefined) throw new Error("AI turns need AI rooms: set AI_ROOMS >= 1");
  const user = data.users[room.members[0] ?? 0] as LoadUser;
  const endAt = Date.now() + Number(__ENV.AI_SESSION_MS ?? config.duration);
  const scenario = "ai";
  const vuId = exec.vu.idInTest;

  const roomRes = api.getRoom(user.token, room.id);
  const lastSeq = api.body<{ room: api.Room }>(roomRes)?.room.lastSeq;
  if (!check(roomRes, { "ai: room readable": (r) => r.status === 200 && lastSeq !== undefined })) return;
  const tracker = new SeqTracker(lastSeq ?? 0);
  let turns = 0;
  let turn: Turn | undefined;
  let thinking: number | undefined;

  const finish = (ok: boolean): void => {
    if (turn === undefined) return;
    clearTimeout(turn.timeout);
    m.aiReplyOk.add(ok);
    turn = undefined;
    if (Date.now() + config.aiThinkMs < endAt) thinking = setTimeout(startTurn, config.aiThinkMs);
    else socket.close();
  };

  const startTurn = (): void => {
    if (!socket.isOpen()) return;
    const clientId = `k6-ai-${vuId}-${turns++}`;
    const timeout = setTimeout(() => {
      m.aiTimeouts.add(1);
      finish(false);
    }, config.aiTimeoutMs);
    turn = { clientId, sentAt: Date.now(), firstDelta: false, timeout };
    socket.send({ type: "send", clientId, content: stamp("ai", "Reply with a short greeting, please.") });
  };

  const socket = openRoomSocket({
    token: user.token,
    roomId: room.id,
    afterSeq: lastSeq ?? 0,
    scenario,
    onReady: () => startTurn(),
    onClose() {
      m.touchCorrectness(scenario);
      // Pending timers would keep the iteration alive after the socket is gone; a turn still
      // waiting for its reply has failed.
      if (turn !== undefined) {
        clearTimeout(turn.timeout);
        m.aiReplyOk.add(false);
        turn = undefined;
      }
      if (thinking !== undefined) clearTimeout(thinking);
      clearTimeout(hardStop);
    },
    onFrame(frame) {
      if (frame.type === "message") tracker.observe(frame.message, scenario);
      const t = turn;
      if (t === undefined) return;
      if (frame.type === "ack" && frame.clientId === t.clientId) {
        t.mySeq = frame.seq;
        m.ackLatency.add(Date.now() - t.sentAt, { scenario });
        m.acks.add(1, { scenario });
      } else if ((frame.type === "rate_limited" || frame.type === "error") && frame.clientId === t.clientId) {
        finish(false);
      } else if (frame.type === "message" && frame.message.author.kind === "ai" && t.mySeq !== undefined) {
        const msg = frame.message;
        if (msg.replyTo !== t.mySeq && msg.seq !== t.aiSeq) return;
        t.aiSeq = msg.seq;
        if (msg.status === "streaming") return;
        m.aiFinal.add(Date.now() - t.sentAt);
        check(msg, { "ai: reply completed": (x) => x.status === "complete" && x.content.length > 0 });
        if (msg.status === "complete") m.aiReplies.add(1);
        finish(msg.status === "complete");
      } else if (frame.type === "delta" && !t.firstDelta && t.mySeq !== undefined) {
        // The reply's seq may be announced after its first chunk; any later seq is ours, since
        // this VU is the only writer in its room.
        if (t.aiSeq !== undefined ? frame.seq !== t.aiSeq : frame.seq <= t.mySeq) return;
        t.firstDelta = true;
        m.aiFirstDelta.add(Date.now() - t.sentAt);
      }
    },
  });

  // Hard stop so the iteration ends even if the server stops answering.
  const hardStop = setTimeout(() => socket.close(), endAt - Date.now() + config.aiTimeoutMs);
}
