// The WebSocket upgrade into a room. Almost everything that can refuse a connection happens before
// the ChatRoom object is touched: the token (401) and membership (403) in the shared
// middleware (the token may come as ?token= since browsers cannot set headers on an upgrade),
// the Origin in upgrade.ts. The 101 response is passed through untouched. The room itself
// refuses only a member it paused after a flood (429 with Retry-After). During a history
// store outage the membership cannot be read: the upgrade then goes to the room unverified,
// which admits the members it knows and closes others with 1013 (try again later).

import { chatRoom, IDENTITY_HEADER, type Identity } from "../../durable-objects/chat-room/chat-room";
import { router } from "../lib/openapi";
import { roomConfigOf } from "./room-access";
import { upgradeHeaders } from "./upgrade";

export const realtimeRoutes = router().get("/rooms/:id/ws", async (c) => {
  const headers = upgradeHeaders(c);
  const { id, username, displayName, exp, sid } = c.get("session");
  const roomId = c.req.param("id");
  const user = { id, username, displayName };
  const identity: Identity = c.get("memberUnverified")
    ? { user, exp, sid, unverified: true }
    : { user, exp, sid, room: roomConfigOf(c.get("room"), c.get("roomCharacterName")), checkedAt: c.get("accessCheckedAt") };
  headers.set(IDENTITY_HEADER, JSON.stringify(identity));
  const res = await chatRoom(c.env, roomId).fetch(new Request(c.req.raw, { headers }));
  // A refusal from the room (a member paused after flooding: 429) is copied, so that its
  // headers can take the request id and security headers like every other response's.
  return res.status === 101 ? res : new Response(res.body, res);
});
