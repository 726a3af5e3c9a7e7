// Accounts: register, log in, and who am I. Attempts are throttled per client IP and per
// username (a RateLimiter object each) so passwords cannot be guessed at speed.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { rateLimiter } from "../../durable-objects/rate-limiter";
import { readConfig } from "../../shared/config";
import { LoginInput, RegisterInput, User } from "../../shared/schemas";
import { isUniqueViolation } from "../../shared/store";
import { toUser, type UserRow } from "../../shared/store/mappers";
import { issueToken, requireSecret } from "../auth/jwt";
import { DECOY_HASH, hashPassword, verifyPassword } from "../auth/password";
import { ApiError, conflict, rateLimited, unauthorized } from "../errors";
import { bearer, commonErrors, jsonBody, jsonReply, router } from "../lib/openapi";
import type { AppEnv } from "../types";

const AuthReply = z.object({ token: z.string(), user: User }).openapi("AuthReply");

/** Burst and refill per minute for each throttle. */
const LIMITS = { loginIp: [20, 10], loginUser: [10, 5], registerIp: [10, 5] } as const;

async function throttle(c: Context<AppEnv>, name: string, [burst, perMinute]: readonly [number, number]) {
  const wait = await rateLimiter(c.env, name).take(burst, perMinute);
  if (wait > 0) throw rateLimited(wait, "Too many attempts. Wait a moment and try again.");
}

/** A signed-in reply: the user and a fresh token for them. */
async function session(c: Context<AppEnv>, row: UserRow) {
  const user = toUser(row);
  return { token: await issueToken(user, requireSecret(c.env.JWT_SECRET), readConfig(c.env).tokenTtlSeconds), user };
}

const clientIp = (c: Context) => c.req.header("CF-Connecting-IP") ?? "local";

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
      return c.json(await session(c, row), 201);
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
      await throttle(c, `login-ip:${clientIp(c)}`, LIMITS.loginIp);
      await throttle(c, `login-user:${username.toLowerCase()}`, LIMITS.loginUser);
      const row = await c.get("store").users.byUsername(username);
      // Verify against a decoy when the user is unknown: same work, same timing.
      const ok = await verifyPassword(password, row?.passwordHash ?? DECOY_HASH);
      if (!row || !ok) throw unauthorized("Wrong username or password.", "invalid_credentials");
      return c.json(await session(c, row), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/auth/refresh",
      tags: ["Accounts"],
      summary: "Trade a valid token for a fresh one (a new expiry)",
      security: bearer,
      responses: { 200: jsonReply(AuthReply, "A new token"), 401: commonErrors[401] },
    }),
    async (c) => {
      const row = await c.get("store").users.byId(c.get("session").id);
      if (!row) throw unauthorized("This account no longer exists.", "invalid_token");
      return c.json(await session(c, row), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/me",
      tags: ["Accounts"],
      summary: "The signed-in user",
      security: bearer,
      responses: { 200: jsonReply(z.object({ user: User }), "The user"), 401: commonErrors[401] },
    }),
    async (c) => {
      const row = await c.get("store").users.byId(c.get("session").id);
      if (!row) throw unauthorized("This account no longer exists.", "invalid_token");
      return c.json({ user: toUser(row) }, 200);
    },
  );
