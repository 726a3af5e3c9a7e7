// Custom k6 metrics shared by every scenario. They must be created in the init context (module
// scope), so each entry script gets all of them by importing this file; thresholds may then
// name any of them even when a script does not feed it.
import { Counter, Rate, Trend } from "k6/metrics";

// Fan-out: the sender writes Date.now() into the message text and every receiver subtracts it
// on arrival. All VUs of one k6 process share a clock; in distributed runs the skew between
// load generators would be added, so keep senders and receivers on one machine.
export const deliveryLatency = new Trend("ws_delivery_latency", true);
/** From `send` frame to the sender's `ack` (the message is durable in the room). */
export const ackLatency = new Trend("ws_ack_latency", true);
/** From `new WebSocket()` to the `ready` frame: handshake, auth, membership, catch-up start. */
export const connectToReady = new Trend("ws_connect_to_ready", true);
export const deliveries = new Counter("ws_deliveries");
/** Acks received: a run whose sends were never acked measured nothing. */
export const acks = new Counter("ws_acks");
/** Missing seqs observed by a receiver: seq is gap-free per room, so any jump is a loss. */
export const seqGaps = new Counter("ws_seq_gaps");
/** The same user message (same seq) delivered twice to one socket. */
export const duplicates = new Counter("ws_duplicates");
/** A seq lower than one already seen, not a repeat: order broken. */
export const outOfOrder = new Counter("ws_out_of_order");
/** Sends never acked (nor refused) by the end of the session. */
export const unacked = new Counter("ws_unacked");
export const wsRateLimited = new Counter("ws_rate_limited");
export const wsErrorFrames = new Counter("ws_error_frames");
/** Closed by the server or the network while the scenario still wanted the socket. */
export const unexpectedCloses = new Counter("ws_unexpected_closes");
export const readyReceived = new Rate("ws_ready_received");

export const writesRateLimited = new Rate("writes_rate_limited");
/** A resend with the same clientId must return the same seq (idempotency, invariant 3). */
export const idempotentResend = new Rate("writes_idempotent_resend");
export const historyOrdered = new Rate("reads_history_ordered");
/** History pages read (200 with messages) and posts stored (201 with a seq). */
export const readsOk = new Counter("reads_ok");
export const writesOk = new Counter("writes_ok");

// AI turns: both measured from the `send` frame, so they include queueing and key acquisition.
export const aiFirstDelta = new Trend("ai_time_to_first_delta", true);
export const aiFinal = new Trend("ai_time_to_final", true);
/** The reply ended `complete` within AI_TIMEOUT_MS. */
export const aiReplyOk = new Rate("ai_reply_ok");
/** Replies that ended `complete`. */
export const aiReplies = new Counter("ai_replies");
export const aiTimeouts = new Counter("ai_timeouts");

/**
 * Adds a zero to every correctness counter, so the summary lists each one even when nothing
 * went wrong (k6 evaluates a threshold on a counter nobody fed as count 0 anyway).
 */
export function touchCorrectness(scenario: string): void {
  for (const c of [seqGaps, duplicates, outOfOrder, unacked, wsRateLimited, wsErrorFrames, unexpectedCloses]) c.add(0, { scenario });
}
