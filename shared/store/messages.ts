// Message history in the store: the idempotent upsert the ChatRoom flush uses, seq-keyed
// pages, export, and full-text search (FTS5 on D1, tsvector on Postgres).
import { and, asc, desc, eq, getTableColumns, gt, inArray, lt, or, sql } from "drizzle-orm";
import { titleFrom, titleOfMessage } from "../markdown";
import { searchTerms } from "../text";
import type { Message } from "../wire";
import type { Db, DbContext } from "./db";
import { type MessageRow, type RoomRow, toMessage, toRoom } from "./mappers";
import { cursorAfter, type SearchCursor, searchKeys } from "./search";

/** Rows per Postgres insert: a message row binds one parameter per column, and a statement
 * stays far below Postgres's 65,535. */
const PG_CHUNK = 500;
/** D1 refuses a string value over its documented limit (1,000,000 bytes): each JSON array of
 * rows stays under this. */
const D1_MAX_VALUE_BYTES = 900_000;
/** Authors per read-marks statement, and messages per read by key (two bound parameters each;
 * D1 binds at most 100). */
const PAIRS_PER_STATEMENT = 40;

export function messagesRepo(ctx: DbContext) {
  const { db, t } = ctx;
  const { messages: m, rooms, roomMembers: rm } = t;

  type Key = { room_id: string; seq: number };

  /** The messages (with their rooms) named by `keys`, in the keys' order. Each key binds two
   * parameters, so a page of up to 100 is read in parts (D1 binds at most 100). */
  async function byKeys(keys: Key[]) {
    const parts = await Promise.all(
      chunk(keys, PAIRS_PER_STATEMENT).map((part) =>
        db
          .select({ msg: m, room: rooms })
          .from(m)
          .innerJoin(rooms, eq(rooms.id, m.roomId))
          .where(or(...part.map((k) => and(eq(m.roomId, k.room_id), eq(m.seq, k.seq))))),
      ),
    );
    const rows = parts.flat();
    const at = new Map(keys.map((k, i) => [`${k.room_id}/${k.seq}`, i]));
    return rows.sort((a, b) => (at.get(`${a.msg.roomId}/${a.msg.seq}`) ?? 0) - (at.get(`${b.msg.roomId}/${b.msg.seq}`) ?? 0));
  }
  /** A stored row is overwritten by the flush only with a version at least as new, and then
   * only in what an edit, a stream or a deletion changes. */
  const revised = new Set(["content", "status", "error", "updated_at", "edited_at", "deleted_at", "versions", "current_version"]);
  const columns = Object.entries(getTableColumns(m));
  const onConflict = {
    target: [m.roomId, m.seq],
    set: Object.fromEntries(columns.filter(([, c]) => revised.has(c.name)).map(([key, c]) => [key, sql.raw(`excluded."${c.name}"`)])),
    setWhere: sql`excluded.updated_at >= ${m.updatedAt}`,
  };

  /**
   * The flush's insert. Postgres: multi-row inserts. D1: the whole batch in one statement.
   * D1 binds at most 100 parameters, which split a flush of 200 rows into 40 statements; here
   * the rows travel as one JSON array of arrays (in the table's column order) that `json_each`
   * unpacks: one statement to prepare and run, and far less work for the runtime that runs D1
   * locally, on the thread it shares with the rooms. A batch of long messages is split so no
   * one array is over D1's limit for a single value. It inserts nothing once the room is gone
   * (the WHERE also serves as SQLite's required disambiguation for an upsert from a select).
   */
  const upsertRows = (d: Db, roomId: string, rows: MessageRow[]) => {
    if (ctx.dialect === "pg") return chunk(rows, PG_CHUNK).map((part) => d.insert(m).values(part).onConflictDoUpdate(onConflict));
    const picks = sql.raw(columns.map((_, i) => `value ->> ${i}`).join(", "));
    const roomExists = sql`exists (select 1 from ${rooms} where ${rooms.id} = ${roomId})`;
    const arrays = rows.map((r) => JSON.stringify(columns.map(([key]) => r[key as keyof MessageRow] ?? null)));
    return jsonArrays(arrays, D1_MAX_VALUE_BYTES).map((json) =>
      d.insert(m).select(sql`select ${picks} from json_each(${json}) where ${roomExists}`).onConflictDoUpdate(onConflict),
    );
  };

  /**
   * Each author's own messages count as read by them, and a mark never moves back: one
   * statement per PAIRS_PER_STATEMENT authors (a CASE picks each one's seq; a seq is an integer,
   * written inline, so each author binds two parameters and D1's limit of 100 holds).
   */
  const markOwnRead = (d: Db, roomId: string, readers: Map<string, number>) =>
    chunk([...readers], PAIRS_PER_STATEMENT).map((part) => {
      const seqOf = sql`case ${rm.userId} ${sql.join(
        part.map(([userId, seq]) => sql`when ${userId} then ${sql.raw(String(Math.trunc(seq)))}`),
        sql` `,
      )} end`;
      return d
        .update(rm)
        .set({ lastReadSeq: sql`${sql.raw(ctx.dialect === "pg" ? "greatest" : "max")}(${rm.lastReadSeq}, ${seqOf})` })
        .where(
          and(
            eq(rm.roomId, roomId),
            inArray(
              rm.userId,
              part.map(([userId]) => userId),
            ),
          ),
        );
    });

  return {
    /**
     * Writes a batch from a room's hot log. Idempotent: a row already stored is overwritten
     * only by a version at least as new, so a retried or repeated flush changes nothing.
     * Returns false when the room no longer exists (deleted meanwhile): nothing to keep.
     * On D1 this is one call of three statements (the room's row, whose update says whether
     * the room is there; the messages; the read marks): locally D1 runs on the thread the
     * rooms share, and each call and statement there is time a quiet room's next message
     * waits (docs/benchmarks.md). Postgres asks first: its multi-row inserts cannot skip a
     * deleted room's rows.
     */
    async upsert(roomId: string, rows: MessageRow[]): Promise<boolean> {
      if (rows.length === 0) return true;
      if (ctx.dialect === "pg") {
        const [room] = await db.select({ id: rooms.id }).from(rooms).where(eq(rooms.id, roomId)).limit(1);
        if (!room) return false;
      }
      const lastSeq = Math.max(...rows.map((r) => r.seq));
      const lastAt = Math.max(...rows.map((r) => r.createdAt));
      // A tombstone names nothing: its text is gone.
      const firstUser = rows.filter((r) => r.authorKind === "user" && r.deletedAt == null).sort((a, b) => a.seq - b.seq)[0];
      const readers = new Map<string, number>();
      // People's messages, and the notices of the changes they made, are read by their authors.
      for (const r of rows) if (r.authorKind !== "ai") readers.set(r.authorId, Math.max(readers.get(r.authorId) ?? 0, r.seq));
      // An untitled room takes its first message's name; a direct chat (two people, no AI) is
      // called after the other person instead, by each of them (the room list's `peer`).
      const titleAfter = (first: MessageRow) => {
        const named = titleOfMessage({
          content: first.content,
          attachments: first.attachments ? JSON.parse(first.attachments) : undefined,
        });
        const direct = sql`${rooms.characterId} is null and (select count(*) from ${rm} where ${rm.roomId} = ${rooms.id}) = 2`;
        return sql`coalesce(${rooms.title}, case when ${direct} then null else ${named} end)`;
      };
      const [touched] = await ctx.atomic((d) => [
        d
          .update(rooms)
          .set({
            lastSeq: sql`case when ${rooms.lastSeq} < ${lastSeq} then ${lastSeq} else ${rooms.lastSeq} end`,
            lastActivityAt: sql`case when ${rooms.lastActivityAt} < ${lastAt} then ${lastAt} else ${rooms.lastActivityAt} end`,
            ...(firstUser ? { title: titleAfter(firstUser) } : {}),
          })
          .where(eq(rooms.id, roomId))
          .returning({ id: rooms.id }),
        ...upsertRows(d, roomId, rows),
        ...markOwnRead(d, roomId, readers),
      ]);
      return (touched as unknown[]).length > 0;
    },

    /** One page in ascending seq order: after a seq, before one, or the latest. */
    async page(roomId: string, opts: { before?: number; after?: number; limit: number }) {
      const { before, after, limit } = opts;
      const forward = after !== undefined;
      const rows = await db
        .select()
        .from(m)
        .where(and(eq(m.roomId, roomId), forward ? gt(m.seq, after) : undefined, before !== undefined ? lt(m.seq, before) : undefined))
        .orderBy(forward ? asc(m.seq) : desc(m.seq))
        .limit(limit + 1);
      const hasMore = rows.length > limit;
      const page = rows.slice(0, limit);
      if (!forward) page.reverse();
      return { messages: page.map(toMessage), hasMore };
    },

    /** One message, or null. */
    async get(roomId: string, seq: number): Promise<Message | null> {
      const [row] = await db
        .select()
        .from(m)
        .where(and(eq(m.roomId, roomId), eq(m.seq, seq)))
        .limit(1);
      return row ? toMessage(row) : null;
    },

    /**
     * An edit or delete of a message the room no longer keeps itself (the room, its single
     * writer, calls this; rows it still keeps reach the store through the flush). A delete
     * leaves a tombstone: no content, error or versions. Returns the message as stored now.
     */
    async revise(roomId: string, seq: number, patch: { content: string; editedAt?: number; deletedAt?: number }) {
      const gone = patch.deletedAt !== undefined;
      await db
        .update(m)
        .set({
          content: patch.content,
          updatedAt: Date.now(),
          ...(patch.editedAt !== undefined ? { editedAt: patch.editedAt } : {}),
          ...(gone ? { deletedAt: patch.deletedAt, error: null, versions: null, currentVersion: null, attachments: null } : {}),
        })
        .where(and(eq(m.roomId, roomId), eq(m.seq, seq)));
      return this.get(roomId, seq);
    },

    /** The whole history in seq order, read in bounded pages. */
    async *all(roomId: string, pageSize = 500): AsyncGenerator<Message[]> {
      let after = 0;
      for (;;) {
        const { messages, hasMore } = await this.page(roomId, { after, limit: pageSize });
        if (messages.length > 0) yield messages;
        if (!hasMore) return;
        after = messages.at(-1)?.seq ?? after;
      }
    },

    /** Full-text search over the rooms the user belongs to, newest first, one page after
     * `after` (search.ts). */
    async search(userId: string, q: string, opts: { after?: SearchCursor; limit: number }) {
      const terms = searchTerms(q);
      if (terms.length === 0) return { results: [], nextCursor: null };
      const keys = await searchKeys(ctx, terms, userId, opts);
      const page = keys.slice(0, opts.limit);
      const rows = await byKeys(page);
      const last = page.at(-1);
      return {
        results: rows.map(({ msg, room }) => ({ room: toRoom(room as RoomRow), message: toMessage(msg) })),
        nextCursor: keys.length > opts.limit && last ? cursorAfter(last) : null,
      };
    },
  };
}

/** An untitled room's name from its first message: the text a reader sees, without Markdown. */
export const deriveTitle = titleFrom;

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * JSON arrays of the given JSON texts, each at most `maxBytes` of UTF-8 (a UTF-16 code unit is
 * at most three bytes, so lengths are counted at three; one text longer than that still gets
 * an array of its own).
 */
export function jsonArrays(items: string[], maxBytes: number): string[] {
  const out: string[] = [];
  let part: string[] = [];
  let bytes = 2;
  for (const item of items) {
    const size = item.length * 3 + 1;
    if (part.length > 0 && bytes + size > maxBytes) {
      out.push(`[${part.join(",")}]`);
      part = [];
      bytes = 2;
    }
    part.push(item);
    bytes += size;
  }
  if (part.length > 0) out.push(`[${part.join(",")}]`);
  return out;
}
