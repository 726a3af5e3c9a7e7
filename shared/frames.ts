// The zod schema of what a client may send over a room's WebSocket, apart from the REST
// schemas (schemas.ts) and without their OpenAPI extension: a room imports it on its first
// frame, so neither an isolate's start-up nor a room that only ever sees REST pays for it.
// schemas.ts declares the same limits for REST bodies with zod's OpenAPI extension: a schema
// built here may exist before that extension does (chunk order in the deployed build), so it
// cannot be given OpenAPI metadata there.
import { z } from "zod";
import * as W from "./wire";

/** Seqs as clients send them: Postgres integers, so anything larger is invalid input. */
const seq = (min: number) => z.number().int().min(min).max(W.MAX_SEQ);
const ClientId = z.string().min(1).max(W.MAX_CLIENT_ID_LENGTH).regex(W.CLIENT_ID_PATTERN, "visible ASCII characters only");
const AttachmentIds = z.array(z.string().min(1).max(64)).max(W.MAX_ATTACHMENTS_PER_MESSAGE);

export const ClientFrame = z.discriminatedUnion("type", [
  z.object({ type: z.literal("hello"), afterSeq: seq(0).optional(), afterChange: seq(0).optional() }),
  z.object({ type: z.literal("send"), clientId: ClientId, content: z.string(), attachments: AttachmentIds.optional() }),
  z.object({ type: z.literal("typing") }),
  z.object({ type: z.literal("stop"), seq: seq(1) }),
  z.object({ type: z.literal("regenerate"), seq: seq(1) }),
  z.object({ type: z.literal("edit"), seq: seq(1), content: z.string(), clientId: ClientId.optional() }),
  z.object({ type: z.literal("delete"), seq: seq(1), clientId: ClientId.optional() }),
  z.object({ type: z.literal("select_version"), seq: seq(1), version: seq(1), clientId: ClientId.optional() }),
  z.object({ type: z.literal("other_tabs"), open: z.boolean() }),
  z.object({ type: z.literal("ping") }),
]);
export type ClientFrame = W.ClientFrame;

/** Whether two types are the same, for the checks that keep a schema and its wire type together. */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type Agree<T extends true> = T;
/** Never used at run time: a schema whose output drifts from its type fails to compile here. */
export type FrameAgreesWithWire = Agree<Same<z.infer<typeof ClientFrame>, W.ClientFrame>>;
