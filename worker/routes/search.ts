// Full-text search over the caller's rooms.
import { createRoute, z } from "@hono/zod-openapi";
import { Message, Room } from "../../shared/schemas";
import { MAX_SEQ } from "../../shared/wire";
import { badRequest } from "../errors";
import { bearer, commonErrors, jsonReply, router } from "../lib/openapi";

/** A cursor is the offset of the next page among the matches: digits only (not `1e300`), at
 * most MAX_SEQ, so the databases always take it; empty or absent is the first page. */
function offsetOf(cursor: string | undefined): number {
  if (!cursor) return 0;
  const offset = /^\d{1,10}$/.test(cursor) ? Number(cursor) : Number.NaN;
  if (!(offset <= MAX_SEQ)) throw badRequest("cursor: not a cursor this API issued");
  return offset;
}

export const searchRoutes = router().openapi(
  createRoute({
    method: "get",
    path: "/search",
    tags: ["Messages"],
    summary: "Search messages in your rooms, newest first",
    security: bearer,
    request: {
      query: z.object({
        q: z.string().trim().min(1).max(200),
        cursor: z.string().optional(),
        limit: z.coerce.number().int().min(1).max(100).default(20),
      }),
    },
    responses: {
      200: jsonReply(
        z.object({ results: z.array(z.object({ room: Room, message: Message })), nextCursor: z.string().nullable() }),
        "Matches",
      ),
      400: commonErrors[400],
      401: commonErrors[401],
    },
  }),
  async (c) => {
    const { q, cursor, limit } = c.req.valid("query");
    const offset = offsetOf(cursor);
    const { results, nextOffset } = await c.get("store").messages.search(c.get("session").id, q, { offset, limit });
    return c.json({ results, nextCursor: nextOffset === null ? null : String(nextOffset) }, 200);
  },
);
