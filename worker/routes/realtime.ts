// The WebSocket upgrade into a room. Everything that can refuse a connection happens before
// the ChatRoom object is touched: the token (401) and membership (403) in the shared
// middleware (the token may come as ?token= since browsers cannot set headers on an upgrade),
// the Origin in upgrade.ts. The 101 response is passed through untouched.

import { chatRoom, IDENTITY_HEADER } from "../../durable-objects/chat-room/chat-room";
import { router } from "../lib/openapi";
import { roomConfigOf } from "./room-access";
import { upgradeHeaders } from "./upgrade";

export const realtimeRoutes = router().get("/rooms/:id/ws", async (c) => {
  const headers = upgradeHeaders(c);
  const { id, username, displayName, exp } = c.get("session");
  const room = c.get("room");
  const identity = {
    user: { id, username, displayName },
    exp,
    room: roomConfigOf(room, c.get("roomCharacterName")),
    checkedAt: c.get("accessCheckedAt"),
  };
  headers.set(IDENTITY_HEADER, JSON.stringify(identity));
  return chatRoom(c.env, room.id).fetch(new Request(c.req.raw, { headers }));
});
