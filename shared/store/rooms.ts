// Rooms and their members in the history store. Room activity (lastSeq, lastActivityAt) is
// advanced by the ChatRoom object's write-behind flush (see messages.ts).
import { and, desc, eq, exists, inArray, isNull, lt, ne, notExists, or, sql } from "drizzle-orm";
import type { AiMode, Member, OnlineUser, Room, RoomListItem } from "../wire";
import type { Db, DbContext } from "./db";
import { iso, type RoomRow, toMessage, toRoom, toUser } from "./mappers";
import { contains } from "./text-match";

export type MemberRow = DbContext["t"]["roomMembers"]["$inferSelect"];
export type RoomPatch = { title?: string | null; characterId?: string | null; aiMode?: AiMode };

type ListCursor = { at: number; id: string };
export const encodeCursor = (c: ListCursor) => btoa(JSON.stringify(c));
export function decodeCursor(s: string): ListCursor | null {
  try {
    const c = JSON.parse(atob(s));
    // An integer the databases take: a cursor saying 1e300 or 1.5 is refused, not sent to them;
    // and a room id's shape (no NUL, which Postgres text cannot hold).
    return Number.isSafeInteger(c?.at) && typeof c?.id === "string" && /^[\w-]{1,64}$/.test(c.id) ? c : null;
  } catch {
    return null;
  }
}

export function roomsRepo({ db, t, atomic, dialect }: DbContext) {
  const { rooms, roomMembers: rm, messages, users, characters } = t;
  /** Of `roomIds`, those with exactly one member besides `userId`: room id -> that member. */
  async function peersOf(roomIds: string[], userId: string): Promise<Map<string, OnlineUser>> {
    const members = new Map<string, OnlineUser[]>();
    // D1 binds at most 100 parameters to a statement.
    for (let i = 0; i < roomIds.length; i += 90) {
      const rows = await db
        .select({ roomId: rm.roomId, id: users.id, username: users.username, displayName: users.displayName })
        .from(rm)
        .innerJoin(users, eq(users.id, rm.userId))
        .where(inArray(rm.roomId, roomIds.slice(i, i + 90)));
      for (const { roomId, ...user } of rows) members.set(roomId, [...(members.get(roomId) ?? []), user]);
    }
    const peers = new Map<string, OnlineUser>();
    for (const [roomId, [a, b, ...more]] of members) {
      const peer = a?.id === userId ? b : a;
      if (peer && b && more.length === 0) peers.set(roomId, peer);
    }
    return peers;
  }
  return {
    async create(room: RoomRow, memberIds: string[]): Promise<void> {
      const members = [room.ownerId, ...memberIds.filter((id) => id !== room.ownerId)].map((userId) => ({
        roomId: room.id,
        userId,
        role: userId === room.ownerId ? ("owner" as const) : ("member" as const),
        joinedAt: room.createdAt,
        lastReadSeq: 0,
      }));
      // D1 binds at most 100 parameters per statement; a member row binds 5.
      const parts: (typeof members)[] = [];
      for (let i = 0; i < members.length; i += 19) parts.push(members.slice(i, i + 19));
      await atomic((d) => [d.insert(rooms).values(room), ...parts.map((part) => d.insert(rm).values(part))]);
    },
    async byId(id: string): Promise<Room | undefined> {
      const [row] = await db.select().from(rooms).where(eq(rooms.id, id)).limit(1);
      return row && toRoom(row);
    },
    /** The room, its character's name and every membership: what WebSocket upgrades check. */
    async withMembers(id: string) {
      const [[row], members] = await Promise.all([
        db
          .select({ room: rooms, characterName: characters.name })
          .from(rooms)
          .leftJoin(characters, eq(characters.id, rooms.characterId))
          .where(eq(rooms.id, id))
          .limit(1),
        db.select().from(rm).where(eq(rm.roomId, id)),
      ]);
      return row && { room: toRoom(row.room), characterName: row.characterName ?? null, members };
    },
    /** The room with the caller's membership and its character's name, in one round trip. */
    async withMembership(id: string, userId: string) {
      const [row] = await db
        .select({ room: rooms, member: rm, characterName: characters.name })
        .from(rooms)
        .leftJoin(rm, and(eq(rm.roomId, rooms.id), eq(rm.userId, userId)))
        .leftJoin(characters, eq(characters.id, rooms.characterId))
        .where(eq(rooms.id, id))
        .limit(1);
      return row && { room: toRoom(row.room), member: row.member ?? null, characterName: row.characterName ?? null };
    },
    async memberCount(roomId: string): Promise<number> {
      const [row] = await db.select({ n: sql<number>`count(*)` }).from(rm).where(eq(rm.roomId, roomId));
      return Number(row?.n ?? 0);
    },
    async members(roomId: string): Promise<Member[]> {
      const rows = await db
        .select({ m: rm, u: users })
        .from(rm)
        .innerJoin(users, eq(users.id, rm.userId))
        .where(eq(rm.roomId, roomId))
        .orderBy(desc(rm.role), rm.joinedAt, rm.userId); // "owner" sorts after "member"
      return rows.map(({ m, u }) => ({
        user: toUser(u),
        role: m.role,
        joinedAt: iso(m.joinedAt),
        lastReadSeq: Number(m.lastReadSeq),
      }));
    },
    /** The caller's rooms, newest activity first, keyset-paginated. */
    async list(userId: string, opts: { q?: string; cursor?: ListCursor | null; limit: number }) {
      const { q, cursor, limit } = opts;
      const rows = await db
        .select({ room: rooms, lastReadSeq: rm.lastReadSeq, last: messages, characterAvatar: characters.avatar })
        .from(rm)
        .innerJoin(rooms, eq(rooms.id, rm.roomId))
        .leftJoin(messages, and(eq(messages.roomId, rooms.id), eq(messages.seq, rooms.lastSeq)))
        .leftJoin(characters, eq(characters.id, rooms.characterId))
        .where(
          and(
            eq(rm.userId, userId),
            cursor ? or(lt(rooms.lastActivityAt, cursor.at), and(eq(rooms.lastActivityAt, cursor.at), lt(rooms.id, cursor.id))) : undefined,
            q ? contains(dialect, sql`lower(coalesce(${rooms.title}, ''))`, q.toLowerCase()) : undefined,
          ),
        )
        .orderBy(desc(rooms.lastActivityAt), desc(rooms.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      const items: RoomListItem[] = page.map(({ room, lastReadSeq, last, characterAvatar }) => ({
        ...toRoom(room),
        lastMessage: last ? toMessage(last) : null,
        unread: Math.max(0, Number(room.lastSeq) - Number(lastReadSeq)),
        characterAvatar: room.characterId ? characterAvatar : null,
      }));
      const peers = await peersOf(
        page.filter(({ room }) => room.title === null && room.characterId === null).map(({ room }) => room.id),
        userId,
      );
      for (const item of items) item.peer = peers.get(item.id) ?? null;
      const tail = page.at(-1)?.room;
      const nextCursor = rows.length > limit && tail ? encodeCursor({ at: Number(tail.lastActivityAt), id: tail.id }) : null;
      return { rooms: items, nextCursor };
    },
    /** The ids of `userId`'s rooms, the most recently active first. */
    async idsOf(userId: string, limit: number): Promise<string[]> {
      const rows = await db
        .select({ id: rooms.id })
        .from(rm)
        .innerJoin(rooms, eq(rooms.id, rm.roomId))
        .where(eq(rm.userId, userId))
        .orderBy(desc(rooms.lastActivityAt))
        .limit(limit);
      return rows.map((r) => r.id);
    },
    /** `userId`'s direct chats (untitled, no character, one other member: called after that
     * person), the most recently active first, each with the other person's id. */
    async directChats(userId: string, limit: number): Promise<{ room: Room; peerId: string }[]> {
      const rows = await db
        .select({ room: rooms })
        .from(rm)
        .innerJoin(rooms, eq(rooms.id, rm.roomId))
        .where(and(eq(rm.userId, userId), isNull(rooms.title), isNull(rooms.characterId)))
        .orderBy(desc(rooms.lastActivityAt))
        .limit(limit);
      const peers = await peersOf(
        rows.map(({ room }) => room.id),
        userId,
      );
      return rows.flatMap(({ room }) => {
        const peer = peers.get(room.id);
        return peer ? [{ room: toRoom(room), peerId: peer.id }] : [];
      });
    },
    /** The direct chat between `userId` and `peerId` (untitled, no character, the two of them
     * alone), if there is one; the most recently active if several were made before this check. */
    async directChatBetween(userId: string, peerId: string): Promise<Room | undefined> {
      const theirs = db.select({ roomId: rm.roomId }).from(rm).where(eq(rm.userId, peerId));
      const [row] = await db
        .select({ room: rooms })
        .from(rm)
        .innerJoin(rooms, eq(rooms.id, rm.roomId))
        .where(
          and(
            eq(rm.userId, userId),
            inArray(rm.roomId, theirs),
            isNull(rooms.title),
            isNull(rooms.characterId),
            sql`(select count(*) from ${rm} where ${rm.roomId} = ${rooms.id}) = 2`,
          ),
        )
        .orderBy(desc(rooms.lastActivityAt))
        .limit(1);
      return row && toRoom(row.room);
    },
    async update(id: string, patch: RoomPatch, now: number): Promise<void> {
      await db
        .update(rooms)
        .set({ ...patch, updatedAt: now })
        .where(eq(rooms.id, id));
    },
    /** A message the room's title was derived from was deleted: the title goes with it, to
     * `next` (the name the first message still there gives, or null: the next one names it).
     * Only a title equal to `derived` changes; returns the room if it did. */
    async retitle(id: string, derived: string, next: string | null, now: number): Promise<Room | undefined> {
      const [row] = await db
        .update(rooms)
        .set({ title: next, updatedAt: now })
        .where(and(eq(rooms.id, id), eq(rooms.title, derived)))
        .returning();
      return row && toRoom(row);
    },

    async delete(id: string): Promise<void> {
      // Messages and memberships go with the room (ON DELETE CASCADE).
      await db.delete(rooms).where(eq(rooms.id, id));
    },
    /** Adds a member; the room counts as changed (its member list did), and is returned so. */
    async addMember(roomId: string, userId: string, now: number): Promise<Room | undefined> {
      const [, [row]] = (await atomic((d) => [
        d.insert(rm).values({ roomId, userId, role: "member", joinedAt: now, lastReadSeq: 0 }).onConflictDoNothing(),
        d.update(rooms).set({ updatedAt: now }).where(eq(rooms.id, roomId)).returning(),
      ])) as [unknown, RoomRow[]];
      return row && toRoom(row);
    },
    /** Removes a member; the room counts as changed, as when one is added. Undefined when
     * nothing was removed: never the owner, who leaves only by handing the room over (one made
     * owner by a hand-over racing this removal stays). */
    async removeMember(roomId: string, userId: string, now: number): Promise<Room | undefined> {
      const stillIn = (d: Db) =>
        d
          .select({ one: sql`1` })
          .from(rm)
          .where(and(eq(rm.roomId, roomId), eq(rm.userId, userId)));
      const [, [row]] = (await atomic((d) => [
        d.delete(rm).where(and(eq(rm.roomId, roomId), eq(rm.userId, userId), ne(rm.role, "owner"))),
        d
          .update(rooms)
          .set({ updatedAt: now })
          .where(and(eq(rooms.id, roomId), notExists(stillIn(d))))
          .returning(),
      ])) as [unknown, RoomRow[]];
      return row && toRoom(row);
    },
    /** The owner leaves: the member who joined first after them becomes the owner, in the same
     * transaction. "alone" when no one else is in the room; undefined when it changed meanwhile
     * (the caller no longer owns it, or that member left): nothing is changed then. */
    async handOver(roomId: string, ownerId: string, now: number): Promise<{ room: Room; ownerId: string } | "alone" | undefined> {
      const [next] = await db
        .select({ userId: rm.userId })
        .from(rm)
        .where(and(eq(rm.roomId, roomId), ne(rm.userId, ownerId)))
        .orderBy(rm.joinedAt, rm.userId)
        .limit(1);
      if (!next) return "alone";
      const heir = next.userId;
      const asOwner = (d: Db, who: string) =>
        d
          .select({ one: sql`1` })
          .from(rooms)
          .where(and(eq(rooms.id, roomId), eq(rooms.ownerId, who)));
      const heirIsOwner = (d: Db) =>
        d
          .select({ one: sql`1` })
          .from(rm)
          .where(and(eq(rm.roomId, roomId), eq(rm.userId, heir), eq(rm.role, "owner")));
      // The heir's membership row first (in Postgres that locks it: a removal of the heir
      // racing this one waits, then finds an owner's row, which it never deletes), then the
      // room, then the old owner's row: each applies only if the one before did, so a race
      // changes nothing. Members before the room, the order removeMember takes them in too.
      const [, [row]] = (await atomic((d) => [
        d
          .update(rm)
          .set({ role: "owner" })
          .where(and(eq(rm.roomId, roomId), eq(rm.userId, heir), eq(rm.role, "member"), exists(asOwner(d, ownerId)))),
        d
          .update(rooms)
          .set({ ownerId: heir, updatedAt: now })
          .where(and(eq(rooms.id, roomId), eq(rooms.ownerId, ownerId), exists(heirIsOwner(d))))
          .returning(),
        d.delete(rm).where(and(eq(rm.roomId, roomId), eq(rm.userId, ownerId), exists(asOwner(d, heir)))),
      ])) as [unknown, RoomRow[], unknown];
      return row && { room: toRoom(row), ownerId: heir };
    },
    async markRead(roomId: string, userId: string, seq: number): Promise<void> {
      await db
        .update(rm)
        .set({ lastReadSeq: sql`case when ${rm.lastReadSeq} < ${seq} then ${seq} else ${rm.lastReadSeq} end` })
        .where(and(eq(rm.roomId, roomId), eq(rm.userId, userId)));
    },
  };
}
