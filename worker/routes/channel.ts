// The signed-in person's channel: GET /api/me/ws upgrades to a WebSocket on their UserChannel
// object, after the same token and Origin checks as a room's socket. What travels on it is in
// docs/API.md ("The channel") and shared/wire.ts (ChannelFrame).
import { CHANNEL_IDENTITY_HEADER, type ChannelIdentity, userChannel } from "../../durable-objects/user-channel/user-channel";
import { router } from "../lib/openapi";
import { upgradeHeaders } from "./upgrade";

export const channelRoutes = router().get("/me/ws", async (c) => {
  const headers = upgradeHeaders(c);
  const { id, exp } = c.get("session");
  headers.set(CHANNEL_IDENTITY_HEADER, JSON.stringify({ userId: id, exp } satisfies ChannelIdentity));
  return userChannel(c.env, id).fetch(new Request(c.req.raw, { headers }));
});
