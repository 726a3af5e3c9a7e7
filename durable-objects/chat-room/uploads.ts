// The room's record of its uploads (attachments in R2, rooms/<roomId>/<id>): who uploaded each
// and which message, if any, carries it. A send names uploads by id; `claim` checks them in
// the same synchronous write as the message (only the uploader's own, only this room's, only
// once), so a message and its attachments are stored together or not at all. Uploads that no
// message carries are deleted from R2 and forgotten once they are `unsentMs` old (the
// UPLOADS_TIMER sweep), so an abandoned upload does not stay forever.
import { attachmentKey } from "../../shared/attachments";
import { log } from "../../shared/log";
import { type Attachment, type AttachmentType, attachmentPath } from "../../shared/wire";
import type { Timers } from "./timers";

export const UPLOADS_TIMER = "uploads";

export type Upload = Omit<Attachment, "url"> & { uploaderId: string };

type UploadRow = {
  id: string;
  uploader_id: string;
  name: string;
  mime_type: AttachmentType;
  size: number;
  width: number | null;
  height: number | null;
  created_at: number;
  seq: number | null;
};

export type Claim = { ok: true; attachments: Attachment[] } | { ok: false; message: string };

export class Uploads {
  constructor(
    private readonly sql: SqlStorage,
    private readonly timers: Timers,
    private readonly bucket: R2Bucket,
    private readonly roomId: () => string,
    private readonly unsentMs: number,
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS uploads (
      id TEXT PRIMARY KEY, uploader_id TEXT NOT NULL, name TEXT NOT NULL, mime_type TEXT NOT NULL,
      size INTEGER NOT NULL, width INTEGER, height INTEGER, created_at INTEGER NOT NULL, seq INTEGER)`);
    sql.exec("CREATE INDEX IF NOT EXISTS uploads_unsent ON uploads(created_at) WHERE seq IS NULL");
  }

  /** Records an upload whose bytes are in R2, and arms the sweep that collects it if unsent. */
  async register(upload: Upload, now = Date.now()): Promise<void> {
    this.sql.exec(
      "INSERT INTO uploads (id, uploader_id, name, mime_type, size, width, height, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      upload.id,
      upload.uploaderId,
      upload.name,
      upload.mimeType,
      upload.size,
      upload.width ?? null,
      upload.height ?? null,
      now,
    );
    await this.timers.schedule(UPLOADS_TIMER, now + this.unsentMs);
  }

  /** Checks that every id is an unsent upload of `authorId` here; for the write path. */
  check(authorId: string, ids: string[]): Claim {
    if (new Set(ids).size !== ids.length) return { ok: false, message: "An attachment is listed twice." };
    const attachments: Attachment[] = [];
    for (const id of ids) {
      const [row] = this.sql.exec<UploadRow>("SELECT * FROM uploads WHERE id = ?", id).toArray();
      if (!row || row.uploader_id !== authorId) return { ok: false, message: `No upload of yours has the id ${id}.` };
      if (row.seq !== null) return { ok: false, message: `The attachment ${row.name} was already sent.` };
      attachments.push(this.toAttachment(row));
    }
    return { ok: true, attachments };
  }

  /** Marks the uploads as carried by message `seq` (in the same transaction as its write). */
  claim(ids: string[], seq: number): void {
    for (const id of ids) this.sql.exec("UPDATE uploads SET seq = ? WHERE id = ?", seq, id);
  }

  /** Message `seq` was deleted: the files it carried leave R2 and this record. */
  async discard(seq: number): Promise<number> {
    const ids = this.sql
      .exec<{ id: string }>("SELECT id FROM uploads WHERE seq = ?", seq)
      .toArray()
      .map((r) => r.id);
    if (ids.length === 0) return 0;
    await this.bucket.delete(ids.map((id) => attachmentKey(this.roomId(), id)));
    for (const id of ids) this.sql.exec("DELETE FROM uploads WHERE id = ?", id);
    return ids.length;
  }

  /** Deletes uploads no message carries that are older than `unsentMs`; re-arms for the rest. */
  async sweep(now = Date.now()): Promise<number> {
    const stale = this.sql
      .exec<{ id: string }>("SELECT id FROM uploads WHERE seq IS NULL AND created_at <= ?", now - this.unsentMs)
      .toArray()
      .map((r) => r.id);
    if (stale.length > 0) {
      // R2 first: if that fails the rows stay, and the retried timer tries again.
      await this.bucket.delete(stale.map((id) => attachmentKey(this.roomId(), id)));
      for (const id of stale) this.sql.exec("DELETE FROM uploads WHERE id = ?", id);
      log.info("uploads_collected", { roomId: this.roomId(), count: stale.length });
    }
    const [next] = this.sql.exec<{ at: number | null }>("SELECT min(created_at) AS at FROM uploads WHERE seq IS NULL").toArray();
    if (next?.at != null) await this.timers.schedule(UPLOADS_TIMER, next.at + this.unsentMs);
    return stale.length;
  }

  private toAttachment(r: UploadRow): Attachment {
    const a: Attachment = { id: r.id, name: r.name, mimeType: r.mime_type, size: r.size, url: attachmentPath(this.roomId(), r.id) };
    if (r.width != null) a.width = r.width;
    if (r.height != null) a.height = r.height;
    return a;
  }
}
