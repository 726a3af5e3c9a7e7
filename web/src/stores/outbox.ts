// What was written in a room but not yet confirmed survives a reload of the tab: the room's
// local sends are kept in sessionStorage (as the composer's draft is), under the person and the
// room, each with the clientId the server recognises a resend by. They come back pending, to be
// sent once the room is ready; one the room already has is dropped when its history arrives.
import type { Attachment } from "../../../shared/wire";

/** A message written here and not yet confirmed by the room. */
export type LocalSend = {
  clientId: string;
  content: string;
  attachments?: Attachment[];
  status: "pending" | "failed";
  /** Pending but not (or no longer) on a socket: written while connecting, or put back by a
   * socket that closed before the ack or by the room's send limit; sent in order when it can be. */
  waiting?: boolean;
  /** Waiting while the room is connected: for its turn behind others, or the send limit. */
  held?: boolean;
  /** Why it failed, in words for the user. */
  error?: string;
  /** Failed after a rate limit: when a retry can succeed. */
  retryAt?: number;
  createdAt: string;
};

export type Outbox = { load(): LocalSend[]; save(sends: readonly LocalSend[]): void };

/** A resend is recognised for 24 hours; older ones come back failed, for the person to decide. */
const RESEND_FOR_MS = 23 * 3600_000;

export const outboxKey = (userId: string, roomId: string) => `parlor.outbox.${userId}.${roomId}`;
/** The composer's unsent text, kept the same way (Composer.tsx). */
export const draftKey = (userId: string, roomId: string) => `parlor.draft.${userId}.${roomId}`;

/** The keys under which this tab keeps what was written (of `userId`, or of anyone), or none
 * where storage is refused. */
function writtenKeys(storage: Storage | undefined, userId = ""): string[] {
  try {
    const keys = Array.from({ length: storage?.length ?? 0 }, (_, i) => storage?.key(i) ?? "");
    return keys.filter((k) => k.startsWith(`parlor.outbox.${userId}`) || k.startsWith(`parlor.draft.${userId}`));
  } catch {
    return [];
  }
}

/** Whether this tab keeps a draft or an unsent message of `userId`'s (signing out would lose it). */
export const writtenHere = (storage: Storage | undefined, userId: string) => writtenKeys(storage, `${userId}.`).length > 0;

/** What signing `userId` out of this tab would lose, said in its confirm step; or nothing. */
export const signOutWarning = (userId: string | undefined) =>
  writtenHere(globalThis.sessionStorage, userId ?? "") ? "Drafts and unsent messages on this tab will be discarded." : undefined;

/** Signing out on purpose forgets what this tab kept of what the person wrote. A session that
 * merely ended keeps it, for the same person signing in again; no one else is shown it. */
export function forgetWritten(storage: Storage | undefined) {
  for (const k of writtenKeys(storage)) storage?.removeItem(k);
}

const text = (v: unknown): v is string => typeof v === "string";

function restore(raw: unknown, now: number): LocalSend | null {
  if (!raw || typeof raw !== "object") return null;
  const r = raw as Record<string, unknown>;
  if (!text(r.clientId) || !text(r.content) || !text(r.createdAt)) return null;
  const send: LocalSend = { clientId: r.clientId, content: r.content, createdAt: r.createdAt, status: "pending" };
  if (Array.isArray(r.attachments) && r.attachments.length) send.attachments = r.attachments as Attachment[];
  const age = now - Date.parse(r.createdAt);
  if (r.status === "failed" || !(age < RESEND_FOR_MS)) {
    send.status = "failed";
    send.error = text(r.error) ? r.error : "Not sent before the page was closed.";
  } else {
    // Handed to the socket once the room is ready, as if written while connecting.
    send.waiting = true;
  }
  return send;
}

export function storedOutbox(storage: Storage | undefined, key: string): Outbox {
  return {
    load() {
      try {
        const list: unknown = JSON.parse(storage?.getItem(key) ?? "[]");
        const now = Date.now();
        return Array.isArray(list) ? list.map((r) => restore(r, now)).filter((s): s is LocalSend => s !== null) : [];
      } catch {
        return [];
      }
    },
    save(sends) {
      try {
        if (!sends.length) return storage?.removeItem(key);
        const kept = sends.map(({ clientId, content, attachments, status, error, createdAt }) => ({
          clientId,
          content,
          attachments,
          status,
          error,
          createdAt,
        }));
        storage?.setItem(key, JSON.stringify(kept));
      } catch {
        // Storage full or refused: the sends still go out from this page, only not kept past it.
      }
    },
  };
}
