// The room's members as far as the room object was told, in one table (`members`) and a map
// beside it: the whole list the Worker hands over when it creates the room, each member it
// adds or removes later, and everyone whose membership it checked for an upgrade or a post
// (their row is added if missing). Two readers: the member updates (member-updates.ts) need
// the whole list, so a room that was never handed it (one older than the handover) reads it
// from the history store once (fill); and while that store is down, the room lets in anyone
// listed here (membership.ts). Removals also reach membership.ts, which remembers them.
/** A member as the room needs them: whom to tell, and the name a mention uses. */
export type RoomMember = { userId: string; username: string };
/** What the Worker reports: the whole list (a new room), or one member added or removed. */
export type MemberListUpdate = { set: RoomMember[] } | { add: RoomMember } | { remove: string };

/** The `meta` row that says the table holds every member, not only those seen so far. (Not
 * the old list's `members_loaded`, which the merge removes: an older version run again reads
 * its list from the history store instead of trusting an empty table.) */
const COMPLETE = "members_whole";

export class MemberList {
  /** user id -> username: the table, read once. */
  private readonly byId = new Map<string, string>();
  private complete = false;
  /** Bumped by every change, so a store read that started before one is not kept (fill). */
  private changes = 0;

  constructor(private readonly sql: SqlStorage) {
    this.open();
  }

  /** Whether the room was told that `userId` is a member. */
  has(userId: string): boolean {
    return this.byId.has(userId);
  }

  /** The Worker checked this member's membership (an upgrade, a post). */
  vouch(member: RoomMember): void {
    if (this.byId.get(member.userId) === member.username) return;
    this.changes++;
    this.put(member);
  }

  /** The Worker created the room, or added or removed a member. */
  apply(update: MemberListUpdate): void {
    if ("remove" in update) {
      this.remove(update.remove);
      return;
    }
    this.changes++;
    if ("set" in update) this.replace(update.set);
    else this.put(update.add);
  }

  remove(userId: string): void {
    // Counted even for someone not listed: a store read in flight may still name them.
    this.changes++;
    if (this.byId.delete(userId)) this.sql.exec("DELETE FROM members WHERE user_id = ?", userId);
  }

  /** Every member, or undefined while the room was never handed the whole list. */
  all(): RoomMember[] | undefined {
    return this.complete ? [...this.byId].map(([userId, username]) => ({ userId, username })) : undefined;
  }

  /** How many members there are; Infinity while the whole list is not known. */
  count(): number {
    return this.complete ? this.byId.size : Number.POSITIVE_INFINITY;
  }

  /** A mark to hand back to fill(). */
  get version(): number {
    return this.changes;
  }

  /** The whole list, read from the history store, kept unless the list changed since
   * `version` was taken (a change made during the read may be missing from it). */
  fill(members: RoomMember[], version: number): boolean {
    if (version !== this.changes) return false;
    this.replace(members);
    return true;
  }

  /** The room's storage was wiped (deleted): start empty. */
  reset(): void {
    this.byId.clear();
    this.complete = false;
    this.changes++;
    this.open();
  }

  private replace(members: RoomMember[]) {
    this.sql.exec("DELETE FROM members");
    this.byId.clear();
    for (const m of members) this.put(m);
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')", COMPLETE);
    this.complete = true;
  }

  private put(m: RoomMember) {
    this.byId.set(m.userId, m.username);
    this.sql.exec("INSERT OR REPLACE INTO members (user_id, username) VALUES (?, ?)", m.userId, m.username);
  }

  private open() {
    this.sql.exec("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
    this.sql.exec("CREATE TABLE IF NOT EXISTS members (user_id TEXT PRIMARY KEY, username TEXT NOT NULL)");
    this.mergeOldTables();
    for (const r of this.sql.exec<{ user_id: string; username: string }>("SELECT user_id, username FROM members")) {
      this.byId.set(r.user_id, r.username);
    }
    this.complete = this.sql.exec("SELECT 1 FROM meta WHERE key = ?", COMPLETE).toArray().length > 0;
  }

  /** Rooms from before this table kept two lists: `member_list` (the handed-over one, whole
   * when `members_loaded` was set) and `known` (members seen by an upgrade or a post, ids
   * only). Merged here once. */
  private mergeOldTables() {
    const old = new Set(
      this.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('member_list', 'known')")
        .toArray()
        .map((r) => r.name),
    );
    if (old.size === 0) return;
    const whole = this.sql.exec("SELECT 1 FROM meta WHERE key = 'members_loaded'").toArray().length > 0;
    if (old.has("member_list")) {
      this.sql.exec("INSERT OR IGNORE INTO members (user_id, username) SELECT user_id, username FROM member_list");
      this.sql.exec("DROP TABLE member_list");
    }
    // A whole list already names every member; a `known` id missing from it was removed (or its
    // addition never arrived): not a member to keep. Otherwise the ids are what the room has, with
    // no username (a mention needs one only once the list is whole, read from the store).
    if (old.has("known")) {
      if (!whole) this.sql.exec("INSERT OR IGNORE INTO members (user_id, username) SELECT user_id, '' FROM known");
      this.sql.exec("DROP TABLE known");
    }
    if (whole) this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')", COMPLETE);
    this.sql.exec("DELETE FROM meta WHERE key = 'members_loaded'");
  }
}
