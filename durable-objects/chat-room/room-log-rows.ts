// The hot log's table and its rows: the schema, and the conversions between a row and the
// wire's Message. See room-log.ts for what the log guarantees.
import type { Attachment, Author, Message, MessageStatus } from "../../shared/wire";

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
};

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
  // Logs created before usernames were recorded gain the column (null for their old rows).
  try {
    sql.exec("ALTER TABLE messages ADD COLUMN author_username TEXT");
  } catch {
    // Already there.
  }
  // clientIds are chosen by clients, so they are unique per author, not per room.
  sql.exec("CREATE UNIQUE INDEX IF NOT EXISTS messages_client ON messages(author_id, client_id) WHERE client_id IS NOT NULL");
  sql.exec("CREATE UNIQUE INDEX IF NOT EXISTS messages_job ON messages(job_id) WHERE job_id IS NOT NULL");
  sql.exec("CREATE INDEX IF NOT EXISTS messages_dirty ON messages(seq) WHERE version > flushed");
  sql.exec("CREATE INDEX IF NOT EXISTS messages_streaming ON messages(seq) WHERE status = 'streaming'");
  // Pruned rows leave their seq behind, so the next message never reuses one.
  sql.exec("CREATE TABLE IF NOT EXISTS log_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
  // Added after the table first shipped: rooms created before it get the column here.
  if (!sql.exec("SELECT * FROM messages LIMIT 0").columnNames.includes("attachments")) {
    sql.exec("ALTER TABLE messages ADD COLUMN attachments TEXT");
  }
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
  };
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
  return m;
}
