// The room's change log: every edit, delete, new reply version and version choice gets the next
// change number (its own sequence, beside the message seqs), broadcast with the changed message
// in a `message_updated` frame. A client reconnecting with `hello {afterSeq, afterChange}` is
// sent the current version of every message up to `afterSeq` changed after `afterChange`, so
// it never keeps a version that is gone. The newest KEEP_CHANGES changes are kept (in SQLite,
// surviving eviction); a client further behind gets those it can and should reload.
import type { Message } from "../../shared/wire";

const KEEP_CHANGES = 5000;

export class Changes {
  /** The last change number, read once and then kept here: every change is recorded through
   * this object, and a failed commit resets the whole object, this with it. */
  private lastN: number | undefined;

  constructor(private readonly sql: SqlStorage) {
    // AUTOINCREMENT: a number is never reused, even after the oldest rows are dropped.
    sql.exec("CREATE TABLE IF NOT EXISTS changes (n INTEGER PRIMARY KEY AUTOINCREMENT, seq INTEGER NOT NULL)");
  }

  /** The last change number (0 before the first change). */
  last(): number {
    this.lastN ??= Number(this.sql.exec<{ n: number | null }>("SELECT max(n) AS n FROM changes").one().n ?? 0);
    return this.lastN;
  }

  /** Records a change of message `seq`; returns its number. */
  record(seq: number): number {
    const { n } = this.sql.exec<{ n: number }>("INSERT INTO changes (seq) VALUES (?) RETURNING n", seq).one();
    if (n % 100 === 0) this.sql.exec("DELETE FROM changes WHERE n <= ?", n - KEEP_CHANGES);
    this.lastN = n;
    return n;
  }

  /** The seqs up to `throughSeq` changed after change `after`, ascending. */
  since(after: number, throughSeq: number): number[] {
    // Every hello asks; in most rooms nothing has changed since the client last heard.
    if (after >= this.last()) return [];
    return this.sql
      .exec<{ seq: number }>("SELECT DISTINCT seq FROM changes WHERE n > ? AND seq <= ? ORDER BY seq", after, throughSeq)
      .toArray()
      .map((r) => r.seq);
  }
}

/** The frame that tells every socket a message changed. */
export function updatedFrame(message: Message, change: number) {
  return { type: "message_updated" as const, message, change };
}
