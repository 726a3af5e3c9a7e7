// Authentication middleware: a Bearer token in the Authorization header, or `?token=` for a
// WebSocket upgrade (browsers cannot set headers on one). Puts the session on the context.
import type { MiddlewareHandler } from "hono";
import { unauthorized } from "../errors";
import type { AppEnv } from "../types";
import { requireSecret, verifyToken } from "./jwt";

export function requireAuth(): MiddlewareHandler<AppEnv> {
  return async function requireAuth(c, next) {
    const header = c.req.header("Authorization");
    let token = header?.match(/^Bearer\s+(.+)$/i)?.[1];
    if (!token && c.req.header("Upgrade")?.toLowerCase() === "websocket") token = c.req.query("token");
    if (!token) throw unauthorized();
    c.set("session", await verifyToken(token, requireSecret(c.env.JWT_SECRET)));
    await next();
  };
}
