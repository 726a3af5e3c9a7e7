// The wire contract (docs/API.md) as plain TypeScript: the shapes of what travels over HTTP and
// WebSockets, the frame types, close codes, the subprotocol, the limits a client must respect.
// It imports nothing and has no runtime dependencies, so the Worker, the Durable Objects, the
// web app, the k6 scripts, the benchmark client and the test clients all import it, values
// included, instead of copying them. The zod schemas that validate the same shapes at the edge
// (and generate the OpenAPI document) are beside it in schemas.ts, which checks at compile time
// that they agree with the types here.

// ---- Limits -------------------------------------------------------------------------------

export const USERNAME_PATTERN = /^[a-z0-9_]{3,32}$/;
/** Hard ceiling on a WebSocket frame; bigger frames close the socket with 1009. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Seqs are Postgres `integer`s: anything larger is invalid input, not a server error. */
export const MAX_SEQ = 2 ** 31 - 1;
/** A `clientId` is chosen by the client (so a resend after a reconnect is recognised). */
export const MAX_CLIENT_ID_LENGTH = 64;
/** What `hello` without `afterSeq` sends: the latest this many messages. */
export const RECENT_ON_HELLO = 50;

// ---- Resources ----------------------------------------------------------------------------

export const AI_MODES = ["always", "mention", "off"] as const;
export type AiMode = (typeof AI_MODES)[number];

export const MESSAGE_STATUSES = ["complete", "streaming", "stopped", "error"] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const AUTHOR_KINDS = ["user", "ai", "system"] as const;
export type Author = { kind: (typeof AUTHOR_KINDS)[number]; id: string; name: string };

export type User = { id: string; username: string; displayName: string; createdAt: string };

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
  /** On a streaming reply: the index of the next `delta`; the content already holds the text
   * of every earlier one. */
  streamIndex?: number;
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

export type RoomListItem = Room & { lastMessage: Message | null; unread: number };

export type Member = { user: User; role: "owner" | "member"; joinedAt: string; lastReadSeq: number };

export type Character = {
  id: string;
  name: string;
  description: string;
  systemPrompt: string;
  model: string | null;
  temperature: number | null;
  avatar: string | null;
  builtIn: boolean;
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
  /** A model name the deployment's AI providers accept (docs/API.md, Characters); null for
   * the deployment's default. */
  model?: string | null;
  temperature?: number | null;
  avatar?: string | null;
};
export type RoomInput = { title?: string; characterId?: string | null; aiMode?: AiMode; members?: string[] };
export type RoomPatch = { title?: string | null; characterId?: string | null; aiMode?: AiMode };
export type PostMessageInput = { content: string; clientId?: string };
export type EditMessageInput = { content: string };
export type SelectVersionInput = { version: number };

// ---- WebSocket: GET /api/rooms/:id/ws -----------------------------------------------------

/** Who is online, as shown in presence and typing frames. */
export type OnlineUser = { id: string; username: string; displayName: string };

export type ClientFrame =
  | { type: "hello"; afterSeq?: number; afterChange?: number }
  | { type: "send"; clientId: string; content: string }
  | { type: "typing" }
  | { type: "stop"; seq: number }
  | { type: "regenerate"; seq: number }
  | { type: "edit"; seq: number; content: string; clientId?: string }
  | { type: "delete"; seq: number; clientId?: string }
  | { type: "select_version"; seq: number; version: number; clientId?: string }
  | { type: "ping" };

export type ServerFrame =
  | { type: "ready"; roomId: string; lastSeq: number; lastChange: number; online: OnlineUser[] }
  | { type: "ack"; clientId: string; seq: number }
  | { type: "message"; message: Message }
  /** A message was edited, deleted or given a new current version; `change` numbers these
   * per room, for `hello {afterChange}`. */
  | { type: "message_updated"; message: Message; change: number }
  | { type: "delta"; seq: number; index: number; text: string }
  | { type: "presence"; online: OnlineUser[] }
  | { type: "typing"; user: OnlineUser }
  | { type: "rate_limited"; retryAfterMs: number; clientId?: string }
  | { type: "error"; code: string; message: string; clientId?: string }
  | { type: "pong" };

/**
 * Ends a `switch` over a frame's `type`: once every type has its case, what reaches the
 * default is `never`, and a frame type added above without a case is a compile error here.
 * At run time it does nothing: an unknown type from a newer peer is ignored.
 */
export function unhandled(_frame: never): void {}

/** Close codes the server uses, so clients can explain a disconnect. */
export const CloseCode = {
  normal: 1000,
  /** Policy: token expired or membership revoked. */
  policy: 1008,
  tooBig: 1009,
  /** Too many sockets, or the room is over capacity, or history is briefly unreadable. */
  overloaded: 1013,
  /** The member was removed from the room. */
  removed: 4003,
  /** The room was deleted. */
  roomDeleted: 4004,
} as const;

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
  return (header ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
}

/** The path of a room's WebSocket, below the origin. */
export function roomSocketPath(roomId: string): string {
  return `/api/rooms/${encodeURIComponent(roomId)}/ws`;
}

/** The first frame of every connection: everything after `afterSeq`, or the latest messages;
 * with `afterChange` also the current version of earlier messages changed since that change. */
export function hello(afterSeq?: number, afterChange?: number): ClientFrame {
  if (afterSeq === undefined) return { type: "hello" };
  return afterChange === undefined ? { type: "hello", afterSeq } : { type: "hello", afterSeq, afterChange };
}

/**
 * A server frame from a text frame, or null for anything that is not a JSON object with a
 * string `type`. The server is trusted to send the shapes above; this only keeps a stray
 * frame (a proxy's, a newer server's) from throwing in a client's handler.
 */
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
