// What every WebSocket upgrade checks before a Durable Object is touched (the token has been
// checked by the auth middleware already): that it is an upgrade (426), that the page asking is
// this site or an allowed origin (403), and that the token, if it came as a subprotocol, goes no
// further. Shared by the room socket (realtime.ts) and the person's channel (channel.ts).
import type { Context } from "hono";
import { readConfig } from "../../shared/config";
import { offeredProtocols, WS_TOKEN_PREFIX } from "../../shared/wire";
import { ApiError, forbidden } from "../errors";
import type { AppEnv } from "../types";

/** Refuses what is not an allowed upgrade; returns the request's headers without the token. */
export function upgradeHeaders(c: Context<AppEnv>): Headers {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "Connect with a WebSocket upgrade.");
  }
  const origin = c.req.header("Origin");
  if (origin && origin !== new URL(c.req.url).origin && !readConfig(c.env).allowedOrigins.includes(origin)) {
    throw forbidden("This origin may not open a connection.", "origin_not_allowed");
  }
  const headers = new Headers(c.req.raw.headers);
  const kept = offeredProtocols(headers.get("Sec-WebSocket-Protocol")).filter((p) => !p.startsWith(WS_TOKEN_PREFIX));
  if (kept.length > 0) headers.set("Sec-WebSocket-Protocol", kept.join(", "));
  else headers.delete("Sec-WebSocket-Protocol");
  return headers;
}
