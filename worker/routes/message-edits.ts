// Changing messages already written, over REST: an author's edit, a delete (author or room
// owner), and the choice of which version of a regenerated AI reply everyone sees. Each goes to
// the room's ChatRoom object, the single writer, which applies it and tells every socket
// (`message_updated`); the reply is the message as it is now.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { chatRoom, type EditResult } from "../../durable-objects/chat-room/chat-room";
import { EditMessageInput, Message, SelectVersionInput } from "../../shared/schemas";
import { MAX_SEQ } from "../../shared/wire";
import { ApiError, rateLimited } from "../errors";
import { bearer, commonErrors, jsonBody, jsonReply, router, wholeNumber } from "../lib/openapi";
import type { AppEnv } from "../types";
import { caller, roomConfigOf } from "./room-access";

const SeqParam = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" } }),
  seq: wholeNumber(1, MAX_SEQ).openapi({ param: { name: "seq", in: "path" } }),
});

const STATUS: Record<Exclude<EditResult, { ok: true }>["code"], 400 | 403 | 404 | 409> = {
  not_found: 404,
  forbidden: 403,
  invalid_content: 400,
  invalid_version: 400,
  deleted: 409,
  busy: 409,
  rate_limited: 400,
};

/** The message as changed, or the refusal in the API's error shape. */
function reply(c: Context<AppEnv>, result: EditResult) {
  if (result.ok) return c.json({ message: result.message }, 200);
  if (result.code === "rate_limited") throw rateLimited(result.retryAfterMs ?? 1000, result.message);
  throw new ApiError(STATUS[result.code], result.code, result.message);
}

const changed = { 200: jsonReply(z.object({ message: Message }), "The message as it is now"), ...commonErrors };

export const messageEditRoutes = router()
  .openapi(
    createRoute({
      method: "patch",
      path: "/rooms/{id}/messages/{seq}",
      tags: ["Messages"],
      summary: "Edit your message",
      description:
        "Only the author may edit. The new content replaces the old under the same seq and the message gets `editedAt`; everyone in the room receives `message_updated`. Sending the same content again changes nothing. Draws on the send limit.",
      security: bearer,
      request: { params: SeqParam, ...jsonBody(EditMessageInput) },
      responses: changed,
    }),
    async (c) => {
      const room = c.get("room");
      const stub = chatRoom(c.env, room.id);
      const { seq } = c.req.valid("param");
      return reply(c, await stub.editMessage(roomConfigOf(room, c.get("roomCharacterName")), caller(c), seq, c.req.valid("json").content));
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/rooms/{id}/messages/{seq}",
      tags: ["Messages"],
      summary: "Delete a message",
      description:
        "The author, or the room's owner for any message. Leaves a tombstone under the same seq (`deletedAt`, empty content, no versions, no attachments); the content is gone from the room, the history, search and export, and the files it carried from storage. Deleting it again changes nothing.",
      security: bearer,
      request: { params: SeqParam },
      responses: changed,
    }),
    async (c) => {
      const room = c.get("room");
      const stub = chatRoom(c.env, room.id);
      return reply(c, await stub.deleteMessage(roomConfigOf(room, c.get("roomCharacterName")), caller(c), c.req.valid("param").seq));
    },
  )
  .openapi(
    createRoute({
      method: "put",
      path: "/rooms/{id}/messages/{seq}/version",
      tags: ["Messages"],
      summary: "Choose which version of a regenerated AI reply everyone sees",
      description:
        "Any member. The chosen version becomes the message's content for everyone and for the AI's context; the others stay in `versions`.",
      security: bearer,
      request: { params: SeqParam, ...jsonBody(SelectVersionInput) },
      responses: changed,
    }),
    async (c) => {
      const { seq } = c.req.valid("param");
      return reply(c, await chatRoom(c.env, c.get("room").id).selectVersion(caller(c), seq, c.req.valid("json").version));
    },
  );
