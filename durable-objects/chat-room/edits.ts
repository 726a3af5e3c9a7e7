// People's changes to messages already written, through the room's single writer: an author's
// edit (new content under the same seq, marked edited), a delete (a tombstone under the same
// seq: no content, no versions; by the author or the room's owner), and the choice of which
// version of a regenerated AI reply everyone sees. A row the room still keeps is changed there
// and reaches the history store with the next flush (its version is bumped, so a flush racing
// the change copies it again); a row already pruned is changed in the store directly, awaited
// before anyone is told. Each change gets a change number (changes.ts) and is broadcast as
// `message_updated`. Edits and deletes draw on the author's send budget. A room whose title was
// taken from an edited or deleted message follows it (title.ts).
import type { Store } from "../../shared/store";
import type { Message, OnlineUser, ServerFrame } from "../../shared/wire";
import { type Changes, updatedFrame } from "./changes";
import type { Membership } from "./membership";
import type { RoomLog } from "./room-log";
import { contentError } from "./sends";

export type EditErrorCode = "not_found" | "forbidden" | "invalid_content" | "invalid_version" | "rate_limited" | "deleted" | "busy";
export type EditResult = { ok: true; message: Message } | { ok: false; code: EditErrorCode; message: string; retryAfterMs?: number };

/** What an edit needs from the rest of the room. */
export type EditHooks = {
  broadcast(frame: ServerFrame): void;
  /** 0, or the ms until `userId` may act again (the send budget). */
  takeToken(userId: string): number;
  flushSoon(): Promise<void>;
  /** Whether an AI reply is being written into `seq` (it cannot be deleted or flipped then). */
  replyBusy(seq: number): boolean;
  /** A message became a tombstone: what it carried (its attachments) goes too. */
  deleted(message: Message): Promise<void>;
  /** A message was edited or deleted: a room named after it follows (title.ts), and an edit may
   * wake the AI (RoomAi.onUserMessage). */
  changed(roomId: string, before: Message, after: Message): Promise<void>;
  maxChars: number;
};

type Found = { ok: true; message: Message; hot: boolean } | { ok: false; code: "not_found"; message: string };
type Patch = { content: string; editedAt?: number; deletedAt?: number };

const fail = (code: EditErrorCode, message: string): EditResult => ({ ok: false, code, message });

export class Edits {
  constructor(
    private readonly log: RoomLog,
    private readonly changes: Changes,
    private readonly membership: Membership,
    private readonly history: () => Store,
    private readonly hooks: EditHooks,
  ) {}

  /** The author's new content for `seq`. The same content again changes nothing. */
  async edit(user: OnlineUser, seq: number, content: string): Promise<EditResult> {
    const found = await this.find(seq);
    if (!found.ok) return found;
    const m = found.message;
    if (m.deletedAt) return fail("deleted", "That message was deleted.");
    if (m.author.kind !== "user" || m.author.id !== user.id) return fail("forbidden", "Only its author can edit a message.");
    const invalid = contentError(content, this.hooks.maxChars);
    if (invalid) return fail("invalid_content", invalid);
    if (content === m.content) return { ok: true, message: m };
    const result = this.limited(user.id) ?? (await this.apply(seq, found.hot, { content, editedAt: Date.now() }));
    await this.changed(result, m);
    return result;
  }

  /** Deletes `seq`, leaving a tombstone. Deleting a tombstone again changes nothing. */
  async remove(user: OnlineUser, seq: number): Promise<EditResult> {
    const found = await this.find(seq);
    if (!found.ok) return found;
    const m = found.message;
    if (m.deletedAt) return { ok: true, message: m };
    const own = m.author.kind === "user" && m.author.id === user.id;
    if (!own && this.membership.room?.ownerId !== user.id) {
      return fail("forbidden", "Only its author or the room's owner can delete a message.");
    }
    if (this.hooks.replyBusy(seq)) return fail("busy", "That reply is being written; stop it first.");
    const result = this.limited(user.id) ?? (await this.apply(seq, found.hot, { content: "", deletedAt: Date.now() }));
    await this.changed(result, m);
    if (result.ok) await this.hooks.deleted(m);
    return result;
  }

  /** What follows a change to `before` (see EditHooks.changed). */
  private async changed(result: EditResult, before: Message) {
    const roomId = this.membership.room?.roomId;
    if (result.ok && roomId) await this.hooks.changed(roomId, before, result.message);
  }

  /** Makes version `version` of the AI reply `seq` the one everyone sees (and the AI reads). */
  async select(user: OnlineUser, seq: number, version: number): Promise<EditResult> {
    const m = seq >= this.log.firstSeq ? this.log.get(seq) : undefined;
    if (!m?.versions || m.version === undefined) return fail("not_found", "No AI reply with versions at that seq.");
    if (version > m.versions.length) return fail("invalid_version", `That reply has ${m.versions.length} versions.`);
    if (this.hooks.replyBusy(seq)) return fail("busy", "A version of that reply is being written; stop it first.");
    if (version === m.version) return { ok: true, message: m };
    const limited = this.limited(user.id);
    if (limited) return limited;
    const message = this.log.selectVersion(seq, version);
    if (!message) return fail("not_found", "No AI reply with versions at that seq.");
    this.announce(message);
    await this.hooks.flushSoon();
    return { ok: true, message };
  }

  /** Tells every socket that `message` changed, with the next change number. */
  announce(message: Message): void {
    this.hooks.broadcast(updatedFrame(message, this.changes.record(message.seq)));
  }

  /** The message at `seq`, from the room's log or (when pruned) the history store. */
  private async find(seq: number): Promise<Found> {
    const missing = { ok: false, code: "not_found", message: "No message with that seq." } as const;
    if (seq > this.log.lastSeq) return missing;
    if (seq >= this.log.firstSeq) {
      const message = this.log.get(seq);
      return message ? { ok: true, message, hot: true } : missing;
    }
    const roomId = this.membership.room?.roomId;
    const message = roomId ? await this.history().messages.get(roomId, seq) : null;
    return message ? { ok: true, message, hot: false } : missing;
  }

  private limited(userId: string): EditResult | undefined {
    const wait = this.hooks.takeToken(userId);
    return wait > 0 ? { ok: false, code: "rate_limited", message: "Too many changes; wait a moment.", retryAfterMs: wait } : undefined;
  }

  private async apply(seq: number, hot: boolean, patch: Patch): Promise<EditResult> {
    let message: Message | null | undefined;
    if (hot) {
      // Written and announced in one turn: the write and the change number commit together.
      message = this.log.revise(seq, patch);
      if (message) this.announce(message);
      await this.hooks.flushSoon();
    } else {
      const roomId = this.membership.room?.roomId ?? "";
      message = await this.history().messages.revise(roomId, seq, patch);
      if (message) this.announce(message);
    }
    return message ? { ok: true, message } : fail("not_found", "No message with that seq.");
  }
}
