// The write path: every message, from a WebSocket `send` or a REST post, is checked (content,
// per-user send limit), written to the room's log with the next seq, broadcast, and
// acknowledged. The SQLite write is synchronous and the output gate holds every frame and RPC
// reply sent after it until the write is durable, so the sender hears "acked" only of a
// durable message. In a busy room WebSocket sends are written in batches, one transaction
// each, then broadcast; in a quiet room a lone send is broadcast just before its write and
// acked just after it (sendEarly).
// Per-user limits live in memory: an evicted object forgets them, which errs towards letting
// people talk, never towards losing a message. A WebSocket send pays its token as it arrives,
// before it is queued: a refused frame costs one bucket check and at most one small reply (no
// storage, no log line), and a socket that keeps sending after FLOOD_STRIKES refusals in a row
// is closed with 4008 (flooding), so one member's burst stays a bounded amount of work; the
// member's next sockets are then refused for a while (flood-guard.ts).
import type { Config } from "../../shared/config";
import { log } from "../../shared/log";
import { metrics } from "../../shared/metrics";
import { isBlank, isWellFormedText } from "../../shared/text";
import { CloseCode, type Message, type OnlineUser } from "../../shared/wire";
import { TokenBucket } from "../token-bucket";
import type { FloodGuard } from "./flood-guard";
import type { Membership } from "./membership";
import type { RoomLog } from "./room-log";
import { type RoomSockets, send } from "./sockets";
import type { Uploads } from "./uploads";

export type PostResult =
  | { ok: true; message: Message; duplicate: boolean; aiReply: boolean }
  | { ok: false; code: "rate_limited"; retryAfterMs: number }
  | { ok: false; code: "invalid_content" | "invalid_attachment" | "client_id_reused"; message: string };

type SendFrame = { clientId: string; content: string; attachments?: string[] };
type Queued = { ws: WebSocket; author: OnlineUser; frame: SendFrame };

/** A send arriving within this long of the previous one waits a turn to batch with others. */
const BATCH_WITHIN_MS = 5;

export class Sends {
  private readonly buckets = new Map<string, TokenBucket>();
  private lastSendAt = 0;
  /** WebSocket sends waiting for the next batch (see enqueue()). */
  private inbox: Queued[] = [];
  /** Settles once the batch being written is answered (a flooder's 4008 follows its acks). */
  private answered: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: Config,
    private readonly log: RoomLog,
    private readonly sockets: RoomSockets,
    private readonly membership: Membership,
    /** What follows stored and broadcast messages (the flush, AI replies), one call at a time
     * in the order of the calls; says, per message, whether an AI reply was started. The
     * messages may still be pending (an early one, until it is written). */
    private readonly afterWrites: (messages: Message[] | Promise<Message[]>) => Promise<boolean[]>,
    private readonly uploads: Uploads,
    /** Refused sends in a row, sockets cut off, members waiting to reconnect. */
    readonly floods: FloodGuard,
  ) {}

  /**
   * Queues a WebSocket send for the next batch. In a busy room the first send of a batch waits
   * one turn of the event loop, so that the frames already read from the sockets join it, then
   * writes them all in one transaction: the room pays for one commit per batch instead of one
   * per message, and under load that commit is most of a message's cost (see
   * docs/benchmarks.md). Nothing is acknowledged any earlier: the acks and broadcasts are sent
   * after the transaction and still wait, behind the output gate, until it is durable. The
   * batch's own event answers every sender in it; the other events end at once.
   */
  async enqueue(ws: WebSocket, author: OnlineUser, frame: SendFrame): Promise<void> {
    if (!this.admit(ws, author.id, frame.clientId)) return;
    // Only a busy room batches: a send that follows the last one closely. A quiet room writes
    // at once, so the wait never adds to the latency of a conversation at human pace.
    const now = Date.now();
    const busy = now - this.lastSendAt < BATCH_WITHIN_MS;
    this.lastSendAt = now;
    this.inbox.push({ ws, author, frame });
    if (this.inbox.length > 1) return;
    const [answered, answer] = settleable();
    this.answered = answered;
    return this.nextBatch(busy, answer);
  }

  private async nextBatch(busy: boolean, answered: () => void): Promise<void> {
    if (busy) await scheduler.wait(0);
    const batch = this.inbox;
    this.inbox = [];
    if (batch.length === 1 && this.canSendEarly(batch[0]!)) return this.sendEarly(batch[0]!, answered);
    let results: PostResult[];
    const writeAll = () => batch.map(({ author, frame }) => this.write(author, frame, true));
    try {
      // One explicit transaction: all of the batch is written, or none of it. A lone send
      // without attachments writes one row in one statement, atomic by itself: it skips the
      // savepoint, which in a quiet room is a good part of a message's cost.
      const single = batch.length === 1 && !batch[0]?.frame.attachments?.length;
      results = single ? writeAll() : this.log.transaction(writeAll);
    } catch (err) {
      this.log.reload();
      log.error("send_batch_failed", { roomId: this.membership.room?.roomId, size: batch.length, error: String(err).slice(0, 300) });
      // Nothing was stored: each sender may resend with the same clientId.
      for (const { ws, frame } of batch) notStored(ws, frame.clientId);
      return answered();
    }
    const fresh: Message[] = [];
    results.forEach((result, i) => {
      if (result.ok && !result.duplicate) {
        fresh.push(result.message);
        this.sockets.broadcast({ type: "message", message: result.message });
      }
      answerSend(batch[i]!.ws, batch[i]!.frame.clientId, result);
    });
    answered();
    await this.afterWrites(fresh);
  }

  /** A lone send of valid text, not a resend: what sendEarly() takes. */
  private canSendEarly({ author, frame }: Queued): boolean {
    if (frame.attachments?.length || contentError(frame.content, this.config.maxMessageChars) !== null) return false;
    return this.log.byClientId(author.id, frame.clientId) === undefined;
  }

  /**
   * A lone send in a quiet room is broadcast, to its sender too, before it is written, and
   * only the ack waits for the write: the write, its commit and the output gate that holds
   * every frame sent after a write until it is durable are, in a quiet room, most of a
   * message's latency (docs/benchmarks.md). The row is reserved (RoomLog.reserve) and written
   * a turn later, or by whatever uses the log first; the ack goes out then. If the write
   * fails, the message everyone heard of does not exist: every socket is closed with 1012 and
   * clients reconnect asking from before it (docs/API.md, "Early delivery"), as after a crash
   * in between; the sender, never acked, sends it again.
   */
  private async sendEarly({ ws, author, frame }: Queued, answered: () => void): Promise<void> {
    const { message, outcome } = this.log.reserve(
      { author: authorOf(author), content: frame.content, status: "complete", clientId: frame.clientId },
      {
        written: () => {
          metrics.messageAccepted();
          answerSend(ws, frame.clientId, { ok: true, message, duplicate: false, aiReply: false });
        },
        lost: (err) => {
          log.error("early_send_failed", { roomId: this.membership.room?.roomId, seq: message.seq, error: String(err).slice(0, 300) });
          this.sockets.closeReady(CloseCode.restart, "A message was lost; reconnect");
        },
      },
    );
    void outcome.then(answered);
    // Its place among what follows writes is taken now, before it is written.
    const after = this.afterWrites(outcome.then((written) => (written ? [message] : [])));
    this.sockets.broadcast({ type: "message", message });
    // One turn of the event loop: the runtime sends the copies before the write runs.
    await scheduler.wait(0);
    this.log.settle();
    await after;
  }

  /**
   * Takes the sender's token for a WebSocket send as it arrives. Refused: one `rate_limited`
   * reply, and past FLOOD_STRIKES refusals in a row the socket is closed with 4008; frames
   * still in flight from a closed socket are dropped. Constant work either way.
   */
  private admit(ws: WebSocket, userId: string, clientId: string): boolean {
    if (this.floods.isCutOff(ws)) return false;
    const wait = this.takeToken(userId);
    if (wait === 0) {
      this.floods.accepted(ws);
      return true;
    }
    const now = Date.now();
    if (!this.floods.refused(ws, userId, now)) {
      send(ws, { type: "rate_limited", retryAfterMs: wait, clientId });
      return false;
    }
    this.floods.close(ws, userId, now, this.answered); // after the acks of what it had sent
    return false;
  }

  /** Forgets a closed socket's strikes. */
  forget(ws: WebSocket): void {
    this.floods.forget(ws);
  }

  /** A REST post: the same checks and write as a WebSocket send, one at a time. */
  async post(author: OnlineUser, input: { content: string; clientId?: string; attachments?: string[] }): Promise<PostResult> {
    const result = this.write(author, input);
    if (!result.ok || result.duplicate) return result;
    this.sockets.broadcast({ type: "message", message: result.message });
    const [aiReply = false] = await this.afterWrites([result.message]);
    return { ...result, aiReply };
  }

  /** Takes one of `userId`'s send tokens; returns 0, or how many ms until one is free. */
  takeToken(userId: string): number {
    let bucket = this.buckets.get(userId);
    if (!bucket) this.buckets.set(userId, (bucket = new TokenBucket(this.config.sendBurst, this.config.sendPerSecond)));
    return bucket.take();
  }

  /**
   * The synchronous part of a send: the checks, then the hot-log write. The caller broadcasts,
   * once the write can no longer be rolled back.
   */
  private write(
    author: OnlineUser,
    { content, clientId, attachments: ids = [] }: Omit<SendFrame, "clientId"> & { clientId?: string },
    paid = false,
  ): PostResult {
    // A resend, refused content or a refused attachment costs no token: a paid one is given back.
    const refund = (outcome: PostResult) => {
      if (paid) this.buckets.get(author.id)?.refund();
      return outcome;
    };
    const fields = { author: authorOf(author), content, status: "complete" as const };
    // The common case, a WebSocket send of valid text: the insert itself notices a resend. Every
    // other case asks first, in the order that decides what a refused resend is told.
    if (paid && clientId !== undefined && ids.length === 0 && contentError(content, this.config.maxMessageChars) === null) {
      const message = this.log.appendOnce({ ...fields, clientId });
      if (message) return accepted(message);
      const existing = this.log.byClientId(author.id, clientId);
      if (existing) return refund(resent(existing, content));
    }
    const free = this.freeOutcome(author, content, clientId, ids.length > 0);
    if (free) return refund(free);
    const claim = this.uploads.check(author.id, ids);
    if (!claim.ok) return refund({ ok: false, code: "invalid_attachment", message: claim.message });
    const wait = paid ? 0 : this.takeToken(author.id);
    if (wait > 0) return { ok: false, code: "rate_limited", retryAfterMs: wait };
    const message = this.log.append({ ...fields, clientId, attachments: claim.attachments });
    this.uploads.claim(ids, message.seq);
    return accepted(message);
  }

  private freeOutcome(author: OnlineUser, content: string, clientId: string | undefined, hasFiles: boolean): PostResult | undefined {
    const existing = clientId ? this.log.byClientId(author.id, clientId) : undefined;
    if (existing) return resent(existing, content);
    const invalid = contentError(content, this.config.maxMessageChars, hasFiles);
    return invalid ? { ok: false, code: "invalid_content", message: invalid } : undefined;
  }
}

/** Why `content` cannot be a message's text, or null. With attachments it may be empty (a
 * picture can be the whole message); an edit has none, so its text may not. */
export function contentError(content: string, maxChars: number, hasFiles = false): string | null {
  // Zero-width and other invisible characters alone are empty too: an invisible message.
  if (isBlank(content) && !hasFiles) return "A message cannot be empty.";
  // Postgres text cannot hold NUL; refusing it here keeps one bad byte from wedging the flush.
  if (content.includes("\u0000")) return "A message cannot contain NUL characters.";
  // Lone surrogates would be stored as U+FFFD, three bytes each: refused, not silently changed.
  if (!isWellFormedText(content)) return "A message cannot contain invalid characters (lone surrogates).";
  if (content.length > maxChars) return `A message can be at most ${maxChars} characters.`;
  return null;
}

/** A resend is the message first sent with its clientId (edited or deleted since, it is still
 * taken as that one). Other text under a known clientId is refused: acked, it would be lost. */
function resent(existing: Message, content: string): PostResult {
  if (existing.content === content || existing.editedAt || existing.deletedAt)
    return { ok: true, message: existing, duplicate: true, aiReply: false };
  return {
    ok: false,
    code: "client_id_reused",
    message: "This clientId was already used for another message; send this one with a new clientId.",
  };
}

const authorOf = (user: OnlineUser) => ({ kind: "user" as const, id: user.id, name: user.displayName, username: user.username });

function accepted(message: Message): PostResult {
  metrics.messageAccepted();
  return { ok: true, message, duplicate: false, aiReply: false };
}

/** Nothing of the send was stored: the sender may send it again with the same clientId. */
function notStored(ws: WebSocket, clientId: string) {
  send(ws, { type: "error", code: "internal", message: "The message could not be stored; send it again.", clientId });
}

function answerSend(ws: WebSocket, clientId: string, result: PostResult) {
  if (result.ok) return send(ws, { type: "ack", clientId, seq: result.message.seq });
  if (result.code === "rate_limited") return send(ws, { type: "rate_limited", retryAfterMs: result.retryAfterMs, clientId });
  send(ws, { type: "error", code: result.code, message: result.message, clientId });
}

/** A promise, and the function that settles it. */
function settleable(): [Promise<void>, () => void] {
  let settle!: () => void;
  const promise = new Promise<void>((resolve) => (settle = resolve));
  return [promise, settle];
}
