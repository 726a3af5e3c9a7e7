// A room's hot log in the ChatRoom object's own SQLite storage. Every message is written here
// first (that write is what "acked" means), gets its gap-free seq here, and is copied to the
// history store later by the flush. `version` counts edits (an AI reply is edited as it
// streams). A row is dirty (the history store lacks its current version) while its seq is past
// `copied_through`, the watermark of first copies, or while version > flushed, the version
// the store last received: a new row is written with both at 1, so only an edit puts a row in
// the partial index of dirty rows, and a first copy moves one number instead of rewriting its
// rows. Everything here survives eviction and restarts.
import type { Message, MessageStatus } from "../../shared/wire";
import { LogWriter, type Reservation } from "./log-writer";
import { dirtyBacklog, dirtyRows, dirtyRowsBetween, hasEditedRows, markCopied } from "./room-log-dirty";
import { createLogTables, type NewMessage, pruneRows, type Row, readCopiedThrough, toMessage } from "./room-log-rows";
import { chooseVersion, type Revision, reviseRow, startVersion } from "./room-log-versions";

export type { NewMessage } from "./room-log-rows";

export class RoomLog {
  /** The seqs and the write order; every statement goes through its `sql`. */
  private readonly w: LogWriter;
  /** Every row up to this seq has been copied at least once (log_meta's copied_through). */
  private copied: number;

  constructor(
    storage: Pick<DurableObjectStorage, "sql" | "transactionSync">,
    private readonly roomId: () => string,
  ) {
    createLogTables(storage.sql);
    this.w = new LogWriter(storage);
    this.w.reload();
    this.copied = readCopiedThrough(storage.sql);
  }

  /** The last seq written (a reserved row is written first). */
  get lastSeq(): number {
    this.w.settle();
    return this.w.last;
  }

  /** The oldest seq still here (lastSeq + 1 when empty): rows before it were pruned, and are
   * in the history store. */
  get firstSeq(): number {
    return this.w.first;
  }

  /** Re-reads the first and last seq from storage (after a rolled-back transaction). */
  reload() {
    this.w.reload();
    this.copied = readCopiedThrough(this.w.sql);
  }

  /** Drops the oldest rows the history store already holds, keeping the newest `keepRows` and
   * everything written after `keepSince` (epoch ms), at most `maxRows` at a time; returns how
   * many went. Only a prefix goes (pruneRows): the log stays gap-free. */
  prune(keepRows: number, keepSince: number, maxRows: number): number {
    this.w.settle();
    const first = this.firstSeq;
    const gone = pruneRows(this.w.sql, first, Math.min(this.w.last - keepRows, first + maxRows - 1), keepSince, this.copied);
    if (gone.last < first) return 0;
    this.w.pruned(gone.last + 1, gone.clientIds);
    return gone.last - first + 1;
  }

  append(m: NewMessage, now = Date.now()): Message {
    // With no ON CONFLICT clause the insert either writes its row or throws.
    return this.insert(m, now, false) as Message;
  }

  /** Appends `m` unless its author already sent its clientId (a resend: nothing is written,
   * undefined comes back). One statement instead of a lookup and an insert, for every send. */
  appendOnce(m: NewMessage & { clientId: string }, now = Date.now()): Message | undefined {
    return this.insert(m, now, true);
  }

  /** Takes the next seq for `m`, to be written by settle(), which every other use of the log
   * calls first (see log-writer.ts): the room sends it before it writes it (Sends.sendEarly). */
  reserve(m: NewMessage, then: Reservation, now = Date.now()): { message: Message; outcome: Promise<boolean> } {
    const { row, outcome } = this.w.reserve(m, then, now);
    return { message: this.toMessage(row), outcome };
  }

  /** Writes the reserved row, if there is one (see reserve()). Throws only if its callbacks do. */
  settle(): void {
    this.w.settle();
  }

  /** `fn` in one transaction, after the reserved row is written (outside it: a rollback of
   * `fn` cannot take back a row that was already sent and acknowledged). */
  transaction<T>(fn: () => T): T {
    return this.w.transaction(fn);
  }

  private insert(m: NewMessage, now: number, onceByClient: boolean): Message | undefined {
    const next = this.w.prepare(m, now);
    return next.commit(onceByClient) ? this.toMessage(next.row) : undefined;
  }

  /** Edits a message; bumps its version so the flush sends it again. */
  update(
    seq: number,
    patch: { content?: string; status?: MessageStatus; error?: string | null; retryAt?: number | null; streamIndex?: number },
  ) {
    const cur = this.row(seq);
    if (!cur) return undefined;
    this.w.sql.exec(
      "UPDATE messages SET content = ?, status = ?, error = ?, retry_at = ?, stream_index = ?, version = version + 1 WHERE seq = ?",
      patch.content ?? cur.content,
      patch.status ?? cur.status,
      patch.error === undefined ? cur.error : patch.error,
      patch.retryAt === undefined ? cur.retry_at : patch.retryAt,
      patch.streamIndex ?? cur.stream_index,
      seq,
    );
    return this.get(seq);
  }

  /** A person's edit or delete (see room-log-versions.ts). */
  revise(seq: number, patch: Revision): Message | undefined {
    reviseRow(this.w.sql, seq, patch);
    return this.get(seq);
  }

  /** Starts a new, current version of an AI reply, keeping the earlier ones. */
  newVersion(seq: number, now = Date.now()): Message | undefined {
    const r = this.row(seq);
    if (r) startVersion(this.w.sql, r, now);
    return r && this.get(seq);
  }

  /** Makes version `n` (1-based) of an AI reply the one everyone sees and the AI reads. */
  selectVersion(seq: number, n: number): Message | undefined {
    const r = this.row(seq);
    return r && chooseVersion(this.w.sql, r, n) ? this.get(seq) : undefined;
  }

  /** Appends streamed text; returns the delta's index. */
  appendText(seq: number, text: string): number {
    const row = this.w.sql
      .exec<{ stream_index: number }>(
        "UPDATE messages SET content = content || ?, stream_index = stream_index + 1, version = version + 1 WHERE seq = ? RETURNING stream_index",
        text,
        seq,
      )
      .one();
    return row.stream_index - 1;
  }

  get(seq: number): Message | undefined {
    return this.list("SELECT * FROM messages WHERE seq = ?", seq)[0];
  }

  byClientId(authorId: string, clientId: string): Message | undefined {
    // Almost every send asks about a clientId never used: that needs no query.
    if (!this.w.mayHaveUsed(authorId, clientId)) return undefined;
    return this.list("SELECT * FROM messages WHERE author_id = ? AND client_id = ?", authorId, clientId)[0];
  }

  /** Messages with seq > afterSeq in seq order, at most `limit`. */
  after(afterSeq: number, limit: number): Message[] {
    // A client that is up to date (every reconnect in a quiet room) costs no query.
    if (afterSeq >= this.w.last) return [];
    return this.list("SELECT * FROM messages WHERE seq > ? ORDER BY seq LIMIT ?", afterSeq, limit);
  }

  /** The last `limit` messages at or before `seq`, ascending. */
  upTo(seq: number, limit: number): Message[] {
    return this.list("SELECT * FROM messages WHERE seq <= ? ORDER BY seq DESC LIMIT ?", seq, limit).reverse();
  }

  /** Messages in (from, to] edited after they were written (AI replies that streamed,
   * stopped or failed), ascending. */
  editedBetween(from: number, to: number): Message[] {
    if (from >= to) return [];
    return this.list("SELECT * FROM messages WHERE seq > ? AND seq <= ? AND version > 1 ORDER BY seq", from, to);
  }

  /** Rows the history store has not seen in their current version, oldest first, at most
   * `limit` (room-log-dirty.ts). */
  dirty(limit: number): { message: Message; version: number; createdAt: number }[] {
    const rows = dirtyRows(this.w.sql, this.copied, this.w.last, limit);
    return rows.map((r) => ({ message: this.toMessage(r), version: r.version, createdAt: r.created_at }));
  }

  /** Dirty rows within a seq window, for read-your-writes merges into REST pages. */
  dirtyBetween(afterSeq: number, beforeSeq: number): Message[] {
    return dirtyRowsBetween(this.w.sql, this.copied, this.w.last, afterSeq, beforeSeq).map((r) => this.toMessage(r));
  }

  /** The history store now holds these rows in these versions (a batch dirty() returned). */
  markFlushed(rows: { seq: number; version: number }[]) {
    this.copied = markCopied(this.w.sql, rows, this.copied);
  }

  hasDirty(): boolean {
    return this.copied < this.lastSeq || hasEditedRows(this.w.sql);
  }

  /** Rows the history store lacks in their current version; the oldest one's time (or null). */
  backlog(): { messages: number; oldestAt: number | null } {
    return dirtyBacklog(this.w.sql, this.copied);
  }

  private row(seq: number): Row | undefined {
    return this.w.sql.exec<Row>("SELECT * FROM messages WHERE seq = ?", seq).toArray()[0];
  }

  private list(query: string, ...bindings: SqlStorageValue[]): Message[] {
    return this.w.sql
      .exec<Row>(query, ...bindings)
      .toArray()
      .map((r) => this.toMessage(r));
  }

  private toMessage(r: Row): Message {
    return toMessage(r, this.roomId());
  }
}
