// Finding people to invite: completions among the people you already share a room with, and a
// check that a username exists, so an invite field can say "no one is called that" while it is
// typed instead of after the room was created. GET /people answers both at once (`exact`), so
// the field asks once per pause and a name no one has is a 200, not a 404 in the console.
import { createRoute, z } from "@hono/zod-openapi";
import { User } from "../../shared/schemas";
import { toUser } from "../../shared/store/mappers";
import { USERNAME_PATTERN } from "../../shared/wire";
import { notFound } from "../errors";
import { bearer, commonErrors, jsonReply, router, wholeNumber } from "../lib/openapi";

export const peopleRoutes = router()
  .openapi(
    createRoute({
      method: "get",
      path: "/people",
      tags: ["Accounts"],
      summary: "People you share a room with, whose username or display name starts with q",
      security: bearer,
      request: {
        query: z.object({
          q: z.string().trim().max(64).default(""),
          limit: wholeNumber(1, 20).default(8),
        }),
      },
      responses: {
        200: jsonReply(
          z.object({
            people: z.array(User),
            // A union, not User.nullable(), which null would not satisfy in the document (see MaybeMessage).
            exact: z.union([User, z.null()]).openapi({ description: "Whoever has exactly the username q, anywhere; null if no one does" }),
          }),
          "Matches, by username, and the exact match",
        ),
        400: commonErrors[400],
        401: commonErrors[401],
      },
    }),
    async (c) => {
      const { q, limit } = c.req.valid("query");
      const name = q.replace(/^@/, "");
      const users = c.get("store").users;
      const [rows, exact] = await Promise.all([
        users.sharingRooms(c.get("session").id, name, limit),
        USERNAME_PATTERN.test(name.toLowerCase()) ? users.byUsername(name) : undefined,
      ]);
      return c.json({ people: rows.map(toUser), exact: exact ? toUser(exact) : null }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/users/{username}",
      tags: ["Accounts"],
      summary: "Whether a username exists (case-insensitive), and whose it is",
      security: bearer,
      request: {
        params: z.object({
          username: z
            .string()
            .max(64)
            .openapi({ param: { name: "username", in: "path" } }),
        }),
      },
      responses: { 200: jsonReply(z.object({ user: User }), "The user"), 401: commonErrors[401], 404: commonErrors[404] },
    }),
    async (c) => {
      const row = await c.get("store").users.byUsername(c.req.valid("param").username.replace(/^@/, ""));
      if (!row) throw notFound("User");
      return c.json({ user: toUser(row) }, 200);
    },
  );
