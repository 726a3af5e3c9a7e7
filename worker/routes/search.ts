// Full-text search over the caller's rooms.
import { createRoute, z } from "@hono/zod-openapi";
import { Message, Room } from "../../shared/schemas";
import { parseCursor, type SearchCursor } from "../../shared/store/search";
import { LIMITS, throttle } from "../auth/sign-in";
import { badRequest } from "../errors";
import { bearer, commonErrors, jsonReply, router, wholeNumber } from "../lib/openapi";

/** A cursor is where the last page ended (shared/store/search.ts); empty or absent is the
 * first page. One the API could not have issued (an old offset among them) is refused. */
function cursorOf(text: string | undefined): SearchCursor | undefined {
  if (!text) return undefined;
  const cursor = parseCursor(text);
  if (!cursor) throw badRequest("cursor: not a cursor this API issued");
  return cursor;
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
        limit: wholeNumber(1, 100).default(20),
      }),
    },
    responses: {
      200: jsonReply(
        z.object({ results: z.array(z.object({ room: Room, message: Message })), nextCursor: z.string().nullable() }),
        "Matches",
      ),
      400: commonErrors[400],
      401: commonErrors[401],
      429: commonErrors[429],
    },
  }),
  async (c) => {
    const { q, cursor, limit } = c.req.valid("query");
    const after = cursorOf(cursor);
    // Far above a person typing (the app searches as they type, a moment after each pause).
    await throttle(c, `search:${c.get("session").id}`, LIMITS.searchUser, "Too many searches at once. Wait a moment and try again.");
    return c.json(await c.get("store").messages.search(c.get("session").id, q, { after, limit }), 200);
  },
);
