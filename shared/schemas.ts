// The zod schemas of the REST contract: the Worker validates request bodies with them and
// generates /api/openapi.json from them (WebSocket frames have theirs, in frames.ts). The
// shapes themselves are declared once, as plain types, in wire.ts (which clients import
// without pulling in zod); the checks at the bottom make the compiler refuse a schema that
// drifts from its type. Each schema is exported under its type's name, so one import brings
// both.
import { z } from "@hono/zod-openapi";
import type { Agree, Same } from "./frames";
import { PASSWORD_MAX, PASSWORD_MIN } from "./password-rules";
import { isWellFormedText, nameProblem } from "./text";
import * as W from "./wire";

/** Refuses a name that could hide or reorder characters (nameProblem). */
const nameRule = (value: string, ctx: z.RefinementCtx<string>) => {
  const problem = nameProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
};

/** A name people read. */
const safeName = (max: number) =>
  z
    .string()
    // Checked before trimming, which would quietly drop a leading U+FEFF.
    .superRefine(nameRule)
    .trim()
    .min(1, "must not be empty")
    .max(max, `at most ${max} characters`);

/** Control characters other than tab, line feed and carriage return. */
const CONTROL_BUT_LINES = /(?![\t\n\r])\p{Cc}/u;

/** Text written at length (a character's description or system prompt): lines and tabs are
 * kept, as in messages; NUL (which Postgres text cannot hold), other control characters and
 * lone surrogates (which would be stored changed) are refused. */
const longText = () =>
  z.string().superRefine((value, ctx) => {
    if (CONTROL_BUT_LINES.test(value))
      ctx.addIssue({ code: "custom", message: "contains NUL or another control character (tabs and line breaks are fine)" });
    else if (!isWellFormedText(value)) ctx.addIssue({ code: "custom", message: "contains an invalid character (a lone surrogate)" });
  });

const isoTime = () => z.string().openapi({ format: "date-time" });
/** Seqs as clients send them: Postgres integers, so anything larger is invalid input. */
const seq = (min: number) => z.number().int().min(min).max(W.MAX_SEQ);

export const User = z.object({ id: z.string(), username: z.string(), displayName: z.string(), createdAt: isoTime() }).openapi("User");
export type User = W.User;

export const AiMode = z.enum(W.AI_MODES).openapi("AiMode");
export type AiMode = W.AiMode;

export const MessageStatus = z.enum(W.MESSAGE_STATUSES);
export type MessageStatus = W.MessageStatus;

export const Author = z.object({ kind: z.enum(W.AUTHOR_KINDS), id: z.string(), name: z.string(), username: z.string().optional() });
export type Author = W.Author;

export const Attachment = z
  .object({
    id: z.string(),
    name: z.string(),
    mimeType: z.enum(W.ATTACHMENT_TYPES),
    size: z.number().int(),
    url: z.string().openapi({ description: "GET it (members only) for the bytes" }),
    width: z.number().int().optional(),
    height: z.number().int().optional(),
  })
  .openapi("Attachment");
export type Attachment = W.Attachment;
export const MessageVersion = z
  .object({ content: z.string(), status: MessageStatus, error: z.string().optional(), createdAt: isoTime() })
  .openapi("MessageVersion");

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
    retryAt: z.string().optional(),
    streamIndex: z.number().int().optional(),
    attachments: z.array(Attachment).optional(),
    createdAt: isoTime(),
    editedAt: isoTime().optional(),
    deletedAt: isoTime().optional(),
    version: z.number().int().optional(),
    versions: z.array(MessageVersion).optional(),
  })
  .openapi("Message");
export type Message = W.Message;

export const Room = z
  .object({
    id: z.string(),
    title: z.string().nullable(),
    ownerId: z.string(),
    characterId: z.string().nullable(),
    aiMode: AiMode,
    createdAt: isoTime(),
    updatedAt: isoTime(),
    lastSeq: z.number().int(),
  })
  .openapi("Room");
export type Room = W.Room;

/** A message or null. Not `Message.nullable()`: for a named schema that generates
 * `allOf: [Message, {type: [object, null]}]`, which null does not satisfy. */
export const MaybeMessage = z.union([Message, z.null()]);

export const RoomListItem = Room.extend({
  lastMessage: MaybeMessage,
  unread: z.number().int(),
  characterAvatar: z
    .string()
    .nullable()
    .optional()
    .openapi({ description: "The room's character's avatar (an emoji or short text), if it has one" }),
  peer: z
    .object({ id: z.string(), username: z.string(), displayName: z.string() })
    .nullable()
    .optional()
    .openapi({ description: "In a direct chat (two people, no title, no AI character), the other person: what to call the room" }),
}).openapi("RoomListItem");
export type RoomListItem = W.RoomListItem;

export const Member = z
  .object({ user: User, role: z.enum(["owner", "member"]), joinedAt: isoTime(), lastReadSeq: z.number().int() })
  .openapi("Member");
export type Member = W.Member;

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
    createdAt: isoTime(),
  })
  .openapi("Character");
export type Character = W.Character;
export const RoomCharacter = Character.pick({ id: true, name: true, description: true, avatar: true, builtIn: true }).openapi(
  "RoomCharacter",
);
export type RoomCharacter = W.RoomCharacter;

export const ErrorBody = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .openapi("Error");
export type ErrorBody = W.ErrorBody;

// ---- Request bodies -----------------------------------------------------------------------

/** A username naming someone (an invite): any case, as login and /users/:username take it. */
export const Username = z.string().toLowerCase().regex(W.USERNAME_PATTERN, "not a valid username");

export const Credentials = z.object({
  username: z.string().regex(W.USERNAME_PATTERN, "3–32 characters: lowercase letters, digits and _").openapi({ example: "ada_l" }),
  password: z
    .string()
    .min(PASSWORD_MIN, `at least ${PASSWORD_MIN} characters`)
    .max(PASSWORD_MAX)
    .openapi({ example: "correct horse battery" }),
});
export type Credentials = W.Credentials;
export const RegisterInput = Credentials.extend({ displayName: safeName(W.DISPLAY_NAME_MAX).optional() });
export type RegisterInput = W.RegisterInput;
export const SessionInfo = z
  .object({
    id: z.string(),
    current: z.boolean(),
    startedAt: isoTime().nullable(),
    lastActiveAt: isoTime().nullable().openapi({ description: "When it signed in or last refreshed its token" }),
    userAgent: z.string().nullable().openapi({ description: "The User-Agent it signed in with" }),
  })
  .openapi("SessionInfo");
export const ProfileInput = z.object({ displayName: safeName(W.DISPLAY_NAME_MAX) }).openapi("ProfileInput");
export const PasswordChangeInput = z.object({
  currentPassword: z.string().min(1).max(PASSWORD_MAX),
  newPassword: Credentials.shape.password,
});
/** Logging in checks no username rules: an old account's name may predate them. */
export const LoginInput = Credentials.extend({
  username: z
    .string()
    .max(64)
    .refine((name) => !name.includes("\u0000"), "no NUL characters"),
});

/** `model` is any string here; the characters route narrows it to what the AI providers accept. */
export const CharacterInput = z.object({
  name: safeName(40),
  systemPrompt: longText().trim().min(1).max(W.SYSTEM_PROMPT_MAX),
  description: longText().max(280).optional(),
  model: z.string().max(80).nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  // Shown beside the character's name, so it follows the rules of names.
  avatar: z
    .string()
    .max(16)
    .superRefine(nameRule)
    .nullable()
    .optional()
    .openapi({ description: "An emoji or short text shown as the avatar" }),
});
export type CharacterInput = W.CharacterInput;

const Title = safeName(120);
export const RoomInput = z.object({
  title: Title.optional(),
  characterId: z.string().min(1, "a character's id, or null for none").max(64).nullable().optional(),
  aiMode: AiMode.optional(),
  members: z.array(Username).max(100).optional().openapi({ description: "Usernames to add" }),
});
export type RoomInput = W.RoomInput;
export const RoomPatch = z.object({
  title: Title.nullable().optional(),
  characterId: z.string().min(1, "a character's id, or null for none").max(64).nullable().optional(),
  aiMode: AiMode.optional(),
});
export type RoomPatch = W.RoomPatch;

export const ClientId = z.string().min(1).max(W.MAX_CLIENT_ID_LENGTH).regex(W.CLIENT_ID_PATTERN, "visible ASCII characters only");
const AttachmentIds = z
  .array(z.string().min(1).max(64))
  .max(W.MAX_ATTACHMENTS_PER_MESSAGE)
  .openapi({ description: "Ids of your own uploads to this room that no message carries yet" });
export const PostMessageInput = z.object({ content: z.string(), clientId: ClientId.optional(), attachments: AttachmentIds.optional() });
export type PostMessageInput = W.PostMessageInput;
export const EditMessageInput = z.object({ content: z.string() }).openapi("EditMessageInput");
export const SelectVersionInput = z.object({ version: seq(1) }).openapi("SelectVersionInput");
export const ReadInput = z.object({ seq: seq(0) });
export const AddMemberInput = z.object({ username: Username });

// ---- The schemas agree with wire.ts ------------------------------------------------------

/** Never used at run time: a schema whose output drifts from its type fails to compile here. */
export type SchemasAgreeWithWire = [
  Agree<Same<z.infer<typeof User>, W.User>>,
  Agree<Same<z.infer<typeof SessionInfo>, W.SessionInfo>>,
  Agree<Same<z.infer<typeof Attachment>, W.Attachment>>,
  Agree<Same<z.infer<typeof Message>, W.Message>>,
  Agree<Same<z.infer<typeof Room>, W.Room>>,
  Agree<Same<z.infer<typeof RoomListItem>, W.RoomListItem>>,
  Agree<Same<z.infer<typeof Member>, W.Member>>,
  Agree<Same<z.infer<typeof Character>, W.Character>>,
  Agree<Same<z.infer<typeof RoomCharacter>, W.RoomCharacter>>,
  Agree<Same<z.infer<typeof ErrorBody>, W.ErrorBody>>,
  Agree<Same<z.infer<typeof RegisterInput>, W.RegisterInput>>,
  Agree<Same<z.infer<typeof LoginInput>, W.Credentials>>,
  Agree<Same<z.infer<typeof CharacterInput>, W.CharacterInput>>,
  Agree<Same<z.infer<typeof RoomInput>, W.RoomInput>>,
  Agree<Same<z.infer<typeof RoomPatch>, W.RoomPatch>>,
  Agree<Same<z.infer<typeof PostMessageInput>, W.PostMessageInput>>,
  Agree<Same<z.infer<typeof EditMessageInput>, W.EditMessageInput>>,
  Agree<Same<z.infer<typeof SelectVersionInput>, W.SelectVersionInput>>,
];
