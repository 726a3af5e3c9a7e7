// Authentication middleware: a Bearer token in the Authorization header, or, for a WebSocket
// upgrade (browsers cannot set headers on one), a `bearer.<token>` subprotocol beside `parlor`
// (kept out of URLs, and so out of every log and history that records them) or `?token=`.
// The token must name a session that is still open (its person's Sessions object answers
// from memory); an upgrade also tells that object which room the session opened a socket in,
// so ending the session can close it there. Puts the session on the context, with the person's
// current display name.
import type { MiddlewareHandler } from "hono";
import { sessions } from "../../durable-objects/sessions";
import { offeredProtocols, WS_PROTOCOL, WS_TOKEN_PREFIX } from "../../shared/wire";
import { unauthorized } from "../errors";
import type { AppEnv } from "../types";
import { requireSecret, verifyToken } from "./jwt";

export function requireAuth(): MiddlewareHandler<AppEnv> {
  return async function requireAuth(c, next) {
    const header = c.req.header("Authorization");
    let token = header?.match(/^Bearer\s+(.+)$/i)?.[1];
    const upgrading = c.req.header("Upgrade")?.toLowerCase() === "websocket";
    if (!token && upgrading) {
      const offered = offeredProtocols(c.req.header("Sec-WebSocket-Protocol"));
      // Only beside parlor, the one the server answers with: a browser fails (1006, no reason)
      // a handshake that picks none of the subprotocols it offered.
      const fromProtocol = offered.includes(WS_PROTOCOL) ? offered.find((p) => p.startsWith(WS_TOKEN_PREFIX)) : undefined;
      token = fromProtocol?.slice(WS_TOKEN_PREFIX.length) || c.req.query("token");
    }
    if (!token) throw unauthorized();
    const session = await verifyToken(token, requireSecret(c.env.JWT_SECRET));
    const roomId = upgrading ? c.req.path.match(/\/rooms\/([^/]+)\/ws$/)?.[1] : undefined;
    const open = await sessions(c.env, session.id).check(session.sid, roomId);
    if (!open) throw unauthorized("This session has ended. Sign in again.", "session_ended");
    // The token carries the name it was issued with; a changed one comes from the check.
    c.set("session", open.displayName === undefined ? session : { ...session, displayName: open.displayName });
    await next();
  };
}
