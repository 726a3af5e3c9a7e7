// History store schema for Postgres (through Hyperdrive): the same tables, columns and property
// names as schema.sqlite.ts, plus a GIN index for full-text search over message content.
import { sql } from "drizzle-orm";
import { bigint, boolean, doublePrecision, index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";

const millis = (name: string) => bigint(name, { mode: "number" });

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    username: text("username").notNull(),
    displayName: text("display_name").notNull(),
    passwordHash: text("password_hash").notNull(),
    createdAt: millis("created_at").notNull(),
  },
  (t) => [uniqueIndex("users_username_lower").on(sql`lower(${t.username})`)],
);

export const characters = pgTable(
  "characters",
  {
    id: text("id").primaryKey(),
    ownerId: text("owner_id").references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    systemPrompt: text("system_prompt").notNull(),
    model: text("model"),
    temperature: doublePrecision("temperature"),
    avatar: text("avatar"),
    builtIn: boolean("built_in").notNull().default(false),
    createdAt: millis("created_at").notNull(),
    updatedAt: millis("updated_at").notNull(),
  },
  (t) => [index("characters_owner").on(t.ownerId)],
);

export const rooms = pgTable(
  "rooms",
  {
    id: text("id").primaryKey(),
    title: text("title"),
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    characterId: text("character_id").references(() => characters.id, { onDelete: "set null" }),
    aiMode: text("ai_mode", { enum: ["always", "mention", "off"] }).notNull(),
    createdAt: millis("created_at").notNull(),
    updatedAt: millis("updated_at").notNull(),
    lastSeq: integer("last_seq").notNull().default(0),
    lastActivityAt: millis("last_activity_at").notNull(),
  },
  (t) => [index("rooms_activity").on(t.lastActivityAt, t.id)],
);

export const roomMembers = pgTable(
  "room_members",
  {
    roomId: text("room_id")
      .notNull()
      .references(() => rooms.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["owner", "member"] }).notNull(),
    joinedAt: millis("joined_at").notNull(),
    lastReadSeq: integer("last_read_seq").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.userId] }), index("room_members_user").on(t.userId)],
);

export const messages = pgTable(
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
    createdAt: millis("created_at").notNull(),
    updatedAt: millis("updated_at").notNull(),
    /** When the author last edited it; null if never. */
    editedAt: millis("edited_at"),
    /** Set on a tombstone: the content (and any versions) are gone. */
    deletedAt: millis("deleted_at"),
    /** A regenerated AI reply's versions (JSON, MessageVersion[]) and which one is current. */
    versions: text("versions"),
    currentVersion: integer("current_version"),
  },
  (t) => [
    primaryKey({ columns: [t.roomId, t.seq] }),
    index("messages_created").on(t.roomId, t.createdAt),
    index("messages_search").using("gin", sql`to_tsvector('simple', ${t.content})`),
  ],
);
