// Who the room is and who may be in it, as far as the room object knows: its settings (the AI
// character and mode, handed over by the Worker on every create, change, post and upgrade),
// the members removed in the last ten minutes, and whether the room was deleted. The Worker
// checks membership before an upgrade, sometimes against a copy of the member list up to a
// minute old (worker/routes/room-access.ts); what that copy could have missed, a removal or
// the deletion, is known here, so such an upgrade is refused by the object. All of it lives in
// SQLite (the `meta` and `removed` tables) and survives eviction. While the history store is
// down and the Worker cannot read the member list, the room's own list (member-list.ts) lets
// its members in; anyone else is told to retry (1013).
import { type AiMode, CloseCode } from "../../shared/wire";
import type { MemberList } from "./member-list";
import type { RoomSockets } from "./sockets";

/** What the room object knows of its room's settings. */
/** Who reads the room over REST, and when the Worker read their membership. */
export type Reader = { userId: string; checkedAt: number };
/** Why such a read is refused: the reader was removed since, or the room was deleted. */
export type Stale = "removed" | "deleted";

export type RoomConfig = {
  roomId: string;
  characterId: string | null;
  characterName: string | null;
  aiMode: AiMode;
  /** Who owns the room: they may delete anyone's message. */
  ownerId?: string;
  /** The room's updatedAt (epoch ms): an older config never replaces a newer one. */
  version?: number;
};

/** How long a removal is remembered for upgrades checked against an older member list. */
const REMEMBER_REMOVALS_MS = 10 * 60_000;

export class Membership {
  private current: RoomConfig | null;
  private currentJson: string | null;
  /** Deleted: only the tombstone is left (see destroy()). */
  private deleted: boolean;
  /** user id -> when they were removed, for the last REMEMBER_REMOVALS_MS (the removed table).
   * Every upgrade checks it: read once, kept beside the table. */
  private readonly removedAt: Map<string, number>;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly sockets: RoomSockets,
    private readonly members: MemberList,
  ) {
    this.createTables();
    const sql = ctx.storage.sql;
    this.deleted = sql.exec("SELECT 1 FROM meta WHERE key = 'deleted'").toArray().length > 0;
    this.removedAt = new Map(
      sql
        .exec<{ user_id: string; at: number }>("SELECT user_id, at FROM removed")
        .toArray()
        .map((r) => [r.user_id, r.at]),
    );
    const [row] = sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'room'").toArray();
    this.current = row ? (JSON.parse(row.value) as RoomConfig) : null;
    this.currentJson = row?.value ?? null;
  }

  /** The room's settings; null until the Worker first configured the object (or after deletion). */
  get room(): RoomConfig | null {
    return this.current;
  }

  /** Records the room's settings. `onlyNewer`: for settings that may come from a Worker's cached
   * copy (WebSocket upgrades). */
  configure(room: RoomConfig, onlyNewer = false): void {
    // Every post and upgrade carries the settings its request read; one that started before
    // a PATCH must not undo it.
    const current = this.current && this.current.roomId === room.roomId ? (this.current.version ?? 0) : Number.NEGATIVE_INFINITY;
    if ((room.version ?? 0) < current || (onlyNewer && (room.version ?? 0) === current)) return;
    const json = JSON.stringify(room);
    // Most calls repeat what is stored: skip the write (and the output gate's wait for it).
    if (json === this.currentJson) return;
    this.current = room;
    this.currentJson = json;
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('room', ?)", json);
  }

  /** Why an upgrade whose membership was read at `checkedAt` (or, `unverified`, could not be
   * read at all) must be closed, if it must. */
  refusal(userId: string, checkedAt: number, unverified = false): [code: number, reason: string] | undefined {
    if (this.deleted) return [CloseCode.roomDeleted, "This room was deleted"];
    if ((this.removedAt.get(userId) ?? Number.NEGATIVE_INFINITY) >= checkedAt)
      return [CloseCode.removed, "You were removed from this room"];
    if (unverified && !this.members.has(userId)) return [CloseCode.overloaded, "Message history is briefly unavailable; try again shortly"];
    return undefined;
  }

  /** Why a REST read whose membership was read at `checkedAt` (perhaps from a Worker's cached
   * member list) must be refused, if it must: as refusal() does for upgrades. */
  staleRead(userId: string, checkedAt: number): Stale | undefined {
    const refusal = this.refusal(userId, checkedAt);
    return refusal && (refusal[0] === CloseCode.roomDeleted ? "deleted" : "removed");
  }

  /** Whether the room itself can vouch for `userId` while the store cannot (an outage): it knows
   * its settings and this member, who was not removed, and the room was not deleted. */
  vouchesFor(userId: string): boolean {
    return Boolean(this.room) && !this.refusal(userId, 0, true);
  }

  /** Records a member whose membership the Worker checked (an upgrade, a post), unless they
   * were removed lately: a post whose check came before the removal must not list them again
   * (a member added back is listed by the Worker's own update). */
  know(user: { id: string; username: string }): void {
    if (this.removedAt.has(user.id)) return;
    this.members.vouch({ userId: user.id, username: user.username });
  }

  /** A member was removed: their open sockets close with a code the client can explain, and an
   * upgrade checked against an older member list is refused (see refusal()). */
  kick(userId: string): void {
    const now = Date.now();
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO removed (user_id, at) VALUES (?, ?)", userId, now);
    // Long past any Worker's cached member list (a minute): nothing left to refuse.
    this.ctx.storage.sql.exec("DELETE FROM removed WHERE at < ?", now - REMEMBER_REMOVALS_MS);
    this.removedAt.set(userId, now);
    this.members.remove(userId);
    for (const [id, at] of this.removedAt) if (at < now - REMEMBER_REMOVALS_MS) this.removedAt.delete(id);
    this.sockets.closeUser(userId, CloseCode.removed, "You were removed from this room");
  }

  /** The room was deleted: close every socket and drop all state but a tombstone, which refuses
   * the upgrades a Worker's cached copy of the room could still send here. */
  async destroy(): Promise<void> {
    this.sockets.closeAll(CloseCode.roomDeleted, "This room was deleted");
    this.current = null;
    this.currentJson = null;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.removedAt.clear();
    this.members.reset();
    this.createTables();
    this.ctx.storage.sql.exec("INSERT INTO meta (key, value) VALUES ('deleted', '1')");
    this.deleted = true;
  }

  /** `meta` also holds the AI's follow-ups and held retries (see ai.ts). */
  private createTables() {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS removed (user_id TEXT PRIMARY KEY, at INTEGER NOT NULL)");
  }
}
