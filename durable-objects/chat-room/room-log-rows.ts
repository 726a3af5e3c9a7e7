// The hot log's table and its rows: the schema, and the conversions between a row and the
// wire's Message. See room-log.ts for what the log guarantees.
import type { Attachment, Author, Message, MessageStatus, MessageVersion } from "../../shared/wire";

export type Row = {
  seq: number;
  id: string;
  author_kind: Author["kind"];
  author_id: string;
  author_name: string;
  author_username: string | null;
  content: string;
  status: MessageStatus;
  client_id: string | null;
  reply_to: number | null;
  error: string | null;
  retry_at: number | null;
  job_id: string | null;
  stream_index: number;
  created_at: number;
  version: number;
  /** JSON of the message's attachments, or null. */
  attachments: string | null;
  edited_at: number | null;
  deleted_at: number | null;
  /** JSON: every version of a regenerated AI reply (MessageVersion[]); the entry of the current
   * one may be stale, the row's own columns hold it. Null until the first regenerate. */
  versions: string | null;
  current_version: number | null;
};

/** Columns added after the table first shipped: objects created before them get them here. */
const LATER_COLUMNS = [
  "author_username TEXT",
  "attachments TEXT",
  "edited_at INTEGER",
  "deleted_at INTEGER",
  "versions TEXT",
  "current_version INTEGER",
];

export type NewMessage = {
  author: Author;
  content: string;
  status: MessageStatus;
  clientId?: string;
  replyTo?: number;
  jobId?: string;
  attachments?: Attachment[];
};

export function createLogTables(sql: SqlStorage): void {
  sql.exec(`CREATE TABLE IF NOT EXISTS messages (
    seq INTEGER PRIMARY KEY, id TEXT NOT NULL, author_kind TEXT NOT NULL, author_id TEXT NOT NULL,
    author_name TEXT NOT NULL, author_username TEXT, content TEXT NOT NULL, status TEXT NOT NULL, client_id TEXT,
    reply_to INTEGER, error TEXT, retry_at INTEGER, job_id TEXT, stream_index INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    version INTEGER NOT NULL DEFAULT 1, flushed INTEGER NOT NULL DEFAULT 0)`);
  // clientIds are chosen by clients, so they are unique per author, not per room.
  sql.exec("CREATE UNIQUE INDEX IF NOT EXISTS messages_client ON messages(author_id, client_id) WHERE client_id IS NOT NULL");
  sql.exec("CREATE UNIQUE INDEX IF NOT EXISTS messages_job ON messages(job_id) WHERE job_id IS NOT NULL");
  // Only edited rows are in it: a new row is written with flushed = version = 1 and is dirty by
  // its seq (past copied_through) instead, so its insert adds no entry here and its copy
  // rewrites neither the row nor the index.
  sql.exec("CREATE INDEX IF NOT EXISTS messages_dirty ON messages(seq) WHERE version > flushed");
  sql.exec("CREATE INDEX IF NOT EXISTS messages_streaming ON messages(seq) WHERE status = 'streaming'");
  // Pruned rows leave their seq behind, so the next message never reuses one.
  sql.exec("CREATE TABLE IF NOT EXISTS log_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
  const have = new Set(
    sql
      .exec<{ name: string }>("SELECT name FROM pragma_table_info('messages')")
      .toArray()
      .map((c) => c.name),
  );
  for (const column of LATER_COLUMNS) if (!have.has(column.split(" ")[0]!)) sql.exec(`ALTER TABLE messages ADD COLUMN ${column}`);
  startCopiedThrough(sql);
}

/**
 * Gives a log written before `copied_through` existed (every row's first copy was marked in
 * `flushed`, from 0) its watermark: just before its first row never copied. And on every wake,
 * a row still at flushed = 0 (never copied, written by a version before the watermark, even
 * one that ran after a later version) takes flushed = 1 like a new row: past the watermark it
 * is dirty by its seq; edited, by its version. Without that, a copy would leave it at 0 and it
 * would stay dirty for ever. The update reads only the partial index of dirty rows.
 */
function startCopiedThrough(sql: SqlStorage) {
  sql.exec(
    `INSERT INTO log_meta (key, value)
     SELECT 'copied_through', coalesce((SELECT min(seq) FROM messages WHERE version > flushed AND flushed = 0) - 1,
                                       (SELECT max(seq) FROM messages), (SELECT value FROM log_meta WHERE key = 'pruned_through'), 0)
     WHERE NOT EXISTS (SELECT 1 FROM log_meta WHERE key = 'copied_through')`,
  );
  sql.exec("UPDATE messages SET flushed = 1 WHERE version > flushed AND flushed = 0");
}

/** The watermark of the first copies: every row up to it has reached the history store. */
export function readCopiedThrough(sql: SqlStorage): number {
  return Number(sql.exec<{ value: number }>("SELECT value FROM log_meta WHERE key = 'copied_through'").one().value);
}

/**
 * Inserts message `seq`; returns whether a row was written. With `onceByClient`, a clientId
 * its author already used writes nothing (the unique index on both decides) instead of
 * failing.
 */
export function insertRow(sql: SqlStorage, m: NewMessage, seq: number, id: string, now: number, onceByClient: boolean): boolean {
  const onConflict = onceByClient ? " ON CONFLICT (author_id, client_id) WHERE client_id IS NOT NULL DO NOTHING" : "";
  return (
    sql
      .exec(
        `INSERT INTO messages (seq, id, author_kind, author_id, author_name, author_username, content, status, client_id, reply_to, job_id, created_at, attachments, flushed)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)${onConflict} RETURNING seq`,
        seq,
        id,
        m.author.kind,
        m.author.id,
        m.author.name,
        m.author.username ?? null,
        m.content,
        m.status,
        m.clientId ?? null,
        m.replyTo ?? null,
        m.jobId ?? null,
        now,
        m.attachments?.length ? JSON.stringify(m.attachments) : null,
      )
      .toArray().length > 0
  );
}

/**
 * Records that the history store holds these versions, and moves the watermark to `through`.
 * Only edited rows are rewritten (a row's first version is covered by the watermark): at most
 * two statements for the whole batch, which run on the room's thread between its messages.
 */
export function markRowsFlushed(sql: SqlStorage, rows: { seq: number; version: number }[], through: number | undefined): void {
  const edited = rows.filter((r) => r.version > 1);
  if (edited.length > 0) {
    sql.exec(
      `UPDATE messages SET flushed = max(flushed, f.value ->> 'version')
       FROM json_each(?) AS f WHERE messages.seq = f.value ->> 'seq'`,
      JSON.stringify(edited),
    );
  }
  if (through !== undefined) sql.exec("UPDATE log_meta SET value = max(value, ?) WHERE key = 'copied_through'", through);
}

/** The row `append` just wrote, as it is in the table (read back, it would be the same). */
export function newRow(m: NewMessage, seq: number, id: string, now: number): Row {
  return {
    seq,
    id,
    author_kind: m.author.kind,
    author_id: m.author.id,
    author_name: m.author.name,
    author_username: m.author.username ?? null,
    content: m.content,
    status: m.status,
    client_id: m.clientId ?? null,
    reply_to: m.replyTo ?? null,
    error: null,
    retry_at: null,
    job_id: m.jobId ?? null,
    stream_index: 0,
    created_at: now,
    version: 1,
    attachments: m.attachments?.length ? JSON.stringify(m.attachments) : null,
    edited_at: null,
    deleted_at: null,
    versions: null,
    current_version: null,
  };
}

/** A row's versions with the current one filled in from the row itself. */
export function versionsOf(r: Row): MessageVersion[] | null {
  if (r.versions === null || r.current_version === null) return null;
  const list = JSON.parse(r.versions) as MessageVersion[];
  const current: MessageVersion = { content: r.content, status: r.status, createdAt: list[r.current_version - 1]!.createdAt };
  if (r.error) current.error = r.error;
  list[r.current_version - 1] = current;
  return list;
}

export function toMessage(r: Row, roomId: string): Message {
  const m: Message = {
    id: r.id,
    roomId,
    seq: r.seq,
    author: { kind: r.author_kind, id: r.author_id, name: r.author_name, ...(r.author_username ? { username: r.author_username } : {}) },
    content: r.content,
    status: r.status,
    createdAt: new Date(r.created_at).toISOString(),
  };
  if (r.client_id) m.clientId = r.client_id;
  if (r.reply_to != null) m.replyTo = r.reply_to;
  if (r.error) m.error = r.error;
  if (r.attachments) m.attachments = JSON.parse(r.attachments) as Attachment[];
  if (r.status === "streaming") {
    m.streamIndex = r.stream_index;
    if (r.retry_at != null) m.retryAt = new Date(r.retry_at).toISOString();
  }
  if (r.edited_at != null) m.editedAt = new Date(r.edited_at).toISOString();
  if (r.deleted_at != null) m.deletedAt = new Date(r.deleted_at).toISOString();
  const versions = versionsOf(r);
  if (versions && r.current_version !== null) {
    m.version = r.current_version;
    m.versions = versions;
  }
  return m;
}

/**
 * Deletes the log's rows from `firstSeq` through `bound`, stopping before the first row that
 * is unflushed (past `copiedThrough` or edited since its copy), still streaming, or written
 * after `keepSince`, and records how far the log
 * was pruned (so a seq is never reused). Returns the last seq deleted (firstSeq - 1: none) and
 * the (author, clientId) pairs of the rows deleted.
 */
export function pruneRows(
  sql: SqlStorage,
  firstSeq: number,
  bound: number,
  keepSince: number,
  copiedThrough: number,
): { last: number; clientIds: { a: string; c: string }[] } {
  const none = { last: firstSeq - 1, clientIds: [] };
  bound = Math.min(bound, copiedThrough);
  if (bound < firstSeq) return none;
  const stops = sql
    .exec<{ dirty: number | null; streaming: number | null; young: number | null }>(
      `SELECT (SELECT min(seq) FROM messages WHERE version > flushed) AS dirty,
              (SELECT min(seq) FROM messages WHERE status = 'streaming') AS streaming,
              (SELECT min(seq) FROM messages WHERE seq <= ? AND created_at > ?) AS young`,
      bound,
      keepSince,
    )
    .one();
  let last = bound;
  for (const stop of [stops.dirty, stops.streaming, stops.young]) if (stop != null) last = Math.min(last, stop - 1);
  if (last < firstSeq) return none;
  const clientIds = sql
    .exec<{ a: string; c: string }>("DELETE FROM messages WHERE seq <= ? RETURNING author_id AS a, client_id AS c", last)
    .toArray()
    .filter((r) => r.c !== null);
  sql.exec(
    "INSERT INTO log_meta (key, value) VALUES ('pruned_through', ?) ON CONFLICT(key) DO UPDATE SET value = max(value, excluded.value)",
    last,
  );
  return { last, clientIds };
}
