// Full-text search's keys: which messages match, newest first, one page after a cursor.
// FTS5 on D1, tsvector on Postgres. The caller reads the messages by these keys.
import { type SQL, sql } from "drizzle-orm";
import type { SearchTerm } from "../text";
import { MAX_SEQ } from "../wire";
import type { DbContext } from "./db";

/** Postgres search sorts up to this many matches itself; past it, rooms are walked newest first. */
const SEARCH_SORT_AT = 1000;
/** Postgres search first looks for the word in this many of the user's most active rooms. */
const SEARCH_PROBE_ROOMS = 10;

/**
 * Where a page of results ends: the last result's place in the order. The order is the
 * store's: on D1 the FTS index's rowid (the order the store received the messages), on
 * Postgres the creation time, then seq, then room id. A deployment has one store, so a
 * cursor it issued is always read by the same kind. A new match that arrives between two
 * pages sorts before the cursor, so the next page neither repeats a result nor skips one.
 */
export interface SearchCursor {
  /** D1: the row's rowid; Postgres: its createdAt. */
  pos: number;
  seq: number;
  roomId: string;
}

/** A search key: one matching message. */
export interface SearchKey {
  room_id: string;
  seq: number;
  pos: number | string;
}

const CURSOR = /^(\d{1,16})\.(\d{1,10})\.([0-9A-Za-z-]{1,64})$/;

/** The cursor a page hands out after `key`, as the API shows it. */
export const cursorAfter = (key: SearchKey) => `${key.pos}.${key.seq}.${key.room_id}`;

/** A cursor this API could have issued, or null (old offset cursors included). */
export function parseCursor(text: string): SearchCursor | null {
  const parts = CURSOR.exec(text);
  if (!parts) return null;
  const [pos, seq] = [Number(parts[1]), Number(parts[2])];
  if (!Number.isSafeInteger(pos) || seq > MAX_SEQ) return null;
  return { pos, seq, roomId: parts[3] as string };
}

/** Up to `limit + 1` keys of messages matching every word (by prefix), newest first. */
export function searchKeys(ctx: DbContext, terms: SearchTerm[], userId: string, opts: { after?: SearchCursor; limit: number }) {
  return ctx.dialect === "pg" ? searchPg(ctx, terms, userId, opts) : searchD1(ctx, terms, userId, opts);
}

/**
 * D1: driven by the FTS5 index in rowid order, newest first (the order the store received
 * the messages), membership checked per hit, so the work is bounded by the page, not by the
 * size of the user's rooms. An edit keeps a row's rowid, so it keeps its place.
 */
function searchD1(ctx: DbContext, terms: SearchTerm[], userId: string, opts: { after?: SearchCursor; limit: number }) {
  const after = opts.after ? sql`and messages_fts.rowid < ${opts.after.pos}` : sql``;
  return ctx.rows<SearchKey>(
    sql`select m.room_id, m.seq, m.rowid as pos from messages_fts join messages m on m.rowid = messages_fts.rowid
        join room_members rm on rm.room_id = m.room_id and rm.user_id = ${userId}
        where messages_fts match ${terms.map((t) => `"${t.word}"${t.prefix ? "*" : ""}`).join(" ")} ${after}
        order by messages_fts.rowid desc limit ${opts.limit + 1}`,
  );
}

/**
 * Postgres: a GIN index cannot hand out its matches newest first, so one statement takes
 * one of two exact ways. A common word walks each room newest first through
 * `messages_created`, testing rows until it has a page's worth, and merges the rooms' pages;
 * a rare one takes every match from the index (at most SEARCH_SORT_AT, in the user's rooms,
 * past the cursor) and sorts them. Which one: the word is common if the newest page's worth
 * (past the cursor) of the user's SEARCH_PROBE_ROOMS most active rooms already holds a page's
 * worth of matches (`probe`), or else if the index finds more than SEARCH_SORT_AT (`hits`).
 * The index is asked only when the probe says rare: for a word in every message it would
 * list them all, however few it is asked for (a bitmap of 100,000 rows takes longer than the
 * whole walk). A room where the word is rare while common in the user's other rooms is still
 * walked through. `created_at <= pos` beside the row comparison lets the walks start at the
 * cursor through the index.
 */
function searchPg(ctx: DbContext, terms: SearchTerm[], userId: string, opts: { after?: SearchCursor; limit: number }) {
  const query = terms.map((t) => `${t.word}${t.prefix ? ":*" : ""}`).join(" & ");
  const match = (content: SQL) => sql`to_tsvector('simple', ${content}) @@ to_tsquery('simple', ${query})`;
  const { after } = opts;
  const past = (alias: string) => {
    if (!after) return sql`true`;
    const a = sql.raw(alias);
    return sql`${a}.created_at <= ${after.pos} and (${a}.created_at, ${a}.seq, ${a}.room_id) < (${after.pos}, ${after.seq}, ${after.roomId}::text)`;
  };
  const want = opts.limit + 1;
  return ctx.rows<SearchKey>(
    sql`with probe as materialized (
          select count(*) as n from (
            select 1 from (select rm.room_id from room_members rm join rooms r on r.id = rm.room_id
                           where rm.user_id = ${userId} order by r.last_activity_at desc limit ${SEARCH_PROBE_ROOMS}) active
            cross join lateral (select m.content from messages m where m.room_id = active.room_id and ${past("m")}
                                order by m.created_at desc, m.seq desc limit ${want}) recent
            where ${match(sql`recent.content`)} limit ${want}) found),
        hits as materialized (
          select m.room_id, m.seq, m.created_at from messages m
          join room_members rm on rm.room_id = m.room_id and rm.user_id = ${userId}
          where ${match(sql`m.content`)} and ${past("m")} limit ${SEARCH_SORT_AT + 1}),
        walk as materialized (
          select (select n from probe) >= ${want} or (select count(*) from hits) > ${SEARCH_SORT_AT} as yes)
        (select room_id, seq, created_at as pos from hits where not (select yes from walk)
         order by created_at desc, seq desc, room_id desc limit ${want})
        union all
        (select w.room_id, w.seq, w.created_at as pos from room_members rm cross join lateral (
           select m.room_id, m.seq, m.created_at from messages m where m.room_id = rm.room_id and ${past("m")} and ${match(sql`m.content`)}
           order by m.created_at desc, m.seq desc limit ${want}) w
         where rm.user_id = ${userId} and (select yes from walk)
         order by w.created_at desc, w.seq desc, w.room_id desc limit ${want})`,
  );
}
