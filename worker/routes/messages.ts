// A room's messages over REST: history pages, posting (through the room's ChatRoom object,
// the single writer), stop/regenerate of AI replies, and export.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { chatRoom } from "../../durable-objects/chat-room/chat-room";
import { MaybeMessage, Message, PostMessageInput } from "../../shared/schemas";
import { isStoreDown } from "../../shared/store";
import { MAX_SEQ } from "../../shared/wire";
import { LIMITS, throttle } from "../auth/sign-in";
import { ApiError, badRequest, rateLimited, storeUnavailable } from "../errors";
import { bearer, commonErrors, jsonBody, jsonReply, router, wholeNumber } from "../lib/openapi";
import type { AppEnv } from "../types";
import { exportRoom } from "./export";
import { caller, roomConfigOf, unflushedFor } from "./room-access";

const RoomId = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) });
const SeqParam = RoomId.extend({
  seq: wholeNumber(1, MAX_SEQ).openapi({ param: { name: "seq", in: "path" } }),
});
const Seq = wholeNumber(0, MAX_SEQ);
/** A seq given in the query string, as a cursor: an empty one (`?before=`) is the same as none,
 * not 0 (which coercion would make it, and `before=0` is an empty page). */
const SeqQuery = (seq: z.ZodType<number>) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), seq.optional());
const WAIT_FOR_REPLY_MS = 30_000;

/**
 * Overlays the room's not-yet-flushed messages on a page read from the history store. A message
 * flushed between the two reads shows up in both; it counts once, for the page and for `hasMore`.
 */
export function mergePage(stored: { messages: Message[]; hasMore: boolean }, pending: Message[], limit: number, forward: boolean) {
  const bySeq = new Map(stored.messages.map((m) => [m.seq, m]));
  for (const m of pending) bySeq.set(m.seq, m);
  const merged = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  const messages = forward ? merged.slice(0, limit) : merged.slice(-limit);
  return { messages, hasMore: stored.hasMore || merged.length > limit };
}

type PageQuery = { before?: number; after?: number; limit: number };
/** A page of history: the room's unflushed messages over what the history store holds. */
async function readPage(c: Context<AppEnv>, q: PageQuery) {
  // The room's unflushed messages first, then the store: the flush writes the store before it
  // marks rows flushed, so every message is in at least one of the two reads. (Read the other
  // way round, or at once, a message flushed in between could be in neither.)
  const pending = await unflushedFor(c, q.after ?? 0, q.before ?? Number.MAX_SAFE_INTEGER);
  const page = await c.get("store").messages.page(c.get("room").id, q);
  return { ...mergePage(page, pending.messages, q.limit, q.after !== undefined), lastChange: pending.lastChange };
}

export const messageRoutes = router()
  .openapi(
    createRoute({
      method: "get",
      path: "/rooms/{id}/messages",
      tags: ["Messages"],
      summary: "A page of history, ascending by seq",
      description:
        "`after` pages forward, `before` pages back, `around` gives the message with that seq in the middle of its neighbours (about half the page older, half newer; `hasMore` then says whether older messages exist and `hasMoreAfter` whether newer ones do); none of them gives the latest page. Includes messages acknowledged moments ago, even before they reach the history store.",
      security: bearer,
      request: {
        params: RoomId,
        query: z.object({
          before: SeqQuery(Seq),
          after: SeqQuery(Seq),
          around: SeqQuery(wholeNumber(1, MAX_SEQ - 1)),
          limit: wholeNumber(1, 100).default(50),
        }),
      },
      responses: {
        200: jsonReply(
          z.object({
            messages: z.array(Message),
            hasMore: z.boolean(),
            hasMoreAfter: z.boolean().optional().openapi({ description: "With `around` only: whether newer messages exist." }),
            lastChange: z.number().int().openapi({
              description: "The room's last change number (edits, deletes, versions) this page reflects: send it as `hello {afterChange}`.",
            }),
          }),
          "A page",
        ),
        ...commonErrors,
      },
    }),
    async (c) => {
      const { before, after, around, limit } = c.req.valid("query");
      if ([before, after, around].filter((v) => v !== undefined).length > 1)
        throw badRequest("Use one of before, after and around, not several.");
      // The store is down: the latest page is what the room still holds itself.
      const fromRoom = async () => {
        const cursor = before !== undefined || after !== undefined || around !== undefined;
        const page = cursor ? null : await chatRoom(c.env, c.req.param("id")).recentFor(c.get("session").id, limit);
        if (!page) throw storeUnavailable();
        return c.json(page, 200);
      };
      if (c.get("memberUnverified")) return fromRoom();
      if (around !== undefined) {
        // The message itself counts with the older half.
        const older = Math.ceil(limit / 2);
        const back = await readPage(c, { before: around + 1, limit: older });
        const forward = await readPage(c, { after: around, limit: limit - older });
        return c.json(
          {
            messages: [...back.messages, ...forward.messages],
            hasMore: back.hasMore,
            hasMoreAfter: forward.hasMore,
            lastChange: Math.min(back.lastChange, forward.lastChange),
          },
          200,
        );
      }
      try {
        return c.json(await readPage(c, { before, after, limit }), 200);
      } catch (err) {
        // Membership came from the cached member list, and only the page read found the store down.
        if (isStoreDown(err)) return fromRoom();
        throw err;
      }
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/rooms/{id}/messages",
      tags: ["Messages"],
      summary: "Post a message",
      description:
        "Idempotent per `clientId`: a resend returns the original message (200). With `wait=true` the reply waits for the AI's answer.",
      security: bearer,
      request: {
        params: RoomId,
        query: z.object({ wait: z.enum(["true", "false"]).optional() }),
        ...jsonBody(PostMessageInput),
      },
      responses: {
        201: jsonReply(z.object({ message: Message, reply: MaybeMessage.optional() }), "Stored"),
        200: jsonReply(z.object({ message: Message }), "A resend of an earlier clientId (the same content)"),
        202: jsonReply(z.object({ message: Message }), "Stored; with wait=true, the AI reply did not finish in time"),
        ...commonErrors,
      },
    }),
    async (c) => {
      const { content, clientId, attachments } = c.req.valid("json");
      const author = caller(c);
      const stub = chatRoom(c.env, c.req.param("id"));
      // The store is down (membership unread): the room takes posts from members it knows.
      const result = c.get("memberUnverified")
        ? await stub.postKnown(author, content, clientId, attachments)
        : await stub.post(roomConfigOf(c.get("room"), c.get("roomCharacterName")), author, content, clientId, attachments);
      if (!result) throw storeUnavailable();
      if (!result.ok) {
        if (result.code === "rate_limited") throw rateLimited(result.retryAfterMs, "You are sending messages too quickly.");
        throw new ApiError(result.code === "client_id_reused" ? 409 : 400, result.code, result.message);
      }
      if (result.duplicate) return c.json({ message: result.message }, 200);
      if (c.req.valid("query").wait !== "true") return c.json({ message: result.message }, 201);
      // A bounded wait for the AI's final reply; on timeout the message alone, with 202.
      const reply = result.aiReply ? await stub.waitForReply(result.message.seq, WAIT_FOR_REPLY_MS) : null;
      if (result.aiReply && !reply) return c.json({ message: result.message }, 202);
      return c.json({ message: result.message, reply }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/rooms/{id}/messages/{seq}/stop",
      tags: ["Messages"],
      summary: "Stop an AI reply that is streaming",
      security: bearer,
      request: { params: SeqParam },
      responses: { 202: { description: "Stopped" }, ...commonErrors },
    }),
    async (c) => {
      const error = await chatRoom(c.env, c.get("room").id).stopReply(c.req.valid("param").seq);
      if (error) throw new ApiError(error.code === "not_found" ? 404 : 409, error.code, error.message);
      return c.body(null, 202);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/rooms/{id}/messages/{seq}/regenerate",
      tags: ["Messages"],
      summary: "Write a new AI reply to the same message",
      security: bearer,
      request: { params: SeqParam },
      responses: { 202: { description: "Regenerating" }, ...commonErrors },
    }),
    async (c) => {
      const error = await chatRoom(c.env, c.get("room").id).regenerateReply(c.req.valid("param").seq, caller(c));
      if (error?.code === "rate_limited") throw rateLimited(5_000, error.message);
      if (error) throw new ApiError(error.code === "not_found" ? 404 : 409, error.code, error.message);
      return c.body(null, 202);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/rooms/{id}/export",
      tags: ["Messages"],
      summary: "Download the whole history",
      security: bearer,
      request: { params: RoomId, query: z.object({ format: z.enum(["json", "markdown"]).default("json") }) },
      responses: { 200: { description: "The history as a file (application/json or text/markdown)" }, ...commonErrors },
    }),
    async (c) => {
      await throttle(c, `export:${c.get("session").id}`, LIMITS.exportUser, "Too many exports at once. Wait a moment and try again.");
      return exportRoom(c, c.req.valid("query").format);
    },
  );
