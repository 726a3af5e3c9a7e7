// What the room tells its members' channels (user-channel/), coalesced so that a room never
// pays per member for every message: a message only arms one timer; when it rings (at most
// about once a second, the first soon after a quiet spell) every member gets one `activity`
// frame with the room's newest seq and message, plus the newest message since the last round
// that mentions them by @username, and their own newest since then (what they have read up to, since
// their own messages count as read). Members with a socket open in this room get nothing (their
// tab sees the messages themselves) unless one of those sockets said they have other tabs open
// (`other_tabs`: a room list elsewhere, on this device or another, needs it). The member list
// is the room's own (member-list.ts); a room
// that was never handed the whole list reads it from the history store on first need. The
// pending mentions and the last round's time are in memory only (an eviction loses at most the
// mentions of one round).
import type { Store } from "../../shared/store";
import type { ChannelFrame, Message } from "../../shared/wire";
import type { MemberList, RoomMember } from "./member-list";
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

const MENTION = /(?:^|[^\w@])@([a-z0-9_]{3,32})\b/gi;

export class MemberUpdates {
  private armed = false;
  private lastRoundAt = 0;
  /** username -> the newest message since the last round that mentions them. */
  private readonly mentions = new Map<string, Message>();
  /** userId -> the seq of their newest message since the last round. */
  private readonly authored = new Map<string, number>();

  constructor(
    private readonly list: MemberList,
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
      // An AI reply is nobody's; a notice is its author's, as their messages are.
      if (m.author.kind === "ai") continue;
      this.authored.set(m.author.id, Math.max(this.authored.get(m.author.id) ?? 0, m.seq));
      if (m.author.kind !== "user") continue; // a notice mentions no one
      for (const [, name] of m.content.matchAll(MENTION)) if (name) this.mentions.set(name.toLowerCase(), m);
    }
    await this.soon();
  }

  /** Something the sidebar shows changed (a message, a reply finished): arm the next round,
   * unless every member sees the room in every tab (a round would tell no one). */
  async soon(): Promise<void> {
    if (this.armed) return;
    if (this.sockets.covered().size >= this.list.count()) {
      this.mentions.clear();
      this.authored.clear();
      return;
    }
    this.armed = true;
    const now = Date.now();
    await this.timers.schedule(MEMBER_UPDATES_TIMER, Math.max(now + FIRST_DELAY_MS, this.lastRoundAt + MEMBER_UPDATES_EVERY_MS));
  }

  /** A socket's person has other tabs open, or no longer has: from now on rounds include them,
   * or skip them again. A new round at once brings those tabs up to date (their room list may
   * have been read from the history store while it was behind the room). */
  async otherTabs(ws: WebSocket, open: boolean): Promise<void> {
    this.sockets.setOtherTabs(ws, open);
    if (open) await this.soon();
  }

  /** The timer: one frame to each member whose every tab does not have the room open. */
  async run(): Promise<void> {
    this.armed = false;
    this.lastRoundAt = Date.now();
    const room = this.room();
    if (!room) return;
    const members = await this.members(room.roomId);
    const here = this.sockets.covered();
    const lastMessage = this.log.get(this.log.lastSeq) ?? null;
    const mentions = new Map(this.mentions);
    const authored = new Map(this.authored);
    this.mentions.clear();
    this.authored.clear();
    const base = { roomId: room.roomId, lastSeq: this.log.lastSeq, lastMessage };
    const sends = members
      .filter((m) => !here.has(m.userId))
      .map((m) => {
        const mention = mentions.get(m.username);
        const own = authored.get(m.userId);
        const activity = { ...base, ...(mention && mention.author.id !== m.userId ? { mention } : {}), ...(own ? { readSeq: own } : {}) };
        return this.push(m.userId, { type: "activity", rooms: [activity] });
      });
    // A member's channel that fails is skipped this round; the next message tries again.
    await Promise.allSettled(sends);
  }

  /** One frame to every member (a rename, say), whether or not they have the room open. */
  async tell(frame: ChannelFrame): Promise<void> {
    const room = this.room();
    if (!room) return;
    const members = await this.members(room.roomId);
    await Promise.allSettled(members.map((m) => this.push(m.userId, frame)));
  }

  /** Who is in the room: the room's own list, or the history store's while it has none. */
  private async members(roomId: string): Promise<RoomMember[]> {
    const known = this.list.all();
    if (known) return known;
    const version = this.list.version;
    const members = (await this.history().rooms.members(roomId)).map((m) => ({ userId: m.user.id, username: m.user.username }));
    this.list.fill(members, version);
    return members;
  }
}
