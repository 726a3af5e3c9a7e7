// History store schema for D1 (SQLite). schema.pg.ts mirrors it column for column, so one
// store implementation serves both dialects. Timestamps are epoch milliseconds in both.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    username: text("username").notNull(),
    displayName: text("display_name").notNull(),
    passwordHash: text("password_hash").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("users_username_lower").on(sql`lower(${t.username})`)],
);

export const characters = sqliteTable(
  "characters",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    systemPrompt: text("system_prompt").notNull(),
    model: text("model"),
    temperature: real("temperature"),
    avatar: text("avatar"),
    builtIn: integer("built_in", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("characters_owner").on(t.ownerId)],
);

export const rooms = sqliteTable(
  "rooms",
  {
    id: text("id").primaryKey(),
    title: text("title"),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    characterId: text("character_id").references(() => characters.id, { onDelete: "set null" }),
    aiMode: text("ai_mode", { enum: ["always", "mention", "off"] }).notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    lastSeq: integer("last_seq").notNull().default(0),
    lastActivityAt: integer("last_activity_at").notNull(),
  },
  (t) => [index("rooms_activity").on(t.lastActivityAt, t.id)],
);

export const roomMembers = sqliteTable(
  "room_members",
  {
    roomId: text("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["owner", "member"] }).notNull(),
    joinedAt: integer("joined_at").notNull(),
    lastReadSeq: integer("last_read_seq").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.userId] }), index("room_members_user").on(t.userId)],
);

export const messages = sqliteTable(
  "messages",
  {
    roomId: text("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    seq: integer("seq").notNull(),
    id: text("id").notNull(),
    authorKind: text("author_kind", { enum: ["user", "ai", "system"] }).notNull(),
    authorId: text("author_id").notNull(),
    authorName: text("author_name").notNull(),
    authorUsername: text("author_username"),
    content: text("content").notNull(),
    status: text("status", { enum: ["complete", "streaming", "stopped", "error"] }).notNull(),
    clientId: text("client_id"),
    replyTo: integer("reply_to"),
    error: text("error"),
    /** JSON: the message's attachments (wire Attachment[]), or null. */
    attachments: text("attachments"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    /** When the author last edited it; null if never. */
    editedAt: integer("edited_at"),
    /** Set on a tombstone: the content (and any versions) are gone. */
    deletedAt: integer("deleted_at"),
    /** A regenerated AI reply's versions (JSON, MessageVersion[]) and which one is current. */
    versions: text("versions"),
    currentVersion: integer("current_version"),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.seq] }), index("messages_created").on(t.roomId, t.createdAt)],
);
