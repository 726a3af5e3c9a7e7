// Which rows of a room's hot log the history store still lacks: those past the watermark of
// first copies (copied_through) and those edited since their last copy. A new row enters the
// partial index of dirty rows only when it is edited, and a copy moves the watermark only as
// far as it reached. A log written before the watermark existed gets one on waking.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { chatRoom } from "./chat-room";
import { RoomLog } from "./room-log";
import { DIRTY_COUNT } from "./test-support";

const author = { kind: "user" as const, id: "u1", name: "Ann" };

/** A fresh room's storage with its own log on it; `fn` runs inside the object. */
function withLog(fn: (log: RoomLog, sql: SqlStorage, storage: DurableObjectStorage) => void) {
  return runInDurableObject(chatRoom(env, `unit-${crypto.randomUUID()}`), (_instance, state) =>
    fn(new RoomLog(state.storage, () => "r"), state.storage.sql, state.storage),
  );
}

const seqs = (rows: { message: { seq: number } }[]) => rows.map((r) => r.message.seq);
const copy = (log: RoomLog, limit = 1000) => {
  const batch = log.dirty(limit);
  log.markFlushed(batch.map(({ message, version }) => ({ seq: message.seq, version })));
  return seqs(batch);
};
const indexed = (sql: SqlStorage) => Number(sql.exec("SELECT count(*) AS n FROM messages WHERE version > flushed").one().n);
const watermark = (sql: SqlStorage) => Number(sql.exec("SELECT value FROM log_meta WHERE key = 'copied_through'").one().value);
const append = (log: RoomLog, n: number) => {
  for (let i = 0; i < n; i++) log.append({ author, content: `m${i}`, status: "complete" });
};

describe("the hot log's dirty rows", () => {
  it("keeps new rows out of the dirty index: they are dirty by seq, and a copy moves the watermark", async () => {
    await withLog((log, sql) => {
      append(log, 10);
      expect(indexed(sql)).toBe(0);
      expect(seqs(log.dirty(100))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(log.backlog().messages).toBe(10);
      expect(copy(log)).toHaveLength(10);
      expect(watermark(sql)).toBe(10);
      expect(log.dirty(100)).toEqual([]);
      expect(log.hasDirty()).toBe(false);
      expect(log.backlog()).toEqual({ messages: 0, oldestAt: null });
      expect(Number(sql.exec(DIRTY_COUNT).one().n)).toBe(0);
    });
  });

  it("moves the watermark only as far as a partial copy reached, and merges edited rows in seq order", async () => {
    await withLog((log, sql) => {
      append(log, 10);
      expect(copy(log, 4)).toEqual([1, 2, 3, 4]);
      expect(watermark(sql)).toBe(4);
      expect(log.hasDirty()).toBe(true);
      expect(log.backlog().messages).toBe(6);

      log.update(2, { content: "edited" });
      expect(indexed(sql)).toBe(1);
      expect(log.backlog().messages).toBe(7);
      expect(log.dirtyBetween(1, 7).map((m) => m.seq)).toEqual([2, 5, 6]);
      expect(copy(log, 3)).toEqual([2, 5, 6]);
      expect(watermark(sql)).toBe(6);
      expect(indexed(sql)).toBe(0);
      expect(seqs(log.dirty(100))).toEqual([7, 8, 9, 10]);
      expect(Number(sql.exec(DIRTY_COUNT).one().n)).toBe(4);
    });
  });

  it("keeps a row edited while its copy was on the way dirty, in its new version", async () => {
    await withLog((log) => {
      append(log, 3);
      const batch = log.dirty(100);
      log.update(2, { content: "edited during the copy" });
      log.markFlushed(batch.map(({ message, version }) => ({ seq: message.seq, version })));
      const left = log.dirty(100);
      expect(left.map((r) => [r.message.seq, r.version, r.message.content])).toEqual([[2, 2, "edited during the copy"]]);
      copy(log);
      expect(log.hasDirty()).toBe(false);
    });
  });

  it("keeps the watermark where it is when edited rows fill a copy, and copies the rest next", async () => {
    await withLog((log, sql) => {
      append(log, 10);
      copy(log);
      for (const seq of [1, 2, 3]) log.update(seq, { content: "edited" });
      append(log, 2);
      expect(copy(log, 3)).toEqual([1, 2, 3]);
      expect(watermark(sql)).toBe(10);
      expect(seqs(log.dirty(100))).toEqual([11, 12]);
      expect(copy(log)).toEqual([11, 12]);
      expect(log.hasDirty()).toBe(false);
    });
  });

  it("keeps an edited row that is edited again during its copy dirty, in its newest version", async () => {
    await withLog((log) => {
      append(log, 3);
      copy(log);
      log.update(2, { content: "second" });
      const batch = log.dirty(100);
      expect(batch.map((r) => r.version)).toEqual([2]);
      log.update(2, { content: "third" });
      log.markFlushed(batch.map(({ message, version }) => ({ seq: message.seq, version })));
      expect(log.dirty(100).map((r) => [r.message.seq, r.version, r.message.content])).toEqual([[2, 3, "third"]]);
    });
  });

  it("takes rows an older version wrote after the watermark (flushed = 0) as new rows on waking", async () => {
    await withLog((log, sql, storage) => {
      append(log, 6);
      expect(copy(log, 3)).toEqual([1, 2, 3]);
      // An older version ran meanwhile: it copied row 4 and marked it, and left 5 and 6 at 0.
      sql.exec("UPDATE messages SET flushed = CASE WHEN seq = 4 THEN 1 ELSE 0 END WHERE seq > 3");
      const woken = new RoomLog(storage, () => "r");
      expect(Number(sql.exec("SELECT count(*) AS n FROM messages WHERE flushed = 0").one().n)).toBe(0);
      expect(watermark(sql)).toBe(3);
      expect(copy(woken)).toEqual([4, 5, 6]);
      expect(woken.hasDirty()).toBe(false);
      expect(woken.backlog().messages).toBe(0);
    });
  });

  it("gives a log from before the watermark one on waking, with the same rows dirty", async () => {
    await withLog((log, sql, storage) => {
      append(log, 6);
      log.update(2, { content: "edited" });
      log.update(5, { content: "edited" });
      log.update(5, { content: "edited twice" });
      // As the log was kept before: every copy marked in `flushed`, a row never copied at 0.
      // Rows 1–3 were copied (row 2 before its edit); 4–6 never were.
      sql.exec("DELETE FROM log_meta WHERE key = 'copied_through'");
      sql.exec("UPDATE messages SET flushed = CASE WHEN seq = 2 THEN 1 WHEN seq <= 3 THEN version ELSE 0 END");

      const woken = new RoomLog(storage, () => "r");
      expect(watermark(sql)).toBe(3);
      expect(seqs(woken.dirty(100))).toEqual([2, 4, 5, 6]);
      expect(woken.dirty(100).map((r) => r.version)).toEqual([2, 1, 3, 1]);
      expect(Number(sql.exec("SELECT count(*) AS n FROM messages WHERE flushed = 0").one().n)).toBe(0);
      copy(woken);
      expect(woken.hasDirty()).toBe(false);
      // Waking again changes nothing.
      new RoomLog(storage, () => "r");
      expect(watermark(sql)).toBe(6);
    });
  });

  it("starts an emptied log's watermark at its pruned point", async () => {
    await withLog((_log, sql, storage) => {
      sql.exec("DELETE FROM log_meta WHERE key = 'copied_through'");
      sql.exec("INSERT INTO log_meta (key, value) VALUES ('pruned_through', 50)");
      const woken = new RoomLog(storage, () => "r");
      expect(watermark(sql)).toBe(50);
      expect(woken.hasDirty()).toBe(false);
      woken.append({ author, content: "next", status: "complete" });
      expect(seqs(woken.dirty(100))).toEqual([51]);
    });
  });
});
