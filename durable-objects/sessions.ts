// A person's sessions: one object per user, holding the id (`sid`, the token's jti) and expiry
// of each session that may still be used, and the rooms each one opened a socket in. Every
// authenticated request asks it whether its session is still open (an in-memory map after the
// object's first read, so the check is one RPC without storage), and ending a session (logout,
// sign out everywhere, a password change) deletes it here and closes its sockets with 4001: in
// those rooms, and on the person's channel (UserChannel, the sidebar's socket), which every
// session may have opened. A refresh rotates: the old id goes as the new one comes, in one step.
// The account page lists the open sessions (list: the device each signed in from, when).
// It also holds the person's display name once they change it: tokens carry the name they were
// issued with, so the check answers with the current one; and it tells the person's rooms.
import { DurableObject } from "cloudflare:workers";
import type { SessionInfo } from "../shared/wire";
import { chatRoom } from "./chat-room/chat-room";
import { userChannel } from "./user-channel/user-channel";

/** `earlier`: the ids this session had before it was refreshed, which its older sockets carry.
 * `since`, `refreshed` (epoch ms) and `agent` (the sign-in's User-Agent) are what the account
 * page lists; sessions started before they were recorded lack them. */
type Entry = { exp: number; rooms: string[]; earlier?: string[]; since?: number; refreshed?: number; agent?: string };
const KEY = "s:";
const NAME = "name";

/** What a check answers for an open session: the person's display name if it was changed
 * (it then differs from the token's). */
export type SessionCheck = { displayName?: string };

export class Sessions extends DurableObject<Env> {
  private open?: Promise<Map<string, Entry>>;
  private displayName?: Promise<string | undefined>;

  /** Records a new session (epoch-seconds expiry), signed in from `agent` (a User-Agent). */
  async start(sid: string, exp: number, agent?: string): Promise<void> {
    const open = await this.load();
    await this.prune(open);
    open.set(sid, { exp, rooms: [], since: Date.now(), ...(agent ? { agent: agent.slice(0, 256) } : {}) });
    await this.ctx.storage.put(KEY + sid, open.get(sid));
  }

  /** null unless `sid` is open; with `roomId`, also remembers that it opened a socket there. */
  async check(sid: string, roomId?: string): Promise<SessionCheck | null> {
    const [open, displayName] = await Promise.all([this.load(), this.name()]);
    const entry = open.get(sid);
    if (!entry || entry.exp * 1000 <= Date.now()) return null;
    if (roomId && !entry.rooms.includes(roomId)) {
      entry.rooms.push(roomId);
      await this.ctx.storage.put(KEY + sid, entry);
    }
    return displayName === undefined ? {} : { displayName };
  }

  /** The person changed their display name (already saved in the history store): later checks
   * answer with it. Then, best effort and after the answer, `rooms` (their rooms) and those
   * their sessions opened sockets in hear of it: open ones show it at once (ChatRoom.updateMembers). */
  async rename(user: { id: string; username: string; displayName: string }, rooms: string[]): Promise<void> {
    this.displayName = Promise.resolve(user.displayName);
    await this.ctx.storage.put(NAME, user.displayName);
    const told = new Set([...rooms, ...[...(await this.load()).values()].flatMap((e) => e.rooms)]);
    const { id, username, displayName } = user;
    this.ctx.waitUntil(
      Promise.allSettled([...told].map((room) => chatRoom(this.env, room).updateMembers({ renamed: { id, username, displayName } }))),
    );
  }

  /** Replaces `oldSid` by `newSid` (same rooms), and closes the sockets opened with `oldSid`
   * (4002: their clients come back with the new token, a copy of the old one cannot); false if
   * `oldSid` was not open. */
  async rotate(userId: string, oldSid: string, newSid: string, exp: number): Promise<boolean> {
    const open = await this.load();
    const old = open.get(oldSid);
    if (!old || old.exp * 1000 <= Date.now()) return false;
    open.delete(oldSid);
    // Only ids whose tokens may still be live matter; a week of hourly refreshes is far fewer.
    open.set(newSid, { ...old, exp, earlier: [...(old.earlier ?? []), oldSid].slice(-50), refreshed: Date.now() });
    await this.ctx.storage.transaction(async (tx) => {
      await tx.delete(KEY + oldSid);
      await tx.put(KEY + newSid, open.get(newSid));
    });
    // After the answer, and best effort: a room that cannot be reached must not fail the
    // refresh (whose old token is already gone) nor hold it up.
    this.ctx.waitUntil(
      Promise.allSettled([
        userChannel(this.env, userId).replaceSessions([oldSid]),
        ...old.rooms.map((room) => chatRoom(this.env, room).endSessions(userId, [oldSid], true)),
      ]),
    );
    return true;
  }

  /** The sessions still open, the most recently active first; `current` is the caller's. */
  async list(current: string): Promise<SessionInfo[]> {
    const open = await this.load();
    await this.prune(open);
    const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
    return [...open]
      .map(([id, e]) => ({
        id,
        current: id === current,
        startedAt: iso(e.since),
        lastActiveAt: iso(e.refreshed ?? e.since),
        userAgent: e.agent ?? null,
      }))
      .sort((a, b) => Number(b.current) - Number(a.current) || (b.lastActiveAt ?? "").localeCompare(a.lastActiveAt ?? ""));
  }

  /** Ends one session, or with `sid` null every session but `keep`; closes their sockets. */
  async end(userId: string, sid: string | null, keep?: string): Promise<number> {
    const open = await this.load();
    const ending = sid === null ? [...open.keys()].filter((s) => s !== keep) : open.has(sid) ? [sid] : [];
    const rooms = new Set<string>();
    // Sockets opened before a refresh carry the session's earlier ids.
    const ids = [...ending];
    for (const s of ending) {
      for (const room of open.get(s)?.rooms ?? []) rooms.add(room);
      ids.push(...(open.get(s)?.earlier ?? []));
      open.delete(s);
    }
    await this.ctx.storage.delete(ending.map((s) => KEY + s));
    if (ids.length === 0) return 0;
    await Promise.all([
      userChannel(this.env, userId).endSessions(ids),
      ...[...rooms].map((room) => chatRoom(this.env, room).endSessions(userId, ids)),
    ]);
    return ending.length;
  }

  /** The open sessions, read from storage once per object lifetime. */
  private load(): Promise<Map<string, Entry>> {
    this.open ??= this.ctx.storage
      .list<Entry>({ prefix: KEY })
      .then((stored) => new Map([...stored].map(([key, entry]) => [key.slice(KEY.length), entry])));
    return this.open;
  }

  private name(): Promise<string | undefined> {
    this.displayName ??= this.ctx.storage.get<string>(NAME);
    return this.displayName;
  }

  /** Forgets expired sessions (they would be refused anyway). */
  private async prune(open: Map<string, Entry>): Promise<void> {
    const now = Date.now();
    const gone = [...open].filter(([, e]) => e.exp * 1000 <= now).map(([s]) => s);
    for (const s of gone) open.delete(s);
    if (gone.length) await this.ctx.storage.delete(gone.map((s) => KEY + s));
  }
}

/** The sessions of user `userId`: one object per person. */
export function sessions(env: Pick<Env, "SESSIONS">, userId: string) {
  return env.SESSIONS.get(env.SESSIONS.idFromName(userId));
}
