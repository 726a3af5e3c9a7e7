// Session tokens: JWT signed with HS256. Verification pins the algorithm, so `alg: none` or
// any other header is rejected, and requires `exp` and `jti` (the session id, which must
// still be open in the person's Sessions object: see auth/middleware.ts).
import { sign, verify } from "hono/jwt";
import { unauthorized } from "../errors";

export type AuthUser = { id: string; username: string; displayName: string };
export type Session = AuthUser & { exp: number; sid: string };

/**
 * The HMAC key for a secret, imported once per isolate rather than on every request: the
 * import was a tenth of a WebSocket connect's CPU. (Handing hono the CryptoKey also keeps it
 * from reading a secret that happens to contain "PUBLIC" or "PRIVATE" as a PEM key.)
 */
let cachedKey: { secret: string; key: Promise<CryptoKey> } | undefined;
export function hmacKey(secret: string): Promise<CryptoKey> {
  if (cachedKey?.secret !== secret) {
    const key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    cachedKey = { secret, key };
  }
  return cachedKey.key;
}

/** A signed token for a new session id; the caller records the session (Sessions.start). */
export async function issueToken(user: AuthUser, secret: string, ttlSeconds: number): Promise<{ token: string; sid: string; exp: number }> {
  const now = Math.floor(Date.now() / 1000);
  const [sid, exp] = [crypto.randomUUID(), now + ttlSeconds];
  const claims = { sub: user.id, usr: user.username, name: user.displayName, jti: sid, iat: now, exp };
  return { token: await sign(claims, await hmacKey(secret), "HS256"), sid, exp };
}

/**
 * Tokens this isolate has verified, with what they said: a client reconnecting, or a room's
 * worth of them after a deploy, is then checked without the HMAC and the parse (a fifth of a
 * WebSocket connect's CPU). Keyed by the whole token, so only the exact bytes that passed are
 * trusted; the expiry is checked on every use. Dropped when the secret changes.
 */
const verified = new Map<string, Session>();
let verifiedWith: string | undefined;
const VERIFIED_MAX = 5000;

export async function verifyToken(token: string, secret: string): Promise<Session> {
  if (verifiedWith !== secret) {
    verified.clear();
    verifiedWith = secret;
  }
  const known = verified.get(token);
  if (known) {
    if (known.exp > Math.floor(Date.now() / 1000)) return { ...known };
    verified.delete(token);
    throw unauthorized("Your session has expired. Sign in again.", "token_expired");
  }
  const session = await verifySignature(token, secret);
  // Only if the secret it was checked with is still the current one.
  if (verifiedWith === secret) {
    // Oldest first in a Map: past the cap, the oldest entry goes.
    if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value as string);
    verified.set(token, session);
  }
  return { ...session };
}

async function verifySignature(token: string, secret: string): Promise<Session> {
  let payload: Record<string, unknown>;
  try {
    payload = await verify(token, await hmacKey(secret), "HS256");
  } catch (err) {
    const expired = (err as Error).name === "JwtTokenExpired";
    throw expired
      ? unauthorized("Your session has expired. Sign in again.", "token_expired")
      : unauthorized("Invalid token.", "invalid_token");
  }
  const { sub, usr, name, exp, jti } = payload;
  if (typeof sub !== "string" || typeof usr !== "string" || typeof exp !== "number" || typeof jti !== "string") {
    throw unauthorized("Invalid token.", "invalid_token");
  }
  return { id: sub, username: usr, displayName: typeof name === "string" ? name : usr, exp, sid: jti };
}

export function requireSecret(secret: string | undefined): string {
  if (!secret) throw new Error("JWT_SECRET is not set: run `wrangler secret put JWT_SECRET` (npm run dev creates .dev.vars)");
  return secret;
}
