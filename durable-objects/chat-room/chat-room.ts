// ChatRoom: one object per room, the room's single writer. It assigns every message its
// gap-free seq, stores it in its own SQLite before anyone is told (acked means durable),
// fans it out to the room's hibernating WebSockets, and copies it to the history store
// behind the scenes (write-behind flush driven by an alarm, idempotent on (room_id, seq)).
// This class is the composition: each capability is a file of its own in this folder, and
// the methods here are the object's RPC surface and the runtime's entry points.
import { DurableObject } from "cloudflare:workers";
import type { GenerateJob } from "../../shared/jobs";
import type { Message, OnlineUser } from "../../shared/wire";
import type { Begun, Turn } from "./ai";
import { runTimers } from "./alarms";
import { EXPIRY_TIMER } from "./connections";
import { dispatch } from "./dispatch";
import { FLUSH_TIMER } from "./flush";
import type { MemberListUpdate } from "./member-list";
import { MEMBER_UPDATES_TIMER } from "./member-updates";
import type { Reader, RoomConfig, Stale } from "./membership";
import type { Notice } from "./notices";
import { composeRoom, type RoomParts } from "./parts";
import type { PostResult } from "./sends";
import { UPLOADS_TIMER, type Upload } from "./uploads";

export type { ActionError, Begun } from "./ai";
export { IDENTITY_HEADER, type Identity } from "./connections";
export type { EditResult } from "./edits";
export type { MemberListUpdate } from "./member-list";
export type { RoomConfig } from "./membership";
export type { Notice } from "./notices";
export type { PostResult } from "./sends";
export type { Upload } from "./uploads";

export class ChatRoom extends DurableObject<Env> {
  private readonly p: RoomParts;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.p = composeRoom(ctx, env);
    // Answered by the runtime without waking the object: keeps idle sockets hibernating.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  /** The room's AI replies (tests reach in through it). */
  get ai() {
    return this.p.ai;
  }

  // ---- RPC from the Worker ---------------------------------------------------------------

  /** Records the room's settings (on create and every change), and a notice per change made. */
  async configure(room: RoomConfig, notices: readonly Notice[] = []): Promise<void> {
    this.p.membership.configure(room);
    await this.p.notify(notices);
  }

  /** A message posted over REST; the same path as a WebSocket `send`. */
  async post(room: RoomConfig, author: OnlineUser, content: string, clientId?: string, attachments?: string[]): Promise<PostResult> {
    this.p.membership.configure(room);
    this.p.membership.know(author);
    // The Worker has just read this member from the store: if the copy is failing, it need
    // not wait out its backoff.
    await this.p.flush.wake();
    return this.p.sends.post(author, { content, clientId, attachments });
  }

  /** A REST post while the history store is down (the Worker could not read the membership):
   * accepted, as `post`, from a member this room knows; null for anyone else. */
  async postKnown(author: OnlineUser, content: string, clientId?: string, attachments?: string[]): Promise<PostResult | null> {
    if (!this.p.membership.vouchesFor(author.id)) return null;
    return this.p.sends.post(author, { content, clientId, attachments });
  }

  /** The latest page from the room's own log while the store is down, for a member it knows. */
  recentFor(userId: string, limit: number): { messages: Message[]; hasMore: boolean; lastChange: number } | null {
    if (!this.p.membership.vouchesFor(userId)) return null;
    const messages = this.p.log.upTo(this.p.log.lastSeq, limit);
    return { messages, hasMore: (messages[0]?.seq ?? 1) > 1, lastChange: this.p.changes.last() };
  }

  /** An upload whose bytes are in R2 (worker/routes/attachments.ts), for a later send to carry. */
  async registerUpload(room: RoomConfig, upload: Upload): Promise<void> {
    this.p.membership.configure(room);
    await this.p.uploads.register(upload);
  }

  /** Deletes uploads no message carries that are older than ATTACHMENT_UNSENT_HOURS at `now`. */
  sweepUploads(now?: number): Promise<number> {
    return this.p.uploads.sweep(now);
  }

  /** The history store answers again: a flush waiting out its backoff runs now (true if one was). */
  wake(): Promise<boolean> {
    return this.p.flush.wake();
  }

  /** Messages the history store may not have yet (read-your-writes for REST reads) and the last
   * change number (every change up to it is in these or in the store); refused as upgrades are. */
  unflushed(reader: Reader, afterSeq: number, beforeSeq: number): { messages: Message[]; lastChange: number } | { refused: Stale } {
    const refused = this.p.membership.staleRead(reader.userId, reader.checkedAt);
    return refused ? { refused } : { messages: this.p.log.dirtyBetween(afterSeq, beforeSeq), lastChange: this.p.changes.last() };
  }

  lastSeq(): number {
    return this.p.log.lastSeq;
  }

  /** Stops an AI reply that is streaming (REST; the WebSocket frame does the same). */
  stopReply(seq: number) {
    return this.ai.stop(seq);
  }

  /** Regenerating costs a generation: the asker's send limit and AI budget pay for it. */
  regenerateReply(seq: number, user: OnlineUser) {
    return this.p.regenerate(seq, user);
  }

  /** An author's edit (REST; the `edit` frame does the same). */
  editMessage(room: RoomConfig, user: OnlineUser, seq: number, content: string) {
    this.p.membership.configure(room, true);
    return this.p.edits.edit(user, seq, content);
  }

  /** A delete by the author or the room's owner (REST; the `delete` frame does the same). */
  deleteMessage(room: RoomConfig, user: OnlineUser, seq: number) {
    this.p.membership.configure(room, true);
    return this.p.edits.remove(user, seq);
  }

  /** Which version of a regenerated reply everyone sees (REST; `select_version` frame). */
  selectVersion(user: OnlineUser, seq: number, version: number) {
    return this.p.edits.select(user, seq, version);
  }

  /** For `POST .../messages?wait=true`: the AI's final reply to `seq`, or null on timeout. */
  waitForReply(seq: number, timeoutMs: number) {
    return this.ai.waitForReply(seq, timeoutMs);
  }

  /** Sessions of `userId` ended: their sockets here close with 4001 (4002 when `refreshed`). */
  endSessions(userId: string, sids: string[], refreshed = false): number {
    return this.p.sockets.closeSessions(userId, sids, refreshed);
  }

  /** The room's members: all (on create), one added (member-list.ts), removed (their sockets close
   * with 4003: membership.ts) or renamed (connections.ts); notices saying so; the seq before them. */
  async updateMembers(update: MemberListUpdate | { renamed: OnlineUser }, notices: readonly Notice[] = []): Promise<number> {
    if ("remove" in update) this.p.membership.kick(update.remove);
    else if ("renamed" in update) this.p.connections.renamed(update.renamed);
    else this.p.members.apply(update);
    return this.p.notify(notices);
  }

  /** The room was deleted: every socket closes with 4004; only a tombstone is kept. */
  async destroy(): Promise<void> {
    const roomId = this.p.membership.room?.roomId;
    await this.p.membership.destroy();
    if (roomId) this.p.flush.forget(roomId);
  }

  // ---- RPC from the generate queue's consumers (worker/queue; ai.ts); none once deleted ---
  private gone = () => this.p.membership.room === null;

  async beginReply(jobId: string, turn?: Turn): Promise<Begun> {
    return this.gone() ? { ok: false, reason: "room deleted" } : this.ai.begin(jobId, turn);
  }

  appendReply(jobId: string, attempt: string, text: string) {
    return !this.gone() && this.ai.append(jobId, attempt, text);
  }

  replyAlive(jobId: string, attempt: string) {
    return !this.gone() && this.ai.alive(jobId, attempt);
  }

  replyRetrying(jobId: string, attempt: string, retryAt: number, reason: string) {
    if (!this.gone()) this.ai.retrying(jobId, attempt, retryAt, reason);
  }

  async finishReply(jobId: string, attempt: string | null, outcome: { status: "complete" } | { status: "error"; error: string }) {
    if (!this.gone()) await this.ai.finish(jobId, attempt, outcome);
  }

  async holdJob(job: GenerateJob, at: number) {
    if (!this.gone()) await this.ai.holdJob(job, at);
  }

  // ---- The runtime's entry points ---------------------------------------------------------

  override fetch(request: Request): Promise<Response> {
    return this.p.connections.upgrade(request);
  }

  override webSocketMessage(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    return dispatch(ws, data, this.p.frames);
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    this.p.sends.forget(ws);
    this.p.connections.closed(ws, code, reason);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    this.p.connections.closed(ws, 1011, "Connection error");
  }

  override alarm(): Promise<void> {
    return runTimers(
      this.p.timers,
      this.p.membership.room?.roomId,
      {
        [FLUSH_TIMER]: () => this.p.flush.due(),
        [EXPIRY_TIMER]: () => this.p.connections.expire(),
        [MEMBER_UPDATES_TIMER]: () => this.p.memberUpdates.run(),
        [UPLOADS_TIMER]: async () => void (await this.p.uploads.sweep()),
      },
      (name) => this.ai.onTimer(name),
    );
  }
}

/** The room `roomId`'s object: the one place its name becomes an id. */
export function chatRoom(env: Pick<Env, "CHAT_ROOM">, roomId: string) {
  return env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(roomId));
}
