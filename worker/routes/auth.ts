// Accounts: register, log in, who am I, and changing one's display name. Attempts are throttled (auth/sign-in.ts) so
// passwords cannot be guessed at speed; ending sessions is in routes/sessions.ts.
import { createRoute, z } from "@hono/zod-openapi";
import { sessions } from "../../durable-objects/sessions";
import { readConfig } from "../../shared/config";
import { LoginInput, ProfileInput, RegisterInput, User } from "../../shared/schemas";
import { isUniqueViolation } from "../../shared/store";
import { toUser } from "../../shared/store/mappers";
import { DECOY_HASH, hashPassword, verifyPassword } from "../auth/password";
import { clientIp, LIMITS, signedInAccount, startSession, throttle, throttleLogin } from "../auth/sign-in";
import { ApiError, conflict, unauthorized } from "../errors";
import { tellPeople } from "../lib/channels";
import { bearer, commonErrors, jsonBody, jsonReply, router } from "../lib/openapi";

/** The most rooms a rename is pushed to, the most recently active first (each is one call,
 * within a request's subrequests); the others show it when next opened. */
const RENAME_TELLS_ROOMS = 500;
/** The most direct chats whose other person hears of a rename at once (a push each). */
const RENAME_TELLS_PEERS = 100;

export const AuthReply = z.object({ token: z.string(), user: User }).openapi("AuthReply");

export const authRoutes = router()
  .openapi(
    createRoute({
      method: "post",
      path: "/auth/register",
      tags: ["Accounts"],
      summary: "Create an account",
      description:
        "A password that is commonly used or easy to guess (a keyboard pattern, a repeated character, a date, the username) is refused with 400 `weak_password` and the reason in `message`.",
      request: jsonBody(RegisterInput),
      responses: { 201: jsonReply(AuthReply, "Registered"), 409: commonErrors[409], 400: commonErrors[400], 429: commonErrors[429] },
    }),
    async (c) => {
      const { username, password, displayName } = c.req.valid("json");
      await throttle(c, `register-ip:${clientIp(c)}`, LIMITS.registerIp);
      // The strength estimator and its word lists (about 0.5 MB) load on the first sign-up only.
      const { checkPassword } = await import("../../shared/password");
      const verdict = checkPassword(password, [username, displayName ?? ""]);
      if (!verdict.ok) throw new ApiError(400, "weak_password", verdict.reason);
      const store = c.get("store");
      if (await store.users.byUsername(username)) throw conflict("That username is taken.", "username_taken");
      const row = {
        id: crypto.randomUUID(),
        username,
        displayName: displayName ?? username,
        passwordHash: await hashPassword(password),
        createdAt: Date.now(),
      };
      try {
        await store.users.create(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw conflict("That username is taken.", "username_taken");
        throw err;
      }
      return c.json(await startSession(c, row), 201);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/auth/login",
      tags: ["Accounts"],
      summary: "Log in",
      request: jsonBody(LoginInput),
      responses: { 200: jsonReply(AuthReply, "Logged in"), 401: commonErrors[401], 429: commonErrors[429] },
    }),
    async (c) => {
      const { username, password } = c.req.valid("json");
      await throttleLogin(c, username);
      const row = await c.get("store").users.byUsername(username);
      // Verify against a decoy when the user is unknown: same work, same timing.
      const ok = await verifyPassword(password, row?.passwordHash ?? DECOY_HASH);
      if (!row || !ok) throw unauthorized("Wrong username or password.", "invalid_credentials");
      return c.json(await startSession(c, row), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/me",
      tags: ["Accounts"],
      summary: "The signed-in user",
      security: bearer,
      responses: {
        200: jsonReply(
          z.object({
            user: User,
            limits: z.object({ attachmentBytes: z.number().int().describe("The largest file an upload takes (ATTACHMENT_MAX_MB)") }),
          }),
          "The user, and the limits a client checks before sending",
        ),
        401: commonErrors[401],
      },
    }),
    async (c) => {
      const limits = { attachmentBytes: readConfig(c.env).attachments.maxBytes };
      return c.json({ user: toUser(await signedInAccount(c)), limits }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/me",
      tags: ["Accounts"],
      summary: "Change one's display name",
      description:
        "Takes effect at once everywhere: every session's later requests and messages carry it (tokens keep the name they were issued with; the server does not trust it), and the rooms where the person is online show it in their next `presence` frame. Messages already sent keep the name they were sent with.",
      security: bearer,
      request: jsonBody(ProfileInput),
      responses: {
        200: jsonReply(z.object({ user: User }), "The user, renamed"),
        400: commonErrors[400],
        401: commonErrors[401],
        429: commonErrors[429],
      },
    }),
    async (c) => {
      const { id } = c.get("session");
      await throttle(c, `profile-user:${id}`, LIMITS.profileUser);
      const row = await c.get("store").users.setDisplayName(id, c.req.valid("json").displayName);
      if (!row) throw unauthorized("This account no longer exists.", "invalid_token");
      const user = toUser(row);
      const store = c.get("store");
      const [roomIds, direct] = await Promise.all([
        store.rooms.idsOf(id, RENAME_TELLS_ROOMS),
        store.rooms.directChats(id, RENAME_TELLS_PEERS),
      ]);
      await sessions(c.env, id).rename(user, roomIds);
      // A direct chat is called after the other person: to them, it was renamed too.
      for (const { room, peerId } of direct) tellPeople(c.env, [peerId], { type: "room", room });
      return c.json({ user }, 200);
    },
  );
