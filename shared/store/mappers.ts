// Row → wire-shape conversions shared by the store's repositories.
import { withoutUnsafeNameChars } from "../text";
import type { Attachment, Character, Message, MessageVersion, Room, User } from "../wire";
import type { Tables } from "./db";

export type UserRow = Tables["users"]["$inferSelect"];
export type CharacterRow = Tables["characters"]["$inferSelect"];
export type RoomRow = Tables["rooms"]["$inferSelect"];
export type MessageRow = Tables["messages"]["$inferSelect"];

export const iso = (ms: number) => new Date(Number(ms)).toISOString();

export function toUser(r: UserRow): User {
  return { id: r.id, username: r.username, displayName: r.displayName, createdAt: iso(r.createdAt) };
}

export function toCharacter(r: CharacterRow): Character {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    systemPrompt: r.systemPrompt,
    model: r.model ?? null,
    temperature: r.temperature ?? null,
    avatar: r.avatar ?? null,
    builtIn: Boolean(r.builtIn),
    ownerId: r.ownerId ?? null,
    createdAt: iso(r.createdAt),
  };
}

export function toRoom(r: RoomRow): Room {
  return {
    id: r.id,
    // A title stored before titles from messages followed the rules of names may still hold a
    // direction override or a zero-width character: shown without them.
    title: r.title == null ? null : withoutUnsafeNameChars(r.title) || "New chat",
    ownerId: r.ownerId,
    characterId: r.characterId ?? null,
    aiMode: r.aiMode,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
    lastSeq: Number(r.lastSeq),
  };
}

export function toMessage(r: MessageRow): Message {
  const m: Message = {
    id: r.id,
    roomId: r.roomId,
    seq: Number(r.seq),
    author: { kind: r.authorKind, id: r.authorId, name: r.authorName, ...(r.authorUsername ? { username: r.authorUsername } : {}) },
    content: r.content,
    status: r.status,
    createdAt: iso(r.createdAt),
  };
  if (r.clientId) m.clientId = r.clientId;
  if (r.replyTo != null) m.replyTo = Number(r.replyTo);
  if (r.error) m.error = r.error;
  if (r.attachments) m.attachments = JSON.parse(r.attachments) as Attachment[];
  if (r.editedAt != null) m.editedAt = iso(r.editedAt);
  if (r.deletedAt != null) m.deletedAt = iso(r.deletedAt);
  if (r.versions != null && r.currentVersion != null) {
    m.version = Number(r.currentVersion);
    m.versions = JSON.parse(r.versions) as MessageVersion[];
  }
  return m;
}

export function fromMessage(m: Message, updatedAt: number): MessageRow {
  return {
    roomId: m.roomId,
    seq: m.seq,
    id: m.id,
    authorKind: m.author.kind,
    authorId: m.author.id,
    authorName: m.author.name,
    authorUsername: m.author.username ?? null,
    content: m.content,
    status: m.status,
    clientId: m.clientId ?? null,
    replyTo: m.replyTo ?? null,
    error: m.error ?? null,
    attachments: m.attachments?.length ? JSON.stringify(m.attachments) : null,
    createdAt: Date.parse(m.createdAt),
    updatedAt,
    editedAt: m.editedAt ? Date.parse(m.editedAt) : null,
    deletedAt: m.deletedAt ? Date.parse(m.deletedAt) : null,
    versions: m.versions ? JSON.stringify(m.versions) : null,
    currentVersion: m.version ?? null,
  };
}
