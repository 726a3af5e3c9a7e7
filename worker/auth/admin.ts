// Operator access: `Authorization: Bearer <ADMIN_TOKEN>` guards /metrics and /api/admin/*.
// The token is a shared secret, not a user's JWT. It is compared in constant time (both sides
// hashed to equal-length digests first), so response timing reveals nothing about it. With no
// ADMIN_TOKEN configured, every caller is refused.
import type { MiddlewareHandler } from "hono";
import { ApiError } from "../errors";
import type { AppEnv } from "../types";

const refused = () =>
  new ApiError(401, "unauthorized", "This endpoint needs the operator token (Authorization: Bearer ADMIN_TOKEN).", undefined, {
    "WWW-Authenticate": 'Bearer realm="parlor-admin"',
  });

export async function isAdminToken(given: string, expected: string | undefined): Promise<boolean> {
  if (!expected) return false;
  const encoder = new TextEncoder();
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(given)),
    crypto.subtle.digest("SHA-256", encoder.encode(expected)),
  ]);
  return crypto.subtle.timingSafeEqual(a, b);
}

export function requireAdmin(): MiddlewareHandler<AppEnv> {
  return async function requireAdmin(c, next) {
    const token = c.req.header("Authorization")?.match(/^Bearer\s+(.+)$/i)?.[1];
    if (!token || !(await isAdminToken(token, c.env.ADMIN_TOKEN))) throw refused();
    await next();
  };
}
