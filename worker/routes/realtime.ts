// The WebSocket upgrade into a room. Everything that can refuse a connection happens before
// the ChatRoom object is touched: the token (401) and membership (403) in the shared
// middleware (the token may come as ?token= since browsers cannot set headers on an upgrade),
// the Origin here. The 101 response is passed through untouched. During a history store outage
// the membership cannot be read: the upgrade then goes to the room unverified, which admits
// the members it knows and closes others with 1013 (try again later).

import { chatRoom, IDENTITY_HEADER, type Identity } from "../../durable-objects/chat-room/chat-room";
import { readConfig } from "../../shared/config";
import { offeredProtocols, WS_TOKEN_PREFIX } from "../../shared/wire";
import { ApiError, forbidden } from "../errors";
import { router } from "../lib/openapi";
import { roomConfigOf } from "./room-access";

export const realtimeRoutes = router().get("/rooms/:id/ws", async (c) => {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "upgrade_required", "Connect with a WebSocket upgrade.");
  }
  const origin = c.req.header("Origin");
  if (origin && origin !== new URL(c.req.url).origin && !readConfig(c.env).allowedOrigins.includes(origin)) {
    throw forbidden("This origin may not open a connection.", "origin_not_allowed");
  }
  const { id, username, displayName, exp, sid } = c.get("session");
  const roomId = c.req.param("id");
  const headers = new Headers(c.req.raw.headers);
  // The token, if it came as a subprotocol, has done its job: the room object gets the rest.
  const kept = offeredProtocols(headers.get("Sec-WebSocket-Protocol")).filter((p) => !p.startsWith(WS_TOKEN_PREFIX));
  if (kept.length > 0) headers.set("Sec-WebSocket-Protocol", kept.join(", "));
  else headers.delete("Sec-WebSocket-Protocol");
  const user = { id, username, displayName };
  const identity: Identity = c.get("memberUnverified")
    ? { user, exp, sid, unverified: true }
    : { user, exp, sid, room: roomConfigOf(c.get("room"), c.get("roomCharacterName")), checkedAt: c.get("accessCheckedAt") };
  headers.set(IDENTITY_HEADER, JSON.stringify(identity));
  return chatRoom(c.env, roomId).fetch(new Request(c.req.raw, { headers }));
});
