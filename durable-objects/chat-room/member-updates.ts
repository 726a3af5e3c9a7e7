// What the room tells its members' channels (user-channel/), coalesced so that a room never
// pays per member for every message: a message only arms one timer; when it rings (at most
// about once a second, the first soon after a quiet spell) every member gets one `activity`
// frame with the room's newest seq and message, plus the newest message since the last round
// that mentions them by @username. Members with a socket open in this room get nothing: their
// tab sees the messages themselves. The member list is kept in this object's SQLite: the Worker
// hands it over when it creates the room and reports each member added or removed
// (updateMembers); a room older than that reads it from the history store on first need. The
// pending mentions and the last round's time are in memory only (an eviction loses at most the
// mentions of one round).
import type { Store } from "../../shared/store";
import type { ChannelFrame, Message } from "../../shared/wire";
import type { RoomConfig } from "./membership";
import type { RoomLog } from "./room-log";
import type { RoomSockets } from "./sockets";
import type { Timers } from "./timers";

export const MEMBER_UPDATES_TIMER = "member-updates";
/** At most one round per this long: the per-member cost of a busy room. */
export const MEMBER_UPDATES_EVERY_MS = 1000;
/** After a quiet spell the first round waits only this long (a burst still makes one round). */
const FIRST_DELAY_MS = 100;

/** Sends one frame to one person's channel (the UserChannel object's `push`). */
export type PushToMember = (userId: string, frame: ChannelFrame) => Promise<unknown>;

/** A member as the updates need them: whom to send to, and the name a mention uses. */
export type RoomMember = { userId: string; username: string };
/** What the Worker reports: the whole list (a new room), or one member added or removed. */
export type MemberListUpdate = { set: RoomMember[] } | { add: RoomMember } | { remove: string };

const MENTION = /(?:^|[^\w@])@([a-z0-9_]{3,32})\b/gi;

export class MemberUpdates {
  private armed = false;
  private lastRoundAt = 0;
  /** Bumped by membersChanged(), so a store read that started before a change is not kept. */
  private generation = 0;
  /** username -> the newest message since the last round that mentions them. */
  private readonly mentions = new Map<string, Message>();
  /** How many members the list in SQLite holds; undefined until read, or while not known. */
  private memberTotal?: number;

  constructor(
    private readonly sql: SqlStorage,
    private readonly log: RoomLog,
    private readonly sockets: RoomSockets,
    private readonly timers: Timers,
    private readonly room: () => RoomConfig | null,
    private readonly history: () => Store,
    private readonly push: PushToMember,
  ) {}

  /** Messages were stored: note their mentions and arm the next round. */
  async note(messages: Message[]): Promise<void> {
    for (const m of messages) {
      if (m.author.kind !== "user") continue;
      for (const [, name] of m.content.matchAll(MENTION)) if (name) this.mentions.set(name.toLowerCase(), m);
    }
    await this.soon();
  }

  /** Something the sidebar shows changed (a message, a reply finished): arm the next round,
   * unless every member has the room open (they see it themselves; a round would tell no one). */
  async soon(): Promise<void> {
    if (this.armed) return;
    if (this.sockets.online().length >= this.memberCount()) {
      this.mentions.clear();
      return;
    }
    this.armed = true;
    const now = Date.now();
    await this.timers.schedule(MEMBER_UPDATES_TIMER, Math.max(now + FIRST_DELAY_MS, this.lastRoundAt + MEMBER_UPDATES_EVERY_MS));
  }

  /** The Worker created the room, or added or removed a member. An addition to a list this
   * object does not hold yet waits for the store read at the next round, which includes it. */
  updateMembers(update: MemberListUpdate): void {
    this.generation++;
    this.memberTotal = undefined;
    this.createTable();
    if ("set" in update) {
      this.sql.exec("DELETE FROM member_list");
      for (const m of update.set) this.insert(m);
      this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('members_loaded', '1')");
    } else if ("add" in update) {
      if (this.loaded()) this.insert(update.add);
    } else this.sql.exec("DELETE FROM member_list WHERE user_id = ?", update.remove);
  }

  /** The timer: one frame to each member who does not have the room open. */
  async run(): Promise<void> {
    this.armed = false;
    this.lastRoundAt = Date.now();
    const room = this.room();
    if (!room) return;
    const members = await this.members(room.roomId);
    const here = new Set(this.sockets.online().map((u) => u.id));
    const lastMessage = this.log.get(this.log.lastSeq) ?? null;
    const mentions = new Map(this.mentions);
    this.mentions.clear();
    const base = { roomId: room.roomId, lastSeq: this.log.lastSeq, lastMessage };
    const sends = members
      .filter((m) => !here.has(m.userId))
      .map((m) => {
        const mention = mentions.get(m.username);
        const activity = mention && mention.author.id !== m.userId ? { ...base, mention } : base;
        return this.push(m.userId, { type: "activity", rooms: [activity] });
      });
    // A member's channel that fails is skipped this round; the next message tries again.
    await Promise.allSettled(sends);
  }

  /** Who is in the room, from SQLite, or from the history store when not known yet. */
  private async members(roomId: string): Promise<RoomMember[]> {
    this.createTable();
    if (this.loaded()) return this.sql.exec<RoomMember>("SELECT user_id AS userId, username FROM member_list").toArray();
    const generation = this.generation;
    const members = (await this.history().rooms.members(roomId)).map((m) => ({ userId: m.user.id, username: m.user.username }));
    // A change that arrived during the read may not be in it: use it this once, keep it not.
    if (generation !== this.generation) return members;
    this.sql.exec("DELETE FROM member_list");
    for (const m of members) this.insert(m);
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('members_loaded', '1')");
    this.memberTotal = undefined;
    return members;
  }

  /** Members in the list, read once and kept until it changes; Infinity while the list is not
   * known yet (the next round reads it). */
  private memberCount(): number {
    if (this.memberTotal === undefined) {
      this.createTable();
      if (!this.loaded()) return Number.POSITIVE_INFINITY;
      this.memberTotal = Number(this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM member_list").one().n);
    }
    return this.memberTotal;
  }

  private loaded(): boolean {
    return this.sql.exec("SELECT 1 FROM meta WHERE key = 'members_loaded'").toArray().length > 0;
  }

  private insert(m: RoomMember) {
    this.sql.exec("INSERT OR REPLACE INTO member_list (user_id, username) VALUES (?, ?)", m.userId, m.username);
  }

  /** Created on use: a deleted room's storage is wiped and this table with it. */
  private createTable() {
    this.sql.exec("CREATE TABLE IF NOT EXISTS member_list (user_id TEXT PRIMARY KEY, username TEXT NOT NULL)");
  }
}
