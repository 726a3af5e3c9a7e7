// Sending a room's messages: each send goes to the socket in the order written, once the room
// is live. Nothing a closed socket or the room's send limit held up is failed: it waits and goes
// again with the same clientId (the room acks one it already has). After a `rate_limited` frame
// the waiting sends go one at a time, each once the last is acked and the wait is over, so none
// is refused twice (the room closes a socket refused 20 times in a row) and their order holds.
import type { ClientFrame } from "../../../shared/wire";
import type { LocalSend, MessageStore } from "./messages";

type Deps = {
  messages: MessageStore;
  /** Hands a frame to the socket if the room is live; false if it could not. */
  send: (frame: ClientFrame) => boolean;
  /** Why sends can no longer go (the room ended for good), or null. */
  refused: () => string | null;
  /** When the room takes sends again, after a rate limit (epoch ms). */
  limitedUntil: () => number;
  setLimitedUntil: (at: number) => void;
};

const sendFrame = (p: LocalSend): ClientFrame => ({
  type: "send",
  clientId: p.clientId,
  content: p.content,
  ...(p.attachments?.length ? { attachments: p.attachments.map((a) => a.id) } : {}),
});

export function createRoomSends(deps: Deps) {
  const { messages } = deps;
  let paced = false;
  let resume: ReturnType<typeof setTimeout> | undefined;

  /** Sends what waits, in order: all of it, or while paced, the oldest once nothing else is on
   * its way and the wait is over. Does nothing while the socket is not live. */
  function flush() {
    const pending = messages.state.pending.filter((p) => p.status === "pending");
    if (pending.length === 0) paced = false;
    if (paced && (Date.now() < deps.limitedUntil() || pending.some((p) => !p.waiting))) return;
    for (const p of pending) {
      if (!p.waiting) continue;
      if (!deps.send(sendFrame(p))) return;
      messages.setWaiting(p.clientId, false);
      if (paced) return;
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

    /** `ready`: what was shown before the last socket closed, never confirmed, goes again (the
     * room acks what it has), then what waits. */
    ready() {
      for (const p of messages.unconfirmed()) deps.send(sendFrame(p));
      flush();
    },

    /** A `rate_limited` frame: the send waits its turn, and from now on they go one at a time. */
    rateLimited(retryAfterMs: number, clientId?: string) {
      messages.rateLimited(retryAfterMs, clientId);
      deps.setLimitedUntil(Date.now() + retryAfterMs);
      paced = true;
      clearTimeout(resume);
      resume = setTimeout(flush, retryAfterMs);
    },

    dispose: () => clearTimeout(resume),
  };
}
