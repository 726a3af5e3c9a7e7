// Sessions: a refresh rotates the token (the old one stops working), logout ends this
// session, logout-all ends every session of the person, and a password change ends every
// other one. Ended sessions' WebSockets close with 4001 (durable-objects/sessions.ts).
import { createRoute, z } from "@hono/zod-openapi";
import { sessions } from "../../durable-objects/sessions";
import { PasswordChangeInput, SessionInfo } from "../../shared/schemas";
import { hashPassword, verifyPassword } from "../auth/password";
import { LIMITS, rotateSession, signedInAccount, throttle } from "../auth/sign-in";
import { ApiError, notFound, unauthorized } from "../errors";
import { bearer, commonErrors, jsonBody, jsonReply, router } from "../lib/openapi";
import { AuthReply } from "./auth";

const Ended = z.object({ ended: z.number().int() }).openapi("SessionsEnded");
const noContent = { description: "Done" };

export const sessionRoutes = router()
  .openapi(
    createRoute({
      method: "get",
      path: "/auth/sessions",
      tags: ["Accounts"],
      summary: "Your open sessions: this one first, then by when each was last active",
      security: bearer,
      responses: { 200: jsonReply(z.object({ sessions: z.array(SessionInfo) }), "The sessions"), 401: commonErrors[401] },
    }),
    async (c) => {
      const { id, sid } = c.get("session");
      return c.json({ sessions: await sessions(c.env, id).list(sid) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/auth/sessions/{sessionId}",
      tags: ["Accounts"],
      summary: "End one of your sessions: its token stops working and its WebSockets close with 4001",
      security: bearer,
      request: {
        params: z.object({
          sessionId: z
            .string()
            .max(64)
            .openapi({ param: { name: "sessionId", in: "path" } }),
        }),
      },
      responses: { 204: noContent, 401: commonErrors[401], 404: commonErrors[404] },
    }),
    async (c) => {
      const { id } = c.get("session");
      const ended = await sessions(c.env, id).end(id, c.req.valid("param").sessionId);
      if (ended === 0) throw notFound("Session");
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/auth/refresh",
      tags: ["Accounts"],
      summary: "Trade a valid token for a fresh one; the old token stops working",
      security: bearer,
      responses: { 200: jsonReply(AuthReply, "A new token"), 401: commonErrors[401] },
    }),
    async (c) => {
      const row = await signedInAccount(c);
      const reply = await rotateSession(c, row, c.get("session").sid);
      if (!reply) throw unauthorized("This session has ended. Sign in again.", "session_ended");
      return c.json(reply, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/auth/logout",
      tags: ["Accounts"],
      summary: "End this session: its token stops working and its WebSockets close with 4001",
      security: bearer,
      responses: { 204: noContent, 401: commonErrors[401] },
    }),
    async (c) => {
      const { id, sid } = c.get("session");
      await sessions(c.env, id).end(id, sid);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/auth/logout-all",
      tags: ["Accounts"],
      summary: "Sign out everywhere: end every session of this person, this one included",
      security: bearer,
      responses: { 200: jsonReply(Ended, "How many sessions were ended"), 401: commonErrors[401] },
    }),
    async (c) => {
      const { id } = c.get("session");
      return c.json({ ended: await sessions(c.env, id).end(id, null) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/auth/password",
      tags: ["Accounts"],
      summary: "Change the password; every other session ends",
      description:
        "Needs the current password. The new one is checked like at registration (400 `weak_password`), and must differ from it (400 `same_password`).",
      security: bearer,
      request: jsonBody(PasswordChangeInput),
      responses: {
        200: jsonReply(Ended, "Changed; how many other sessions were ended"),
        400: commonErrors[400],
        401: commonErrors[401],
        429: commonErrors[429],
      },
    }),
    async (c) => {
      const { currentPassword, newPassword } = c.req.valid("json");
      const { id, sid } = c.get("session");
      await throttle(c, `password-user:${id}`, LIMITS.passwordUser);
      const row = await signedInAccount(c);
      if (!(await verifyPassword(currentPassword, row.passwordHash))) {
        throw unauthorized("The current password is wrong.", "invalid_credentials");
      }
      if (newPassword === currentPassword)
        throw new ApiError(400, "same_password", "The new password is the one you have; choose another.");
      // Loaded on first use, as at sign-up (routes/auth.ts).
      const { checkPassword } = await import("../../shared/password");
      const verdict = checkPassword(newPassword, [row.username, row.displayName]);
      if (!verdict.ok) throw new ApiError(400, "weak_password", verdict.reason);
      await c.get("store").users.setPasswordHash(id, await hashPassword(newPassword));
      return c.json({ ended: await sessions(c.env, id).end(id, null, sid) }, 200);
    },
  );
