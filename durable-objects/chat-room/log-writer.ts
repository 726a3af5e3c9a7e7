// The order of a room's hot-log writes: which seq comes next, and the one row that may be sent
// before it is written (early delivery). RoomLog reaches its SQLite only through `sql` here,
// which writes that row first, so no read misses it and no other write can take its seq.
import { insertRow, type NewMessage, newRow, type Row } from "./room-log-rows";

/** What becomes of a reserved row once it is written, or fails to be (LogWriter.reserve). */
export type Reservation = { written: () => void; lost: (err: unknown) => void };

/** The next seq's row and the write that makes it so, apart. */
type Prepared = { row: Row; commit: (onceByClient: boolean) => boolean };

const clientKey = (authorId: string, clientId: string) => `${authorId}\u0000${clientId}`;

export class LogWriter {
  /** The last seq taken, a reserved row's included. */
  last = 0;
  /** The oldest seq still in the log (last + 1 when empty). */
  first = 1;
  /** A row sent before it was written: written by the next use of the log at the latest. */
  private reserved: { write: () => boolean; then: Reservation; done: (written: boolean) => void } | undefined;
  /** Every (author, clientId) in the log, and maybe a few more (a write that was rolled back
   * or lost): a key not in it was never used, so a resend check needs no query. Loaded on
   * first use (one scan after the object wakes), kept up to date from then on. */
  private clientIds: Set<string> | undefined;

  constructor(private readonly storage: Pick<DurableObjectStorage, "sql" | "transactionSync">) {}

  /** The storage, for every statement: the reserved row is written first. */
  get sql(): SqlStorage {
    if (this.reserved) this.settle();
    return this.storage.sql;
  }

  /** Re-reads the first and last seq from storage (after a rolled-back or lost write). */
  reload() {
    const row = this.sql
      .exec<{ lo: number | null; hi: number | null; pruned: number | null }>(
        "SELECT min(seq) AS lo, max(seq) AS hi, (SELECT value FROM log_meta WHERE key = 'pruned_through') AS pruned FROM messages",
      )
      .one();
    this.last = Math.max(Number(row.hi ?? 0), Number(row.pruned ?? 0));
    this.first = row.lo ?? this.last + 1;
  }

  /** The next seq's row, and its write (with `onceByClient`, a clientId its author already
   * used writes nothing and returns false). */
  prepare(m: NewMessage, now: number): Prepared {
    this.settle();
    const seq = this.last + 1;
    const id = crypto.randomUUID();
    // Known from now on, before it is written: a resend of a reserved row must find it.
    if (m.clientId !== undefined) this.clientIds?.add(clientKey(m.author.id, m.clientId));
    const commit = (onceByClient: boolean) => {
      if (!insertRow(this.sql, m, seq, id, now, onceByClient)) return false;
      this.last = seq;
      return true;
    };
    // Built from what is written rather than read back: this is the hot path.
    return { row: newRow(m, seq, id, now), commit };
  }

  /** Takes the next seq for `m` and writes it later (settle()); `then` hears which way it went
   * as it happens, `outcome` (true: written) right after; a lost row leaves its seq free. */
  reserve(m: NewMessage, then: Reservation, now: number): { row: Row; outcome: Promise<boolean> } {
    const next = this.prepare(m, now);
    this.last = next.row.seq;
    const outcome = new Promise<boolean>((done) => {
      this.reserved = { write: () => next.commit(true), then, done };
    });
    return { row: next.row, outcome };
  }

  /** Writes the reserved row, if there is one. Throws only if `then`'s callbacks do. */
  settle(): void {
    const pending = this.reserved;
    if (!pending) return;
    this.reserved = undefined;
    let written = false;
    let error: unknown;
    try {
      written = pending.write();
    } catch (err) {
      error = err;
    }
    pending.done(written);
    if (written) {
      pending.then.written();
      return;
    }
    // Built only here: an Error captures a stack trace, and this runs for every early message.
    pending.then.lost(error ?? new Error("its clientId was already used"));
    try {
      this.reload();
    } catch {
      // The log itself is gone (the room was deleted meanwhile): nothing to re-read.
    }
  }

  /** `fn` in one transaction, after the reserved row is written (outside it: a rollback of
   * `fn` cannot take back a row that was already sent and acknowledged). */
  transaction<T>(fn: () => T): T {
    this.settle();
    return this.storage.transactionSync(fn);
  }

  /** Whether `authorId` may have used `clientId` (false: certainly not, no query needed). */
  mayHaveUsed(authorId: string, clientId: string): boolean {
    this.clientIds ??= new Set(
      Array.from(
        this.sql.exec<{ a: string; c: string }>("SELECT author_id AS a, client_id AS c FROM messages WHERE client_id IS NOT NULL"),
        (r) => clientKey(r.a, r.c),
      ),
    );
    return this.clientIds.has(clientKey(authorId, clientId));
  }

  /** Rows were pruned: the log starts at `first` now, and their clientIds are gone with them. */
  pruned(first: number, gone: { a: string; c: string }[]) {
    this.first = first;
    for (const { a, c } of gone) this.clientIds?.delete(clientKey(a, c));
  }
}
