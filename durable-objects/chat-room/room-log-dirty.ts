// The hot log's dirty rows, those the history store lacks in their current version: every row
// past `copied` (the watermark of first copies, log_meta's copied_through) and every row whose
// version > flushed (edited since its last copy; the partial index messages_dirty holds only
// these). `last` is the log's last seq, so a log with nothing past the watermark asks nothing.
import { markRowsFlushed, type Row } from "./room-log-rows";

/** The oldest `limit` dirty rows, in seq order. Every row past the watermark up to the last
 * one returned is among them (see markCopied). */
export function dirtyRows(sql: SqlStorage, copied: number, last: number, limit: number): Row[] {
  return mergeBySeq(
    sql.exec<Row>("SELECT * FROM messages WHERE version > flushed ORDER BY seq LIMIT ?", limit).toArray(),
    copied < last ? sql.exec<Row>("SELECT * FROM messages WHERE seq > ? ORDER BY seq LIMIT ?", copied, limit).toArray() : [],
  ).slice(0, limit);
}

/** Dirty rows with afterSeq < seq < beforeSeq, in seq order. */
export function dirtyRowsBetween(sql: SqlStorage, copied: number, last: number, afterSeq: number, beforeSeq: number): Row[] {
  const fresh = Math.max(afterSeq, copied);
  return mergeBySeq(
    sql.exec<Row>("SELECT * FROM messages WHERE version > flushed AND seq > ? AND seq < ? ORDER BY seq", afterSeq, beforeSeq).toArray(),
    fresh < last ? sql.exec<Row>("SELECT * FROM messages WHERE seq > ? AND seq < ? ORDER BY seq", fresh, beforeSeq).toArray() : [],
  );
}

/** Records that the store holds `rows` (a batch dirtyRows returned) in these versions, and
 * returns the new watermark: the last of them past the old one, since every row between is in
 * the batch. */
export function markCopied(sql: SqlStorage, rows: { seq: number; version: number }[], copied: number): number {
  let through: number | undefined;
  for (const r of rows) if (r.seq > copied && (through === undefined || r.seq > through)) through = r.seq;
  markRowsFlushed(sql, rows, through);
  return through ?? copied;
}

/** Whether a row was edited since its last copy. */
export function hasEditedRows(sql: SqlStorage): boolean {
  return sql.exec("SELECT 1 FROM messages WHERE version > flushed LIMIT 1").toArray().length > 0;
}

/** How many rows are dirty, and the oldest one's time (or null). */
export function dirtyBacklog(sql: SqlStorage, copied: number): { messages: number; oldestAt: number | null } {
  const row = sql
    .exec<{ n: number; oldest: number | null }>(
      `SELECT sum(n) AS n, min(oldest) AS oldest FROM (
         SELECT count(*) AS n, min(created_at) AS oldest FROM messages WHERE seq > ?
         UNION ALL SELECT count(*), min(created_at) FROM messages WHERE version > flushed AND seq <= ?)`,
      copied,
      copied,
    )
    .one();
  return { messages: Number(row.n), oldestAt: row.oldest };
}

/** Two seq-ordered lists of rows as one, each row once. */
function mergeBySeq(a: Row[], b: Row[]): Row[] {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const bySeq = new Map<number, Row>();
  for (const r of a) bySeq.set(r.seq, r);
  for (const r of b) bySeq.set(r.seq, r);
  return [...bySeq.values()].sort((x, y) => x.seq - y.seq);
}
