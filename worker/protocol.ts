// The wire contract (see docs/API.md), written once as zod schemas. The Worker validates
// requests and WebSocket frames with these schemas and generates the OpenAPI document from
// them; the web client and the load tests import the inferred types (`import type` only, so
// zod never reaches the browser bundle).
import { z } from "@hono/zod-openapi";

export const USERNAME_PATTERN = /^[a-z0-9_]{3,32}$/;
/** Hard ceiling on a WebSocket frame; bigger frames close the socket with 1009. */
export const MAX_FRAME_BYTES = 64 * 1024;

export const User = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    createdAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("User");
export type User = z.infer<typeof User>;

export const AiMode = z.enum(["always", "mention", "off"]).openapi("AiMode");
export type AiMode = z.infer<typeof AiMode>;

export const MessageStatus = z.enum(["complete", "streaming", "stopped", "error"]);
export type MessageStatus = z.infer<typeof MessageStatus>;

export const Author = z.object({
  kind: z.enum(["user", "ai", "system"]),
  id: z.string(),
  name: z.string(),
});
export type Author = z.infer<typeof Author>;

export const Message = z
  .object({
    id: z.string(),
    roomId: z.string(),
    seq: z.number().int(),
    author: Author,
    content: z.string(),
    status: MessageStatus,
    clientId: z.string().optional(),
    replyTo: z.number().int().optional(),
    error: z.string().optional(),
    /** While a failed AI reply waits for its next attempt: when that attempt is due. */
    retryAt: z.string().optional(),
    /** On a streaming reply: the index of the next `delta`; the content already holds the
     * text of every earlier one. */
    streamIndex: z.number().int().optional(),
    createdAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Message");
export type Message = z.infer<typeof Message>;

export const Room = z
  .object({
    id: z.string(),
    title: z.string().nullable(),
    ownerId: z.string(),
    characterId: z.string().nullable(),
    aiMode: AiMode,
    createdAt: z.string().openapi({ format: "date-time" }),
    updatedAt: z.string().openapi({ format: "date-time" }),
    lastSeq: z.number().int(),
  })
  .openapi("Room");
export type Room = z.infer<typeof Room>;

export const RoomListItem = Room.extend({
  lastMessage: Message.nullable(),
  unread: z.number().int(),
}).openapi("RoomListItem");
export type RoomListItem = z.infer<typeof RoomListItem>;

export const Member = z
  .object({
    user: User,
    role: z.enum(["owner", "member"]),
    joinedAt: z.string().openapi({ format: "date-time" }),
    lastReadSeq: z.number().int(),
  })
  .openapi("Member");
export type Member = z.infer<typeof Member>;

export const Character = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    systemPrompt: z.string(),
    model: z.string().nullable(),
    temperature: z.number().nullable(),
    avatar: z.string().nullable(),
    builtIn: z.boolean(),
    ownerId: z.string().nullable(),
    createdAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Character");
export type Character = z.infer<typeof Character>;

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi("Error");
export type ErrorBody = z.infer<typeof ErrorBody>;

// ---- WebSocket frames -------------------------------------------------------------------

/** `clientId` is chosen by the client so a resend after a reconnect is recognised. */
export const ClientId = z.string().min(1).max(64);

export const ClientFrame = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("hello"),
    afterSeq: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .optional(),
  }),
  z.object({ type: z.literal("send"), clientId: ClientId, content: z.string() }),
  z.object({ type: z.literal("typing") }),
  z.object({
    type: z.literal("stop"),
    seq: z
      .number()
      .int()
      .min(1)
      .max(2 ** 31 - 1),
  }),
  z.object({
    type: z.literal("regenerate"),
    seq: z
      .number()
      .int()
      .min(1)
      .max(2 ** 31 - 1),
  }),
  z.object({ type: z.literal("ping") }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

/** Who is online, as shown in presence and typing frames. */
export type OnlineUser = { id: string; username: string; displayName: string };

export type ServerFrame =
  | { type: "ready"; roomId: string; lastSeq: number; online: OnlineUser[] }
  | { type: "ack"; clientId: string; seq: number }
  | { type: "message"; message: Message }
  | { type: "delta"; seq: number; index: number; text: string }
  | { type: "presence"; online: OnlineUser[] }
  | { type: "typing"; user: OnlineUser }
  | { type: "rate_limited"; retryAfterMs: number; clientId?: string }
  | { type: "error"; code: string; message: string; clientId?: string }
  | { type: "pong" };

/** Close codes the server uses, so clients can explain a disconnect. */
/** The WebSocket subprotocol a client names when it sends its token as a second one,
 * `bearer.<token>`, instead of in the URL. The server answers with this one. */
export const WS_PROTOCOL = "parlor";
export const WS_TOKEN_PREFIX = "bearer.";

/** The subprotocols a `Sec-WebSocket-Protocol` header offers, in order. */
export function offeredProtocols(header: string | null | undefined): string[] {
  return (header ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
}

export const CloseCode = {
  normal: 1000,
  /** Policy: token expired or membership revoked. */
  policy: 1008,
  tooBig: 1009,
  /** Too many sockets, or the room is over capacity: try again later. */
  overloaded: 1013,
  /** The member was removed from the room. */
  removed: 4003,
  /** The room was deleted. */
  roomDeleted: 4004,
} as const;
