// Accounts and AI characters in the history store.
import { and, asc, desc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { Character, CharacterInput, Room } from "../wire";
import type { Db, DbContext } from "./db";
import { type RoomRow, toCharacter, toRoom, type UserRow } from "./mappers";
import { startsWith } from "./text-match";

export function usersRepo({ db, t }: DbContext) {
  return {
    async create(row: UserRow): Promise<void> {
      await db.insert(t.users).values(row);
    },
    /** Usernames are unique case-insensitively, so look-ups are too. */
    async byUsername(username: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(t.users).where(sql`lower(${t.users.username}) = ${username.toLowerCase()}`).limit(1);
      return row;
    },
    async byId(id: string): Promise<UserRow | undefined> {
      const [row] = await db.select().from(t.users).where(eq(t.users.id, id)).limit(1);
      return row;
    },
    /** People who share a room with `userId` whose username or display name starts with
     * `prefix` (case-insensitively), by username: the invite field's completions. */
    async sharingRooms(userId: string, prefix: string, limit: number): Promise<UserRow[]> {
      const rm = t.roomMembers;
      const start = prefix.toLowerCase();
      const myRooms = db.select({ roomId: rm.roomId }).from(rm).where(eq(rm.userId, userId));
      const roommates = db.select({ userId: rm.userId }).from(rm).where(inArray(rm.roomId, myRooms));
      return db
        .select()
        .from(t.users)
        .where(
          and(
            inArray(t.users.id, roommates),
            sql`${t.users.id} <> ${userId}`,
            or(startsWith(sql`lower(${t.users.username})`, start), startsWith(sql`lower(${t.users.displayName})`, start)),
          ),
        )
        .orderBy(asc(t.users.username))
        .limit(limit);
    },
    async setDisplayName(id: string, displayName: string): Promise<UserRow | undefined> {
      const [row] = await db.update(t.users).set({ displayName }).where(eq(t.users.id, id)).returning();
      return row;
    },
    async setPasswordHash(id: string, passwordHash: string): Promise<void> {
      await db.update(t.users).set({ passwordHash }).where(eq(t.users.id, id));
    },
    async byIds(ids: string[]): Promise<UserRow[]> {
      if (ids.length === 0) return [];
      return db.select().from(t.users).where(inArray(t.users.id, ids));
    },
  };
}

export function charactersRepo({ db, t, atomic }: DbContext) {
  const c = t.characters;
  return {
    /** Built-ins first, then the caller's own, each group by name. */
    async list(userId: string): Promise<Character[]> {
      const rows = await db
        .select()
        .from(c)
        .where(or(eq(c.builtIn, true), eq(c.ownerId, userId)))
        .orderBy(desc(c.builtIn), asc(c.name), asc(c.id));
      return rows.map(toCharacter);
    },
    async byId(id: string): Promise<Character | undefined> {
      const [row] = await db.select().from(c).where(eq(c.id, id)).limit(1);
      return row && toCharacter(row);
    },
    async countOwned(ownerId: string): Promise<number> {
      const [row] = await db.select({ n: sql<number>`count(*)` }).from(c).where(eq(c.ownerId, ownerId));
      return Number(row?.n ?? 0);
    },
    async create(id: string, ownerId: string, input: CharacterInput, now: number): Promise<Character> {
      const row = {
        id,
        ownerId,
        name: input.name,
        systemPrompt: input.systemPrompt,
        description: input.description ?? "",
        model: input.model ?? null,
        temperature: input.temperature ?? null,
        avatar: input.avatar ?? null,
        builtIn: false,
        createdAt: now,
        updatedAt: now,
      };
      await db.insert(c).values(row);
      return toCharacter(row);
    },
    /** Changes a person's character. When its face changes (name, description, avatar: what a
     * room's members see, and the name that wakes it), the rooms using it count as changed too:
     * returns them as they are now, for their members to hear. */
    async update(id: string, patch: Partial<CharacterInput>, now: number): Promise<Room[]> {
      const change = (d: Db) =>
        d
          .update(c)
          .set({ ...patch, updatedAt: now })
          .where(and(eq(c.id, id), eq(c.builtIn, false)));
      const face = patch.name !== undefined || patch.description !== undefined || patch.avatar !== undefined;
      if (!face) {
        await change(db);
        return [];
      }
      const [, rooms] = await atomic((d) => [
        change(d),
        d.update(t.rooms).set({ updatedAt: now }).where(eq(t.rooms.characterId, id)).returning(),
      ]);
      return (rooms as RoomRow[]).map(toRoom);
    },
    /** Deletes a person's character. The rooms that used it lose it and their AI turns off, as
     * when a PATCH removes a room's character; returns those rooms as they are now. */
    async delete(id: string, now: number): Promise<Room[]> {
      const deletable = and(eq(c.id, id), eq(c.builtIn, false), sql`${c.ownerId} is not null`);
      const [rooms] = await atomic((d) => [
        d
          .update(t.rooms)
          .set({ characterId: null, aiMode: "off", updatedAt: now })
          .where(and(eq(t.rooms.characterId, id), inArray(t.rooms.characterId, d.select({ id: c.id }).from(c).where(deletable))))
          .returning(),
        d.delete(c).where(deletable),
      ]);
      return (rooms as RoomRow[]).map(toRoom);
    },
    /** Characters a room may use: built-ins and the given user's own. */
    async usableBy(id: string, userId: string): Promise<Character | undefined> {
      const [row] = await db
        .select()
        .from(c)
        .where(and(eq(c.id, id), or(eq(c.builtIn, true), eq(c.ownerId, userId), isNull(c.ownerId))))
        .limit(1);
      return row && toCharacter(row);
    },
  };
}
