// What every way of signing in shares: the throttles on guessing (a RateLimiter object per
// name), and a signed-in reply, whose token names a new session recorded in the person's
// Sessions object. Login guesses are throttled per (username, client) and per client, with a
// far higher ceiling per username, so a stranger's guesses never lock the owner out.
import type { Context } from "hono";
import { rateLimiter } from "../../durable-objects/rate-limiter";
import { sessions } from "../../durable-objects/sessions";
import { readConfig } from "../../shared/config";
import { toUser, type UserRow } from "../../shared/store/mappers";
import { rateLimited, unauthorized } from "../errors";
import type { AppEnv } from "../types";
import { issueToken, requireSecret } from "./jwt";

/** Burst and refill per minute for each throttle. */
export const LIMITS = {
  loginIp: [20, 10],
  loginUserIp: [10, 5],
  loginUser: [200, 60],
  registerIp: [10, 5],
  passwordUser: [10, 5],
  profileUser: [10, 5],
  // Per person, what costs storage or a long read: far above what a person does by hand.
  uploadUser: [20, 30],
  characterUser: [20, 10],
  exportUser: [5, 10],
  roomUser: [30, 20],
  // POST /rooms/:id/members, per inviter: a room of a hundred at once, then one a second.
  inviteUser: [100, 60],
  searchUser: [60, 120],
} as const;

export async function throttle(
  c: Context<AppEnv>,
  name: string,
  [burst, perMinute]: readonly [number, number],
  message = "Too many attempts. Wait a moment and try again.",
) {
  const wait = await rateLimiter(c.env, name).take(burst, perMinute);
  if (wait > 0) throw rateLimited(wait, message);
}

export const clientIp = (c: Context) => c.req.header("CF-Connecting-IP") ?? "local";

/** The three login throttles for `username` from this client. */
export async function throttleLogin(c: Context<AppEnv>, username: string) {
  const [user, ip] = [username.toLowerCase(), clientIp(c)];
  await throttle(c, `login-ip:${ip}`, LIMITS.loginIp);
  await throttle(c, `login-user-ip:${user}:${ip}`, LIMITS.loginUserIp);
  await throttle(c, `login-user:${user}`, LIMITS.loginUser);
}

/** A signed-in reply for `row`: a token for a new session. */
export async function startSession(c: Context<AppEnv>, row: UserRow) {
  const { token, sid, exp } = await mint(c, row);
  await sessions(c.env, row.id).start(sid, exp, c.req.header("User-Agent"));
  return { token, user: toUser(row) };
}

/** A token whose new session replaces `oldSid`; null if that session had already ended. */
export async function rotateSession(c: Context<AppEnv>, row: UserRow, oldSid: string) {
  const { token, sid, exp } = await mint(c, row);
  return (await sessions(c.env, row.id).rotate(row.id, oldSid, sid, exp)) ? { token, user: toUser(row) } : null;
}

function mint(c: Context<AppEnv>, row: UserRow) {
  return issueToken(toUser(row), requireSecret(c.env.JWT_SECRET), readConfig(c.env).tokenTtlSeconds);
}

/** The signed-in person's account row; 401 if it no longer exists (a deleted account's token
 * must not reach a write that names it). */
export async function signedInAccount(c: Context<AppEnv>): Promise<UserRow> {
  const row = await c.get("store").users.byId(c.get("session").id);
  if (!row) throw unauthorized("This account no longer exists.", "invalid_token");
  return row;
}
