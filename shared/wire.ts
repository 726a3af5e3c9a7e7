// The wire contract (docs/API.md) as plain TypeScript: the shapes of what travels over HTTP and
// WebSockets, the frame types, close codes, the subprotocol, the limits a client must respect.
// It imports nothing and has no runtime dependencies, so the Worker, the Durable Objects, the
// web app, the k6 scripts, the benchmark client and the test clients all import it, values
// included, instead of copying them. The zod schemas that validate the same shapes at the edge
// (and make the OpenAPI document) are in schemas.ts, which checks at compile time that they agree.

// ---- Limits -------------------------------------------------------------------------------

export const USERNAME_PATTERN = /^[a-z0-9_]{3,32}$/;
export const DISPLAY_NAME_MAX = 64;
/** Hard ceiling on a WebSocket frame; bigger frames close the socket with 1009. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Seqs are Postgres `integer`s: anything larger is invalid input, not a server error. */
export const MAX_SEQ = 2 ** 31 - 1;
/** A `clientId`, chosen by the client (a resend after a reconnect is known by it): visible ASCII. */
export const MAX_CLIENT_ID_LENGTH = 64;
export const CLIENT_ID_PATTERN = /^[\x21-\x7E]+$/;
/** The longest filter `GET /api/rooms?q=` takes (the sidebar's search box, which also searches
 * messages, holds no more). */
export const MAX_ROOM_QUERY = 100;
/** The longest instructions (system prompt) a character may have, in characters. */
export const SYSTEM_PROMPT_MAX = 8000;
/** What `hello` without `afterSeq` sends: the latest this many messages. */
export const RECENT_ON_HELLO = 50;
/** Most attachments one message may carry. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 4;
/** What an attachment may be: decided by its bytes, never by its name (docs/API.md). */
export const ATTACHMENT_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

// ---- Resources ----------------------------------------------------------------------------

export const AI_MODES = ["always", "mention", "off"] as const;
export type AiMode = (typeof AI_MODES)[number];

export const MESSAGE_STATUSES = ["complete", "streaming", "stopped", "error"] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const AUTHOR_KINDS = ["user", "ai", "system"] as const;
/** `name` is the display name (free text, not unique); `username`, on people's messages, is the
 * unique handle that tells two people of the same name apart. */
export type Author = { kind: (typeof AUTHOR_KINDS)[number]; id: string; name: string; username?: string };
export type User = { id: string; username: string; displayName: string; createdAt: string };
/** One of your sessions (GET /api/auth/sessions): `current` is the one asking; null for what an old session did not record. */
export type SessionInfo = { id: string; current: boolean; startedAt: string | null; lastActiveAt: string | null; userAgent: string | null };

/** A file uploaded to a room (POST /api/rooms/:id/attachments); `url` serves its bytes to members. */
export type Attachment = {
  id: string;
  name: string;
  mimeType: AttachmentType;
  size: number;
  url: string;
  /** Images only: pixel size read from the file's header. */
  width?: number;
  height?: number;
};

export type Message = {
  id: string;
  roomId: string;
  seq: number;
  author: Author;
  content: string;
  status: MessageStatus;
  clientId?: string;
  replyTo?: number;
  error?: string;
  /** While a failed AI reply waits for its next attempt: when that attempt is due. */
  retryAt?: string;
  /** On a streaming reply: the index of the next `delta`; the content holds every earlier one's. */
  streamIndex?: number;
  /** Files sent with the message (never empty when present). */
  attachments?: Attachment[];
  createdAt: string;
  /** When its author last edited it (a new version under the same seq). */
  editedAt?: string;
  /** A tombstone: deleted at this time, its content gone everywhere (content is ""). */
  deletedAt?: string;
  /** On an AI reply that was regenerated: which of `versions` everyone sees (1-based). The
   * message's own content, status and error are that version's. */
  version?: number;
  /** Every version of a regenerated AI reply, oldest first (stopped and failed ones too). */
  versions?: MessageVersion[];
};

/** One attempt at an AI reply. The entry of the version being written is settled when it ends:
 * while it streams, the message's own content is the one to show. */
export type MessageVersion = { content: string; status: MessageStatus; error?: string; createdAt: string };

export type Room = {
  id: string;
  title: string | null;
  ownerId: string;
  characterId: string | null;
  aiMode: AiMode;
  createdAt: string;
  updatedAt: string;
  lastSeq: number;
};

/** `peer`: in a direct chat (two people, no title, no AI), the other person. */
type Listed = { lastMessage: Message | null; unread: number; characterAvatar?: string | null; peer?: OnlineUser | null };
export type RoomListItem = Room & Listed;

export type Member = { user: User; role: "owner" | "member"; joinedAt: string; lastReadSeq: number };

/** What a room's members see of its character, whoever owns it; its owner sees all of `Character`. */
export type RoomCharacter = { id: string; name: string; description: string; avatar: string | null; builtIn: boolean };

export type Character = RoomCharacter & {
  systemPrompt: string;
  model: string | null;
  temperature: number | null;
  ownerId: string | null;
  createdAt: string;
};

export type ErrorBody = { error: { code: string; message: string; details?: unknown } };

// ---- Request bodies -----------------------------------------------------------------------

export type Credentials = { username: string; password: string };
export type RegisterInput = Credentials & { displayName?: string };
export type CharacterInput = {
  name: string;
  systemPrompt: string;
  description?: string;
  /** A model name the deployment's AI providers accept (docs/API.md, Characters); null: the default. */
  model?: string | null;
  temperature?: number | null;
  avatar?: string | null;
};
export type RoomInput = { title?: string; characterId?: string | null; aiMode?: AiMode; members?: string[] };
export type RoomPatch = { title?: string | null; characterId?: string | null; aiMode?: AiMode };
/** `attachments`: ids of the sender's own uploads to this room, not yet sent; with any, `content` may be empty. */
export type PostMessageInput = { content: string; clientId?: string; attachments?: string[] };
export type EditMessageInput = { content: string };
export type SelectVersionInput = { version: number };

// ---- WebSocket: GET /api/rooms/:id/ws -----------------------------------------------------

/** Who is online, as shown in presence and typing frames. */
export type OnlineUser = { id: string; username: string; displayName: string };

export type ClientFrame =
  | { type: "hello"; afterSeq?: number; afterChange?: number }
  | { type: "send"; clientId: string; content: string; attachments?: string[] }
  | { type: "typing" }
  | { type: "stop"; seq: number }
  | { type: "regenerate"; seq: number }
  | { type: "edit"; seq: number; content: string; clientId?: string }
  | { type: "delete"; seq: number; clientId?: string }
  | { type: "select_version"; seq: number; version: number; clientId?: string }
  /** Whether this person has other tabs open (on this device or another: the channel's `tabs`)
   * whose room list needs this room's activity, which it skips for members with the room open. */
  | { type: "other_tabs"; open: boolean }
  | { type: "ping" };

export type ServerFrame =
  | { type: "ready"; roomId: string; lastSeq: number; lastChange: number; online: OnlineUser[] }
  | { type: "ack"; clientId: string; seq: number }
  | { type: "message"; message: Message }
  /** An edit, delete or new current version; `change` numbers them per room (`afterChange`). */
  | { type: "message_updated"; message: Message; change: number }
  | { type: "delta"; seq: number; index: number; text: string }
  | { type: "presence"; online: OnlineUser[] }
  | { type: "renamed"; user: OnlineUser }
  | { type: "typing"; user: OnlineUser }
  | { type: "rate_limited"; retryAfterMs: number; clientId?: string }
  | { type: "error"; code: string; message: string; clientId?: string }
  | { type: "pong" };

/** Ends a `switch` over a frame's `type`: once every type has its case, what reaches the
 * default is `never`, and a frame type added above without a case is a compile error here.
 * At run time it does nothing: an unknown type from a newer peer is ignored. */
export function unhandled(_frame: never): void {}

// ---- WebSocket: GET /api/me/ws (the person's channel) ------------------------------------

/** A room's latest traffic as the sidebar shows it; unread is lastSeq minus what is known read. `mention`: the
 * newest message since the last update that names you; `readSeq`: your newest, read up to it (yours count as read). */
export type RoomActivity = { roomId: string; lastSeq: number; lastMessage: Message | null; mention?: Message; readSeq?: number };

/** Why a room left your list. */
export const ROOM_GONE_REASONS = ["removed", "left", "deleted"] as const;
export type RoomGoneReason = (typeof ROOM_GONE_REASONS)[number];

/** What the channel pushes. After `ready` (and after every reconnect) a client reads the room
 * list over REST (the snapshot) and applies these on top of it. */
export type ChannelFrame =
  /** `tabs`: how many of your tabs have a channel open, this one included. */
  | { type: "ready"; userId: string; tabs: number }
  /** A tab of yours opened or closed its channel: how many are open now. */
  | { type: "tabs"; count: number }
  /** A room you are in was created, you were invited to it, or its settings or members changed. */
  | { type: "room"; room: Room }
  | { type: "room_gone"; roomId: string; reason: RoomGoneReason }
  /** Coalesced: at most about one per room per second; none for a room you have open unless
   * one of your sockets there said you have other tabs open (`other_tabs`). */
  | { type: "activity"; rooms: RoomActivity[] }
  /** You marked a room read up to `seq` (in any tab). */
  | { type: "read"; roomId: string; seq: number }
  | { type: "pong" };

/** The path of the signed-in person's channel, below the origin. */
export const CHANNEL_SOCKET_PATH = "/api/me/ws";

/** A channel frame from a text frame, or null (the same leniency as parseServerFrame). */
export function parseChannelFrame(data: unknown): ChannelFrame | null {
  return parseServerFrame(data) as ChannelFrame | null;
}

/** Close codes the server uses, so clients can explain a disconnect. */
export const CloseCode = {
  normal: 1000,
  /** Policy: token expired or membership revoked. */
  policy: 1008,
  tooBig: 1009,
  /** The room lost a message it had sent early (docs/API.md, "Early delivery"): reconnect. */
  restart: 1012,
  /** Too many sockets, or the room is over capacity, or history is briefly unreadable. */
  overloaded: 1013,
  /** The member was removed from the room. */
  removed: 4003,
  /** The room was deleted. */
  roomDeleted: 4004,
  /** The session was ended (logout, sign out everywhere, a password change). */
  sessionEnded: 4001,
  /** The token the socket was opened with was refreshed: reconnect with the new one. */
  tokenReplaced: 4002,
  /** The socket kept sending after `rate_limited`: cut off. Wait, then reconnect. */
  flooding: 4008,
} as const;

/** Refused sends in a row (no accepted send between them) after which a socket is closed with
 * `CloseCode.flooding`. A client that waits out `retryAfterMs` never gets near it. */
export const FLOOD_STRIKES = 20;

/** The WebSocket subprotocol a client names when it sends its token as a second one,
 * `bearer.<token>`, instead of in the URL. The server answers with this one. */
export const WS_PROTOCOL = "parlor";
export const WS_TOKEN_PREFIX = "bearer.";

/** The subprotocols that carry `token` (e.g. `new WebSocket(url, tokenProtocols(jwt))`). */
export function tokenProtocols(token: string): string[] {
  return [WS_PROTOCOL, `${WS_TOKEN_PREFIX}${token}`];
}

/** The subprotocols a `Sec-WebSocket-Protocol` header offers, in order. */
export function offeredProtocols(header: string | null | undefined): string[] {
  return (header ?? "").split(",").flatMap((p) => (p.trim() ? [p.trim()] : []));
}

/** Where an attachment's bytes are served, below the origin (members only). */
export function attachmentPath(roomId: string, attachmentId: string): string {
  return `/api/rooms/${encodeURIComponent(roomId)}/attachments/${encodeURIComponent(attachmentId)}`;
}

/** The path of a room's WebSocket, below the origin. */
export function roomSocketPath(roomId: string): string {
  return `/api/rooms/${encodeURIComponent(roomId)}/ws`;
}

/** The first frame of every connection: everything after `afterSeq`, or the latest messages;
 * with `afterChange` also the current version of earlier messages changed since that change. */
export function hello(afterSeq?: number, afterChange?: number): ClientFrame {
  return { type: "hello", ...(afterSeq === undefined ? {} : { afterSeq, ...(afterChange === undefined ? {} : { afterChange }) }) };
}

/** A server frame from a text frame, or null for anything that is not a JSON object with a
 * string `type`: the server sends the shapes above; a stray frame must not throw in a handler. */
export function parseServerFrame(data: unknown): ServerFrame | null {
  if (typeof data !== "string") return null;
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    return null;
  }
  return typeof frame === "object" && frame !== null && typeof (frame as { type?: unknown }).type === "string"
    ? (frame as ServerFrame)
    : null;
}
