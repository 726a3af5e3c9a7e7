// For tests only (no production module imports it): rows for a history store's tests, a
// person and a room created in `store`, and a message row as a room's flush sends it.
import type { Store } from "../shared/store";
import type { MessageRow } from "../shared/store/mappers";
import { uniqueName } from "./helpers";

export function storeRows(store: Store, now = Date.now()) {
  async function user(prefix = "s") {
    const row = { id: crypto.randomUUID(), username: uniqueName(prefix), displayName: "Store Test", passwordHash: "x", createdAt: now };
    await store.users.create(row);
    return row;
  }

  async function room(ownerId: string, members: string[] = [], title: string | null = null) {
    const row = {
      id: crypto.randomUUID(),
      title,
      ownerId,
      characterId: null,
      aiMode: "off" as const,
      createdAt: now,
      updatedAt: now,
      lastSeq: 0,
      lastActivityAt: now,
    };
    await store.rooms.create(row, members);
    return row;
  }

  function msg(roomId: string, seq: number, content: string, extra: Partial<MessageRow> = {}): MessageRow {
    return {
      roomId,
      seq,
      id: crypto.randomUUID(),
      authorKind: "user",
      authorId: "someone",
      authorName: "Someone",
      authorUsername: "someone",
      content,
      status: "complete",
      clientId: null,
      replyTo: null,
      error: null,
      attachments: null,
      createdAt: now + seq,
      updatedAt: now + seq,
      editedAt: null,
      deletedAt: null,
      versions: null,
      currentVersion: null,
      ...extra,
    };
  }

  return { user, room, msg };
}
