// ChatRoom: one object per room, the room's single writer. It assigns every message its
// gap-free seq, stores it in its own SQLite before anyone is told (acked means durable),
// fans it out to the room's hibernating WebSockets, and copies it to the history store
// behind the scenes (write-behind flush driven by an alarm, idempotent on (room_id, seq)).
import { DurableObject } from "cloudflare:workers";
import { type Config, readConfig } from "../shared/config";
import type { GenerateJob } from "../shared/jobs";
import { log } from "../shared/log";
import { FlushLag, metrics } from "../shared/metrics";
import { ClientFrame } from "../shared/schemas";
import { openStore, type Store } from "../shared/store";
import { fromMessage } from "../shared/store/mappers";
import { CloseCode, MAX_FRAME_BYTES, type Message, type OnlineUser, offeredProtocols, WS_PROTOCOL } from "../shared/wire";
import { RoomAi, type RoomConfig } from "./room-ai";
import { RoomLog } from "./room-log";
import { RoomSockets, send } from "./room-sockets";
import { Timers } from "./timers";
import { TokenBucket } from "./token-bucket";

export type { RoomConfig } from "./room-ai";
export type PostResult =
  | { ok: true; message: Message; duplicate: boolean; aiReply: boolean }
  | { ok: false; code: "rate_limited"; retryAfterMs: number }
  | { ok: false; code: "invalid_content"; message: string };

/** Header through which the Worker hands an authenticated identity to the upgrade. */
export const IDENTITY_HEADER = "X-Parlor-Identity";

const FLUSH_BATCH = 200;
const CATCH_UP_PAGE = 200;
const RECENT_ON_HELLO = 50;
const EDITED_ON_HELLO = 200;
/** Rows pruned from the hot log per flush at most (see RoomLog.prune). */
const PRUNE_BATCH = 1000;
const MAX_SOCKETS_PER_USER = 8;
const MAX_SOCKETS = 5000;
const TYPING_EVERY_MS = 2000;
const TIMER_RETRY_MS = 5000;
const PRESENCE_COALESCE_MS = 100;
/** How long a removal is remembered for upgrades checked against an older member list. */
const REMEMBER_REMOVALS_MS = 10 * 60_000;
/** A send arriving within this long of the previous one waits a turn to batch with others. */
const BATCH_WITHIN_MS = 5;
const PRESENCE_DELAY_PER_SOCKET_MS = 4;
const PRESENCE_MAX_DELAY_MS = 1000;

export class ChatRoom extends DurableObject<Env> {
  private readonly config: Config;
  private readonly log: RoomLog;
  private readonly sockets: RoomSockets;
  private readonly timers: Timers;
  readonly ai: RoomAi;
  private room: RoomConfig | null;
  private roomJson: string | null;
  /** Whether the flush timer is armed; rebuilt from the timers table when the object wakes. */
  private flushArmed: boolean;
  /** The expiry timer's deadline, so a connect only touches storage for an earlier one. */
  private expiryAt = Number.POSITIVE_INFINITY;
  private presencePending = false;
  /** Deleted: only the tombstone is left (see destroy()). */
  private deleted: boolean;
  /** user id -> when they were removed, for the last REMEMBER_REMOVALS_MS (the removed table). */
  private readonly removedAt: Map<string, number>;
  private flushFailures = 0;
  private readonly flushLag = new FlushLag();
  private store?: Store;
  // Per-user limits live in memory: an evicted object forgets them, which errs towards
  // letting people talk, never towards losing a message.
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly lastTyping = new Map<string, number>();
  private lastSendAt = 0;
  /** Sockets whose hello is being answered (see webSocketMessage()). */
  private readonly greeting = new Set<WebSocket>();
  /** WebSocket sends waiting for the next batch (see enqueueSend()). */
  private inbox: { ws: WebSocket; author: OnlineUser; frame: { clientId: string; content: string } }[] = [];

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.config = readConfig(env);
    this.createTables();
    this.deleted = ctx.storage.sql.exec("SELECT 1 FROM meta WHERE key = 'deleted'").toArray().length > 0;
    // Every upgrade checks it: read once, kept beside the table (see kick()).
    this.removedAt = new Map(
      ctx.storage.sql
        .exec<{ user_id: string; at: number }>("SELECT user_id, at FROM removed")
        .toArray()
        .map((r) => [r.user_id, r.at]),
    );
    const [row] = ctx.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'room'").toArray();
    this.room = row ? (JSON.parse(row.value) as RoomConfig) : null;
    this.roomJson = row?.value ?? null;
    this.log = new RoomLog(ctx.storage.sql, () => this.room?.roomId ?? "");
    this.sockets = new RoomSockets(ctx);
    this.timers = new Timers(ctx.storage);
    this.flushArmed = this.timers.has("flush");
    this.ai = new RoomAi(
      this.env,
      this.log,
      this.timers,
      (f) => this.sockets.broadcast(f),
      () => this.room,
      () => this.scheduleFlush(),
      ctx.storage.sql,
    );
    // Answered by the runtime without waking the object: keeps idle sockets hibernating.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  private createTables() {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS removed (user_id TEXT PRIMARY KEY, at INTEGER NOT NULL)");
  }

  // ---- RPC from the Worker ---------------------------------------------------------------

  /** Records the room's settings (called on create and on every change). `onlyNewer`: for
   * settings that may come from a Worker's cached copy (WebSocket upgrades). */
  configure(room: RoomConfig, onlyNewer = false): void {
    // Every post and upgrade carries the settings its request read; one that started before
    // a PATCH must not undo it.
    const current = this.room && this.room.roomId === room.roomId ? (this.room.version ?? 0) : Number.NEGATIVE_INFINITY;
    if ((room.version ?? 0) < current || (onlyNewer && (room.version ?? 0) === current)) return;
    const json = JSON.stringify(room);
    // Most calls repeat what is stored: skip the write (and the output gate's wait for it).
    if (json === this.roomJson) return;
    this.room = room;
    this.roomJson = json;
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('room', ?)", json);
  }

  /** A message posted over REST; the same path as a WebSocket `send`. */
  async post(room: RoomConfig, author: OnlineUser, content: string, clientId?: string): Promise<PostResult> {
    this.configure(room);
    return this.accept(author, content, clientId);
  }

  /** Messages the history store may not have yet (read-your-writes for REST pages). */
  unflushed(afterSeq: number, beforeSeq: number): Message[] {
    return this.log.dirtyBetween(afterSeq, beforeSeq);
  }

  lastSeq(): number {
    return this.log.lastSeq;
  }

  /** Stops an AI reply that is streaming (REST; the WebSocket frame does the same). */
  stopReply(seq: number) {
    return this.ai.stop(seq);
  }

  /** Regenerating costs a generation, so it draws on the same per-user budget as sending. */
  async regenerateReply(seq: number, userId: string) {
    const wait = this.takeToken(userId);
    if (wait > 0) return { code: "rate_limited", message: `Too many requests; try again in ${Math.ceil(wait / 1000)} s.` };
    return this.ai.regenerate(seq);
  }

  /** For `POST .../messages?wait=true`: the AI's final reply to `seq`, or null on timeout. */
  waitForReply(seq: number, timeoutMs: number) {
    return this.ai.waitForReply(seq, timeoutMs);
  }

  // ---- RPC from the generate queue's consumers (see worker/queue) -------------------------

  beginReply(jobId: string) {
    return this.ai.begin(jobId);
  }

  appendReply(jobId: string, attempt: string, text: string) {
    return this.ai.append(jobId, attempt, text);
  }

  replyAlive(jobId: string, attempt: string) {
    return this.ai.alive(jobId, attempt);
  }

  replyRetrying(jobId: string, attempt: string, retryAt: number, reason: string) {
    return this.ai.retrying(jobId, attempt, retryAt, reason);
  }

  finishReply(jobId: string, attempt: string | null, outcome: { status: "complete" } | { status: "error"; error: string }) {
    return this.ai.finish(jobId, attempt, outcome);
  }

  holdJob(job: GenerateJob, at: number) {
    return this.ai.holdJob(job, at);
  }

  /** A member was removed: their open sockets close with a code the client can explain, and
   * an upgrade checked against an older member list is refused (see fetch()). */
  kick(userId: string): void {
    const now = Date.now();
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO removed (user_id, at) VALUES (?, ?)", userId, now);
    // Long past any Worker's cached member list (a minute): nothing left to refuse.
    this.ctx.storage.sql.exec("DELETE FROM removed WHERE at < ?", now - REMEMBER_REMOVALS_MS);
    this.removedAt.set(userId, now);
    for (const [id, at] of this.removedAt) if (at < now - REMEMBER_REMOVALS_MS) this.removedAt.delete(id);
    this.sockets.closeUser(userId, CloseCode.removed, "You were removed from this room");
  }

  /** The room was deleted: close every socket and drop all state but a tombstone, which
   * refuses the upgrades a Worker's cached copy of the room could still send here. */
  async destroy(): Promise<void> {
    this.sockets.closeAll(CloseCode.roomDeleted, "This room was deleted");
    this.room = null;
    this.roomJson = null;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.removedAt.clear();
    this.createTables();
    this.ctx.storage.sql.exec("INSERT INTO meta (key, value) VALUES ('deleted', '1')");
    this.deleted = true;
  }

  private removedSince(userId: string, checkedAt: number): boolean {
    return (this.removedAt.get(userId) ?? Number.NEGATIVE_INFINITY) >= checkedAt;
  }

  // ---- WebSockets ------------------------------------------------------------------------

  override async fetch(request: Request): Promise<Response> {
    const identity = request.headers.get(IDENTITY_HEADER);
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket" || !identity) {
      return new Response("Expected an authenticated WebSocket upgrade", { status: 400 });
    }
    const {
      user,
      exp,
      room,
      checkedAt = Date.now(),
    } = JSON.parse(identity) as {
      user: OnlineUser;
      exp: number;
      room: RoomConfig;
      checkedAt?: number;
    };
    // The Worker may have checked membership against a copy of the member list up to a minute
    // old: the deletions and removals it could have missed are known here.
    const refusal: [code: number, reason: string] | undefined = this.deleted
      ? [CloseCode.roomDeleted, "This room was deleted"]
      : this.removedSince(user.id, checkedAt)
        ? [CloseCode.removed, "You were removed from this room"]
        : this.sockets.count(user.id) >= MAX_SOCKETS_PER_USER || this.sockets.count() >= MAX_SOCKETS
          ? [CloseCode.overloaded, "Too many connections; try again later"]
          : undefined;
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    if (refusal) {
      // Accept, then close with a code a browser can read (a refused upgrade tells it nothing).
      server.accept();
      server.close(...refusal);
      return new Response(null, { status: 101, webSocket: client, headers: subprotocol(request) });
    }
    this.configure(room, true);
    this.sockets.accept(server, { user, exp, ready: false });
    metrics.roomSockets(this.ctx.id.toString(), this.sockets.count());
    if (exp * 1000 < this.expiryAt) {
      this.expiryAt = exp * 1000;
      await this.timers.schedule("expiry", this.expiryAt);
    }
    this.presenceSoon();
    return new Response(null, { status: 101, webSocket: client, headers: subprotocol(request) });
  }

  override async webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const info = this.sockets.info(ws);
    if (!info) return ws.close(CloseCode.policy, "Unknown connection");
    if (overFrameLimit(data)) return ws.close(CloseCode.tooBig, "Frame larger than 64 KiB");
    if (typeof data !== "string") return send(ws, { type: "error", code: "invalid_frame", message: "Send JSON text frames." });
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return send(ws, { type: "error", code: "invalid_json", message: "Frames must be JSON objects." });
    }
    const parsed = ClientFrame.safeParse(json);
    if (!parsed.success) {
      const clientId = typeof (json as { clientId?: unknown })?.clientId === "string" ? (json as { clientId: string }).clientId : undefined;
      const message = parsed.error.issues.map((i) => `${i.path.join(".") || "frame"}: ${i.message}`).join("; ");
      return send(ws, { type: "error", code: "invalid_frame", message, ...(clientId ? { clientId } : {}) });
    }
    const frame = parsed.data;
    switch (frame.type) {
      case "hello":
        // Once per connection: a catch-up can be long, and a client has no use for a second.
        if (info.ready || this.greeting.has(ws)) {
          return send(ws, {
            type: "error",
            code: "invalid_frame",
            message: "hello is sent once per connection; reconnect to catch up again.",
          });
        }
        this.greeting.add(ws);
        try {
          return await this.hello(ws, frame.afterSeq);
        } finally {
          this.greeting.delete(ws);
        }
      case "send":
        return this.enqueueSend(ws, info.user, frame);
      case "typing": {
        const now = Date.now();
        if (now - (this.lastTyping.get(info.user.id) ?? 0) < TYPING_EVERY_MS) return;
        this.lastTyping.set(info.user.id, now);
        return this.sockets.broadcast({ type: "typing", user: info.user }, ws);
      }
      case "stop":
      case "regenerate": {
        const error = frame.type === "stop" ? await this.ai.stop(frame.seq) : await this.regenerateReply(frame.seq, info.user.id);
        if (error) send(ws, { type: "error", code: error.code, message: error.message });
        return;
      }
      case "ping":
        return send(ws, { type: "pong" });
    }
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    // Answer the client's close frame: without it the close handshake never completes and
    // the browser reports an abnormal closure (1006).
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // Already closed.
    }
    this.sockets.forget(ws);
    metrics.roomSockets(this.ctx.id.toString(), this.sockets.count());
    this.presenceSoon();
  }

  /** One presence frame for a burst of joins and leaves, not one per socket per change (which
   * grows with the square of the room). A short in-memory delay: nothing to survive. Each frame
   * carries the whole list to every socket, so a big room waits longer (100 sockets: 0.5 s)
   * and a room filling up after a link is shared sends a few lists, not one per 100 ms. */
  private presenceSoon() {
    if (this.presencePending) return;
    this.presencePending = true;
    const delay = Math.min(PRESENCE_MAX_DELAY_MS, PRESENCE_COALESCE_MS + this.sockets.count() * PRESENCE_DELAY_PER_SOCKET_MS);
    setTimeout(() => {
      this.presencePending = false;
      this.sockets.broadcast({ type: "presence", online: this.sockets.online() });
    }, delay);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    await this.webSocketClose(ws, 1011, "Connection error");
  }

  /**
   * `ready`, then everything after `afterSeq` (paged, in seq order; without `afterSeq`, the
   * latest RECENT_ON_HELLO), then live traffic. What the room no longer keeps itself (see
   * RoomLog.prune) comes from the history store first. Live messages skip this socket until
   * it is marked ready, and the last page is read from the room's log in the same turn as
   * that mark, so nothing written meanwhile falls between the two.
   */
  private async hello(ws: WebSocket, afterSeq: number | undefined) {
    send(ws, { type: "ready", roomId: this.room?.roomId ?? "", lastSeq: this.log.lastSeq, online: this.sockets.online() });
    let from = afterSeq ?? Math.max(0, this.log.lastSeq - RECENT_ON_HELLO);
    try {
      // A reply the client saw start may have finished, stopped or failed while it was away:
      // resend the current version of recently edited messages it already has.
      if (afterSeq !== undefined) await this.resendEdited(ws, afterSeq);
      // Until the store has brought the client up to the room's oldest row. Checked again
      // after every read (a flush may prune meanwhile), and the last check runs in the same
      // turn as the reads from the room's log and the ready mark below.
      while (from < this.log.firstSeq - 1) from = await this.catchUpFromStore(ws, from);
    } catch (err) {
      log.error("catch_up_failed", { roomId: this.room?.roomId, afterSeq: from, error: String(err).slice(0, 300) });
      // Nothing is skipped: the client reconnects and asks again from what it has.
      return ws.close(CloseCode.overloaded, "History is unavailable for a moment; try again");
    }
    for (;;) {
      const page = this.log.after(from, CATCH_UP_PAGE);
      for (const message of page) send(ws, { type: "message", message });
      if (page.length < CATCH_UP_PAGE) break;
      from = page[page.length - 1]?.seq ?? from;
    }
    // Replies still streaming were sent above with their text so far; the next delta for
    // each continues from its `streamIndex`.
    this.sockets.markReady(ws);
  }

  /** Resends the AI replies among the EDITED_ON_HELLO messages up to `afterSeq`: edited ones
   * from the room's log, and, for the part it no longer keeps, every AI reply from the store
   * (pruned rows are final, so what the store has is their last version). */
  private async resendEdited(ws: WebSocket, afterSeq: number) {
    const from = Math.max(0, afterSeq - EDITED_ON_HELLO);
    const roomId = this.room?.roomId;
    const storeUntil = Math.min(afterSeq, this.log.firstSeq - 1);
    if (roomId && from < storeUntil) {
      const { messages } = await this.history().messages.page(roomId, { after: from, limit: EDITED_ON_HELLO });
      for (const message of messages) {
        if (message.seq <= storeUntil && message.author.kind === "ai") send(ws, { type: "message", message });
      }
    }
    for (const message of this.log.editedBetween(Math.max(from, storeUntil), afterSeq)) send(ws, { type: "message", message });
  }

  /** Sends, from the history store, the messages after `from` that precede the room's oldest
   * kept row, as one run with no gap (a hole or a short answer throws: the store may be
   * serving a cached page; the client retries); returns the last seq sent. */
  private async catchUpFromStore(ws: WebSocket, from: number): Promise<number> {
    const roomId = this.room?.roomId;
    if (!roomId) throw new Error("the room is not configured");
    const { messages } = await this.history().messages.page(roomId, { after: from, limit: CATCH_UP_PAGE });
    // Read after the wait: a flush may have pruned more, and those rows are in the store.
    const until = this.log.firstSeq - 1;
    for (const message of messages) {
      if (message.seq > until) return from;
      if (message.seq !== from + 1) throw new Error(`the history store has no message ${from + 1} (next: ${message.seq})`);
      send(ws, { type: "message", message });
      from = message.seq;
    }
    if (from < until && messages.length < CATCH_UP_PAGE) {
      throw new Error(`the history store ends at ${from}, the room's log starts at ${until + 1}`);
    }
    return from;
  }

  // ---- The write path ---------------------------------------------------------------------

  /**
   * Queues a WebSocket send for the next batch. In a busy room the first send of a batch
   * waits one turn of the event loop, so that the frames already read from the sockets join
   * it, then writes them all in one transaction: the room pays for one commit per batch instead of one per
   * message, and under load that commit is most of a message's cost (see docs/benchmarks.md).
   * Nothing is acknowledged any earlier: the acks and broadcasts are sent after the
   * transaction and still wait, behind the output gate, until it is durable. The batch's own
   * event answers every sender in it; the other events end at once.
   */
  private async enqueueSend(ws: WebSocket, author: OnlineUser, frame: { clientId: string; content: string }) {
    // Only a busy room batches: a send that follows the last one closely. A quiet room writes
    // at once, so the wait never adds to the latency of a conversation at human pace.
    const now = Date.now();
    const busy = now - this.lastSendAt < BATCH_WITHIN_MS;
    this.lastSendAt = now;
    this.inbox.push({ ws, author, frame });
    if (this.inbox.length > 1) return;
    if (busy) await scheduler.wait(0);
    const batch = this.inbox;
    this.inbox = [];
    let results: PostResult[];
    try {
      // One explicit transaction: all of the batch is written, or none of it.
      results = this.ctx.storage.transactionSync(() => batch.map(({ author, frame }) => this.write(author, frame.content, frame.clientId)));
    } catch (err) {
      this.log.reload();
      log.error("send_batch_failed", { roomId: this.room?.roomId, size: batch.length, error: String(err).slice(0, 300) });
      // Nothing was stored: each sender may resend with the same clientId.
      for (const { ws, frame } of batch) {
        send(ws, { type: "error", code: "internal", message: "The message could not be stored; send it again.", clientId: frame.clientId });
      }
      return;
    }
    const fresh: Message[] = [];
    results.forEach((result, i) => {
      if (result.ok && !result.duplicate) {
        fresh.push(result.message);
        this.sockets.broadcast({ type: "message", message: result.message });
      }
      answerSend(batch[i]!.ws, batch[i]!.frame.clientId, result);
    });
    await this.afterWrites(fresh);
  }

  /** A REST post: the same checks and write as a WebSocket send, one at a time. */
  private async accept(author: OnlineUser, content: string, clientId?: string): Promise<PostResult> {
    const result = this.write(author, content, clientId);
    if (!result.ok || result.duplicate) return result;
    this.sockets.broadcast({ type: "message", message: result.message });
    const [aiReply = false] = await this.afterWrites([result.message]);
    return { ...result, aiReply };
  }

  /** What follows stored (and broadcast) messages, REST or WebSocket: the flush is armed once,
   * and each message may start an AI reply. Returns, per message, whether one was started. */
  private async afterWrites(messages: Message[]): Promise<boolean[]> {
    if (messages.length === 0) return [];
    await this.scheduleFlush();
    const started: boolean[] = [];
    for (const message of messages) started.push(await this.ai.onUserMessage(message));
    return started;
  }

  /**
   * The synchronous part of a send: the checks, then the hot-log write. The SQLite write is
   * synchronous, and the output gate holds every frame and RPC reply sent after it until the
   * write is durable, so nobody hears of a message that could still be lost. The caller
   * broadcasts, once the write can no longer be rolled back.
   */
  private write(author: OnlineUser, content: string, clientId?: string): PostResult {
    if (clientId) {
      const existing = this.log.byClientId(author.id, clientId);
      if (existing) return { ok: true, message: existing, duplicate: true, aiReply: false };
    }
    if (content.trim().length === 0) return { ok: false, code: "invalid_content", message: "A message cannot be empty." };
    // Postgres text cannot hold NUL; refusing it here keeps one bad byte from wedging the flush.
    if (content.includes("\u0000")) return { ok: false, code: "invalid_content", message: "A message cannot contain NUL characters." };
    if (content.length > this.config.maxMessageChars) {
      return { ok: false, code: "invalid_content", message: `A message can be at most ${this.config.maxMessageChars} characters.` };
    }
    const wait = this.takeToken(author.id);
    if (wait > 0) return { ok: false, code: "rate_limited", retryAfterMs: wait };
    const message = this.log.append({
      author: { kind: "user", id: author.id, name: author.displayName },
      content,
      status: "complete",
      clientId,
    });
    metrics.messageAccepted();
    return { ok: true, message, duplicate: false, aiReply: false };
  }

  private takeToken(userId: string): number {
    let bucket = this.buckets.get(userId);
    if (!bucket) this.buckets.set(userId, (bucket = new TokenBucket(this.config.sendBurst, this.config.sendPerSecond)));
    return bucket.take();
  }

  async scheduleFlush(): Promise<void> {
    this.flushLag.dirty();
    if (this.flushArmed) return;
    this.flushArmed = true;
    await this.timers.schedule("flush", Date.now() + this.config.flushDelayMs);
  }

  override async alarm(): Promise<void> {
    try {
      for (const name of this.timers.takeDue()) {
        // One failing handler must not cost the others their turn: it is tried again later.
        try {
          await this.runTimer(name);
        } catch (err) {
          log.error("timer_failed", { roomId: this.room?.roomId, timer: name, error: String(err).slice(0, 300) });
          await this.timers.schedule(name, Date.now() + TIMER_RETRY_MS);
        }
      }
    } finally {
      await this.timers.rearm();
    }
  }

  private async runTimer(name: string): Promise<void> {
    if (name === "flush") {
      this.flushArmed = false;
      return this.flush();
    }
    if (name === "expiry") {
      const next = this.sockets.expire(Date.now());
      this.expiryAt = next ?? Number.POSITIVE_INFINITY;
      if (next !== undefined) await this.timers.schedule("expiry", next);
      return;
    }
    await this.ai.onTimer(name);
  }

  /** The history store, one for the object's lifetime: a Postgres connection is reused
   * across flushes and catch-ups. */
  private history(): Store {
    this.store ??= openStore(this.env);
    return this.store;
  }

  /** Drops what the history store already holds beyond what the room keeps (RoomLog.prune).
   * A failure here costs only the pruning, never the flush. */
  private pruneLog() {
    try {
      // Its own savepoint: a failure part-way leaves every row where it was.
      this.ctx.storage.transactionSync(() => this.log.prune(this.config.hotLogRows, Date.now() - this.config.hotLogMs, PRUNE_BATCH));
    } catch (err) {
      this.log.reload();
      log.error("prune_failed", { roomId: this.room?.roomId, error: String(err).slice(0, 300) });
    }
  }

  /** Copies dirty rows to the history store. Never throws: a failure re-arms the timer with
   * backoff, so the copy is retried until it succeeds (the alarm's own retries give up). */
  private async flush(): Promise<void> {
    const batch = this.log.dirty(FLUSH_BATCH);
    if (batch.length === 0 || !this.room) return;
    const store = this.history();
    const since = this.flushLag.begin(batch);
    try {
      const now = Date.now();
      const rows = batch.map(({ message }) => fromMessage(message, now));
      const stored = await store.messages.upsert(this.room.roomId, rows);
      // A missing room (deleted meanwhile) also counts as done: there is nowhere to keep it.
      this.log.markFlushed(batch.map(({ message, version }) => ({ seq: message.seq, version })));
      // In the same commit: what the store now holds need not stay here too (and nothing
      // goes if the store did not take the rows).
      if (stored) this.pruneLog();
      this.flushFailures = 0;
      this.flushLag.end(since, true, batch.length === FLUSH_BATCH);
      // A full batch means a backlog: go again at once. Otherwise (e.g. a reply still
      // streaming) wait the usual delay rather than rewriting the same row back to back.
      if (this.log.hasDirty()) {
        this.flushArmed = true;
        await this.timers.schedule("flush", Date.now() + (batch.length === FLUSH_BATCH ? 0 : this.config.flushDelayMs));
      }
    } catch (err) {
      this.flushFailures++;
      this.flushLag.end(since, false, true);
      const delay = Math.min(60_000, 500 * 2 ** Math.min(this.flushFailures, 7));
      log.error("flush_failed", {
        roomId: this.room.roomId,
        attempt: this.flushFailures,
        retryInMs: delay,
        error: String(err).slice(0, 500),
      });
      this.flushArmed = true;
      await this.timers.schedule("flush", Date.now() + delay);
    }
  }
}

/** The subprotocol to answer with: a browser that offered some (the token travels as one, see
 * worker/auth/middleware.ts) fails the connection unless the server picks one of them. */
function subprotocol(request: Request): HeadersInit | undefined {
  return offeredProtocols(request.headers.get("Sec-WebSocket-Protocol")).includes(WS_PROTOCOL)
    ? { "Sec-WebSocket-Protocol": WS_PROTOCOL }
    : undefined;
}

/** The room `roomId`'s object: the one place its name becomes an id. */
export function chatRoom(env: Pick<Env, "CHAT_ROOM">, roomId: string) {
  return env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(roomId));
}

function answerSend(ws: WebSocket, clientId: string, result: PostResult) {
  if (result.ok) return send(ws, { type: "ack", clientId, seq: result.message.seq });
  if (result.code === "rate_limited") return send(ws, { type: "rate_limited", retryAfterMs: result.retryAfterMs, clientId });
  send(ws, { type: "error", code: result.code, message: result.message, clientId });
}

/** Whether a frame is over 64 KiB. A string is only encoded when it could be (a UTF-16 code
 * unit is at most 3 bytes of UTF-8), which almost no frame is. */
function overFrameLimit(data: string | ArrayBuffer): boolean {
  if (typeof data !== "string") return data.byteLength > MAX_FRAME_BYTES;
  return data.length * 3 > MAX_FRAME_BYTES && new TextEncoder().encode(data).byteLength > MAX_FRAME_BYTES;
}
