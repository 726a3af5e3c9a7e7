// Changes to rows of the hot log after they were written, other than streaming: a person's edit
// or delete, and the versions of a regenerated AI reply. Each bumps the row's `version`, so the
// flush copies it again (and a flush that read the row before the change does not count for
// it). A reply's versions are a JSON list beside the row; the row's own content, status and
// error are the current version's (its entry in the list may be stale until another is chosen).
import type { MessageVersion } from "../../shared/wire";
import { type Row, versionsOf } from "./room-log-rows";

/** An edit (new content, `editedAt`) or a delete (empty content and `deletedAt`). */
export type Revision = { content: string; editedAt?: number; deletedAt?: number };

/** Writes an edit, or a tombstone: a delete also drops the error and every version. */
export function reviseRow(sql: SqlStorage, seq: number, patch: Revision): void {
  const gone = patch.deletedAt !== undefined ? 1 : 0;
  sql.exec(
    `UPDATE messages SET content = ?, edited_at = coalesce(?, edited_at), deleted_at = ?, version = version + 1,
       error = CASE WHEN ? THEN NULL ELSE error END, versions = CASE WHEN ? THEN NULL ELSE versions END,
       current_version = CASE WHEN ? THEN NULL ELSE current_version END,
       attachments = CASE WHEN ? THEN NULL ELSE attachments END WHERE seq = ?`,
    patch.content,
    patch.editedAt ?? null,
    patch.deletedAt ?? null,
    gone,
    gone,
    gone,
    gone,
    seq,
  );
}

/** Starts a new version of an AI reply (empty, streaming) as the current one. */
export function startVersion(sql: SqlStorage, r: Row, now: number): void {
  const list = versionsOf(r) ?? [snapshot(r, r.created_at)];
  list.push({ content: "", status: "streaming", createdAt: new Date(now).toISOString() });
  sql.exec(
    `UPDATE messages SET content = '', status = 'streaming', error = NULL, retry_at = NULL, stream_index = 0,
       versions = ?, current_version = ?, version = version + 1 WHERE seq = ?`,
    JSON.stringify(list),
    list.length,
    r.seq,
  );
}

/** Makes version `n` (1-based) current; false if the reply has no such version. */
export function chooseVersion(sql: SqlStorage, r: Row, n: number): boolean {
  const list = versionsOf(r);
  const chosen = list?.[n - 1];
  if (!chosen) return false;
  sql.exec(
    "UPDATE messages SET content = ?, status = ?, error = ?, versions = ?, current_version = ?, version = version + 1 WHERE seq = ?",
    chosen.content,
    chosen.status,
    chosen.error ?? null,
    JSON.stringify(list),
    n,
    r.seq,
  );
  return true;
}

/** A row's own content as a version that began at `at`. */
function snapshot(r: Row, at: number): MessageVersion {
  const v: MessageVersion = { content: r.content, status: r.status, createdAt: new Date(at).toISOString() };
  if (r.error) v.error = r.error;
  return v;
}
