// ChatRoom: one object per room, the room's single writer. It assigns every message its
// gap-free seq, stores it in its own SQLite before anyone is told (acked means durable),
// fans it out to the room's hibernating WebSockets, and copies it to the history store
// behind the scenes (write-behind flush driven by an alarm, idempotent on (room_id, seq)).
// This class is the composition: each capability is a file of its own in this folder, and
// the methods here are the object's RPC surface and the runtime's entry points.
import { DurableObject } from "cloudflare:workers";
import { readConfig } from "../../shared/config";
import type { GenerateJob } from "../../shared/jobs";
import { openStore, type Store } from "../../shared/store";
import type { Message, OnlineUser } from "../../shared/wire";
import { RoomAi } from "./ai";
import { runTimers } from "./alarms";
import { CatchUp } from "./catch-up";
import { Changes } from "./changes";
import { Connections, EXPIRY_TIMER } from "./connections";
import { dispatch } from "./dispatch";
import { Edits } from "./edits";
import { FLUSH_TIMER, Flush } from "./flush";
import { Membership, type RoomConfig } from "./membership";
import { RoomLog } from "./room-log";
import { type PostResult, Sends } from "./sends";
import { RoomSockets } from "./sockets";
import { Timers } from "./timers";

export type { ActionError, Begun } from "./ai";
export { IDENTITY_HEADER, type Identity } from "./connections";
export type { EditResult } from "./edits";
export type { RoomConfig } from "./membership";
export type { PostResult } from "./sends";

export class ChatRoom extends DurableObject<Env> {
  readonly ai: RoomAi;
  private readonly log: RoomLog;
  private readonly sockets: RoomSockets;
  private readonly timers: Timers;
  private readonly membership: Membership;
  private readonly connections: Connections;
  private readonly sends: Sends;
  private readonly catchUp: CatchUp;
  private readonly flush: Flush;
  private readonly edits: Edits;
  private readonly changes: Changes;
  /** The history store, one for the object's lifetime: a Postgres connection is reused across
   * flushes and catch-ups. */
  private store?: Store;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const config = readConfig(env);
    const history = () => (this.store ??= openStore(this.env));
    this.sockets = new RoomSockets(ctx);
    this.membership = new Membership(ctx, this.sockets);
    const room = () => this.membership.room;
    this.log = new RoomLog(ctx.storage.sql, () => room()?.roomId ?? "");
    this.timers = new Timers(ctx.storage);
    this.flush = new Flush(ctx, config, this.log, this.timers, this.membership, history);
    const changes = (this.changes = new Changes(ctx.storage.sql));
    this.ai = new RoomAi(
      env,
      this.log,
      this.timers,
      (f) => this.sockets.broadcast(f),
      room,
      () => this.flush.schedule(),
      ctx.storage.sql,
      changes,
    );
    this.connections = new Connections(ctx, this.sockets, this.membership, this.timers);
    this.sends = new Sends(ctx, config, this.log, this.sockets, this.membership, (messages) => this.afterWrites(messages));
    this.catchUp = new CatchUp(this.log, this.sockets, this.membership, history, changes);
    this.edits = new Edits(this.log, changes, this.membership, history, {
      broadcast: (f) => this.sockets.broadcast(f),
      takeToken: (userId) => this.sends.takeToken(userId),
      flushSoon: () => this.flush.schedule(),
      replyBusy: (seq) => this.ai.writing(seq),
      maxChars: config.maxMessageChars,
    });
    // Answered by the runtime without waking the object: keeps idle sockets hibernating.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  // ---- RPC from the Worker ---------------------------------------------------------------

  /** Records the room's settings (called on create and on every change). */
  configure(room: RoomConfig, onlyNewer = false): void {
    this.membership.configure(room, onlyNewer);
  }

  /** A message posted over REST; the same path as a WebSocket `send`. */
  async post(room: RoomConfig, author: OnlineUser, content: string, clientId?: string): Promise<PostResult> {
    this.membership.configure(room);
    return this.sends.post(author, content, clientId);
  }

  /** Messages the history store may not have yet (read-your-writes for REST pages), and the
   * room's last change number: every change up to it is in these or in the store already. */
  unflushed(afterSeq: number, beforeSeq: number): { messages: Message[]; lastChange: number } {
    return { messages: this.log.dirtyBetween(afterSeq, beforeSeq), lastChange: this.changes.last() };
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
    const wait = this.sends.takeToken(userId);
    if (wait > 0) return { code: "rate_limited", message: `Too many requests; try again in ${Math.ceil(wait / 1000)} s.` };
    return this.ai.regenerate(seq);
  }

  /** An author's edit (REST; the `edit` frame does the same). */
  editMessage(room: RoomConfig, user: OnlineUser, seq: number, content: string) {
    this.membership.configure(room, true);
    return this.edits.edit(user, seq, content);
  }

  /** A delete by the author or the room's owner (REST; the `delete` frame does the same). */
  deleteMessage(room: RoomConfig, user: OnlineUser, seq: number) {
    this.membership.configure(room, true);
    return this.edits.remove(user, seq);
  }

  /** Which version of a regenerated reply everyone sees (REST; `select_version` frame). */
  selectVersion(user: OnlineUser, seq: number, version: number) {
    return this.edits.select(user, seq, version);
  }

  /** For `POST .../messages?wait=true`: the AI's final reply to `seq`, or null on timeout. */
  waitForReply(seq: number, timeoutMs: number) {
    return this.ai.waitForReply(seq, timeoutMs);
  }

  /** A member was removed: their sockets close with 4003 (see membership.ts). */
  kick(userId: string): void {
    this.membership.kick(userId);
  }

  /** The room was deleted: every socket closes with 4004; only a tombstone is kept. */
  destroy(): Promise<void> {
    return this.membership.destroy();
  }

  // ---- RPC from the generate queue's consumers (worker/queue; see ai.ts) ------------------

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

  // ---- The runtime's entry points ---------------------------------------------------------

  override fetch(request: Request): Promise<Response> {
    return this.connections.upgrade(request);
  }

  override webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    return dispatch(ws, data, {
      sockets: this.sockets,
      hello: (ws, info, afterSeq, afterChange) => this.catchUp.hello(ws, info, afterSeq, afterChange),
      send: (ws, user, frame) => this.sends.enqueue(ws, user, frame),
      typing: (ws, user) => this.connections.typing(ws, user),
      stop: (seq) => this.ai.stop(seq),
      regenerate: (seq, userId) => this.regenerateReply(seq, userId),
      edit: (user, seq, content) => this.edits.edit(user, seq, content),
      remove: (user, seq) => this.edits.remove(user, seq),
      selectVersion: (user, seq, version) => this.edits.select(user, seq, version),
    });
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    this.connections.closed(ws, code, reason);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.connections.closed(ws, 1011, "Connection error");
  }

  override alarm(): Promise<void> {
    return runTimers(
      this.timers,
      this.membership.room?.roomId,
      { [FLUSH_TIMER]: () => this.flush.run(), [EXPIRY_TIMER]: () => this.connections.expire() },
      (name) => this.ai.onTimer(name),
    );
  }

  /** What follows stored (and broadcast) messages, REST or WebSocket: the flush is armed once,
   * and each message may start an AI reply. Returns, per message, whether one was started. */
  private async afterWrites(messages: Message[]): Promise<boolean[]> {
    if (messages.length === 0) return [];
    await this.flush.schedule();
    const started: boolean[] = [];
    for (const message of messages) started.push(await this.ai.onUserMessage(message));
    return started;
  }
}

/** The room `roomId`'s object: the one place its name becomes an id. */
export function chatRoom(env: Pick<Env, "CHAT_ROOM">, roomId: string) {
  return env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(roomId));
}
