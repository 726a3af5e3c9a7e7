// Sending a room's messages, in the order written, once the room is live. Nothing a closed
// socket or the room's send limit held up is failed: it waits and goes again with the same
// clientId (the room acks one it already has). At most WINDOW sends are unacked at once, so a
// queue written offline never meets the room's limit more than a few times: the room closes a
// socket refused 20 times in a row. After a `rate_limited` frame the rest go one at a time, each
// once the last is acked and the wait the room named has passed again, so their order holds.
import type { ClientFrame } from "../../../shared/wire";
import type { LocalSend, MessageStore } from "./messages";

type Deps = {
  messages: MessageStore;
  /** Whether the room's socket is live. */
  live: () => boolean;
  /** Hands a frame to the socket (only ever called while live); false if it could not. */
  send: (frame: ClientFrame) => boolean;
  /** Why sends can no longer go (the room ended for good), or null. */
  refused: () => string | null;
  /** When the room takes sends again, after a rate limit (epoch ms): the composer says so. */
  limitedUntil: () => number;
  setLimitedUntil: (at: number) => void;
};

/** Sends on their way at once, unacked. */
const WINDOW = 5;
/** The spacing of paced sends: the room's last named wait, within these bounds. */
const GAP_MIN_MS = 250;
const GAP_MAX_MS = 5000;

const sendFrame = (p: LocalSend): ClientFrame => ({
  type: "send",
  clientId: p.clientId,
  content: p.content,
  ...(p.attachments?.length ? { attachments: p.attachments.map((a) => a.id) } : {}),
});

export function createRoomSends(deps: Deps) {
  const { messages } = deps;
  /** Since a rate limit: one at a time, GAP apart, until nothing waits. */
  let paced = false;
  let gap = GAP_MIN_MS;
  let nextAt = 0;
  let resume: ReturnType<typeof setTimeout> | undefined;

  const arm = (ms: number) => {
    clearTimeout(resume);
    resume = setTimeout(flush, ms);
  };

  /** Sends what waits, oldest first, as far as the window (or the pace) lets; says "Waiting to
   * send…" on what it leaves while live. Called on `ready`, each ack and refusal, each new send. */
  function flush() {
    if (!deps.live()) return;
    const queue = messages.queue();
    if (queue.length === 0) {
      paced = false;
      return;
    }
    const now = Date.now();
    const at = Math.max(deps.limitedUntil(), paced ? nextAt : 0);
    const onTheWay = queue.filter((p) => !p.waiting).length;
    let room = now < at ? 0 : paced ? (onTheWay === 0 ? 1 : 0) : WINDOW - onTheWay;
    if (now < at) arm(at - now);
    for (const p of queue) {
      if (!p.waiting) continue;
      if (room > 0 && deps.send(sendFrame(p))) {
        room--;
        messages.setWaiting(p.clientId, false);
        if (paced) nextAt = Date.now() + gap;
      } else if (!p.held) messages.setWaiting(p.clientId, true, true);
    }
  }

  return {
    flush,

    /** A send to go (new, or retried): after those already waiting. */
    transmit(clientId: string) {
      const refused = deps.refused();
      if (refused) return void messages.fail(clientId, refused);
      messages.setWaiting(clientId, true);
      flush();
    },

    /** A `rate_limited` frame: the send waits its turn, and from now on they go one at a time. */
    rateLimited(retryAfterMs: number, clientId?: string) {
      messages.rateLimited(clientId);
      deps.setLimitedUntil(Date.now() + retryAfterMs);
      paced = true;
      gap = Math.min(GAP_MAX_MS, Math.max(GAP_MIN_MS, retryAfterMs));
      flush();
    },

    dispose: () => clearTimeout(resume),
  };
}
