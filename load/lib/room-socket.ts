// A room WebSocket as the suite uses it: connect, say hello with afterSeq, parse server frames,
// and keep per-socket order bookkeeping. Both WebSocket scenarios (fan-out, AI turns) build on
// it, so loss/duplicate/order accounting is identical wherever a socket is open.
import { check } from "k6";
import { WebSocket } from "k6/websockets";
import type { ClientFrame, Message, ServerFrame } from "../../shared/wire.ts";
import { config } from "./config.ts";
import * as m from "./metrics.ts";

export type { ClientFrame, Message, ServerFrame };

export interface RoomSocketOptions {
  token: string;
  roomId: string;
  /** Last seq the client already has (from REST); the server replays everything after it. */
  afterSeq: number;
  scenario: string;
  onReady(ready: Extract<ServerFrame, { type: "ready" }>): void;
  onFrame(frame: ServerFrame): void;
  /** Lets a scenario cancel its timers so the k6 iteration can end. */
  onClose?(): void;
}

export interface RoomSocket {
  send(frame: ClientFrame): void;
  /** Closes on purpose; a close after this is not counted as unexpected. */
  close(): void;
  isOpen(): boolean;
}

/** The spec's readyStates. k6's WebSocket constructor defines no such constants before v2.3
 * (whatever @types/k6 says), so `WebSocket.OPEN` is undefined there. */
const CONNECTING = 0;
const OPEN = 1;

export function openRoomSocket(opts: RoomSocketOptions): RoomSocket {
  const path = `${config.wsBaseUrl}/api/rooms/${opts.roomId}/ws`;
  const url = config.wsTokenInQuery ? `${path}?token=${encodeURIComponent(opts.token)}` : path;
  const startedAt = Date.now();
  let closing = false;
  let ready = false;
  const ws = new WebSocket(url, null, {
    headers: config.wsTokenInQuery ? {} : { Authorization: `Bearer ${opts.token}` },
    // Without this the url tag (one per room, maybe with a token) would explode cardinality.
    tags: { name: "WS /api/rooms/:id/ws", url: "/api/rooms/:id/ws", scenario: opts.scenario },
  });

  ws.onopen = () => {
    // Asked to close while the handshake was still under way: do it now (see close() below).
    if (closing) ws.close(1000, "load test done");
    else ws.send(JSON.stringify({ type: "hello", afterSeq: opts.afterSeq } satisfies ClientFrame));
  };
  ws.onmessage = (event) => {
    if (event === undefined || typeof event.data !== "string") return;
    let frame: ServerFrame;
    try {
      frame = JSON.parse(event.data) as ServerFrame;
    } catch {
      m.wsErrorFrames.add(1, { kind: "unparseable" });
      return;
    }
    if (frame.type === "ready") {
      ready = true;
      m.connectToReady.add(Date.now() - startedAt, { scenario: opts.scenario });
      m.readyReceived.add(true, { scenario: opts.scenario });
      opts.onReady(frame);
      return;
    }
    if (frame.type === "error") {
      // A tag k6 cannot take (undefined, null) would throw here and close the socket.
      m.wsErrorFrames.add(1, { code: String(frame.code ?? "none") });
      console.warn(`ws error frame in ${opts.scenario}: ${frame.code} ${frame.message}`);
    }
    if (frame.type === "rate_limited") m.wsRateLimited.add(1, { scenario: opts.scenario });
    opts.onFrame(frame);
  };
  ws.onerror = (event) => {
    if (!closing) console.warn(`ws error in ${opts.scenario}: ${event?.error ?? "unknown"}`);
  };
  ws.onclose = () => {
    if (!ready) m.readyReceived.add(false, { scenario: opts.scenario });
    check(closing, { "ws: closed only when the client chose to": (c) => c });
    if (!closing) m.unexpectedCloses.add(1, { scenario: opts.scenario });
    closing = true;
    opts.onClose?.();
  };

  return {
    send: (frame) => ws.send(JSON.stringify(frame)),
    close: () => {
      if (closing) return;
      closing = true;
      // k6 before v2.3 blocks the VU for good on close() during the handshake (grafana/k6#6351),
      // so a socket still connecting is closed from onopen instead, or never opens at all.
      if (ws.readyState !== CONNECTING) ws.close(1000, "load test done");
    },
    isOpen: () => ws.readyState === OPEN && !closing,
  };
}

/**
 * Order bookkeeping for one socket. Seq is gap-free per room (invariant 1) and every message is
 * broadcast, so a receiver that has seen seq N must see N+1 next; an AI reply legitimately
 * reappears with the same seq as it moves from streaming to final.
 */
export class SeqTracker {
  private next: number;
  private readonly seen = new Set<number>();

  constructor(afterSeq: number) {
    this.next = afterSeq + 1;
  }

  /** Returns true when this is the first time the socket sees this message. */
  observe(message: Message, scenario: string): boolean {
    const { seq } = message;
    if (this.seen.has(seq)) {
      if (message.author.kind === "user") m.duplicates.add(1, { scenario });
      return false;
    }
    this.seen.add(seq);
    if (seq > this.next) m.seqGaps.add(seq - this.next, { scenario });
    else if (seq < this.next) m.outOfOrder.add(1, { scenario });
    this.next = Math.max(this.next, seq + 1);
    return true;
  }
}
