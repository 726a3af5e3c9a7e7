// The signed-in person's channel: GET /api/me/ws upgrades to a WebSocket on their UserChannel
// object, after the same token and Origin checks as a room's socket; the socket carries its
// session id, so ending that session closes it with 4001. What travels on it is in
// docs/API.md ("The channel") and shared/wire.ts (ChannelFrame).
import { createRoute } from "@hono/zod-openapi";
import { CHANNEL_IDENTITY_HEADER, type ChannelIdentity, userChannel } from "../../durable-objects/user-channel/user-channel";
import { bearer, commonErrors, router } from "../lib/openapi";
import { upgradeHeaders } from "./upgrade";

const route = createRoute({
  method: "get",
  path: "/me/ws",
  tags: ["Real time"],
  summary: "Your channel: a WebSocket pushing what your room list shows",
  description:
    "Upgrade with `Upgrade: websocket`; the token as a `bearer.<token>` subprotocol beside `parlor`, or `?token=`. " +
    "Frames: `ready`, then `room`, `room_gone`, `activity` (coalesced, at most about one per room per second), `read`, `pong`. " +
    "After `ready`, read GET /api/rooms and apply the frames on top of it (docs/API.md, The channel).",
  security: bearer,
  responses: {
    101: { description: "Switching protocols" },
    401: commonErrors[401],
    403: { ...commonErrors[403], description: "An Origin that is neither this site nor in ALLOWED_ORIGINS" },
    426: { ...commonErrors[400], description: "Not a WebSocket upgrade" },
  },
});

export const channelRoutes = router().openapi(route, async (c) => {
  const headers = upgradeHeaders(c);
  const { id, exp, sid } = c.get("session");
  headers.set(CHANNEL_IDENTITY_HEADER, JSON.stringify({ userId: id, exp, sid } satisfies ChannelIdentity));
  return userChannel(c.env, id).fetch(new Request(c.req.raw, { headers }));
});
