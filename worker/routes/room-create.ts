// Creating a room (POST /api/rooms): its settings, the people invited to it (all must exist),
// and the room object configured with its member list before anyone is told. A direct chat
// that already exists between the two people is answered instead of made twice.
import { createRoute, z } from "@hono/zod-openapi";
import { chatRoom } from "../../durable-objects/chat-room/chat-room";
import { Room, RoomInput } from "../../shared/schemas";
import { LIMITS, signedInAccount, throttle } from "../auth/sign-in";
import { badRequest } from "../errors";
import { tellPeople } from "../lib/channels";
import { bearer, commonErrors, jsonBody, jsonReply, router } from "../lib/openapi";
import { roomConfig } from "./room-access";
import { usableCharacter } from "./rooms";

export const roomCreateRoutes = router().openapi(
  createRoute({
    method: "post",
    path: "/rooms",
    tags: ["Rooms"],
    summary: "Create a room",
    security: bearer,
    request: jsonBody(RoomInput),
    responses: {
      200: jsonReply(z.object({ room: Room, existing: z.literal(true) }), "The direct chat you already have with that person"),
      201: jsonReply(z.object({ room: Room }), "Created"),
      400: commonErrors[400],
      401: commonErrors[401],
      429: commonErrors[429],
    },
  }),
  async (c) => {
    const body = c.req.valid("json");
    const store = c.get("store");
    const me = c.get("session");
    await signedInAccount(c);
    await throttle(c, `room:${me.id}`, LIMITS.roomUser, "Too many new rooms at once. Wait a moment and try again.");
    const character = await usableCharacter(store, body.characterId, me.id);
    const names = [...new Set((body.members ?? []).map((u) => u.toLowerCase()))];
    const found = await Promise.all(names.map((n) => store.users.byUsername(n)));
    const missing = names.filter((_, i) => !found[i]);
    if (missing.length)
      throw badRequest(
        `Unknown users: ${missing.join(", ")}`,
        missing.map((u) => ({ path: "members", message: `unknown user ${u}` })),
      );
    const now = Date.now();
    const row = {
      id: crypto.randomUUID(),
      title: body.title ?? null,
      ownerId: me.id,
      characterId: character?.id ?? null,
      aiMode: character ? (body.aiMode ?? "always") : "off",
      createdAt: now,
      updatedAt: now,
      lastSeq: 0,
      lastActivityAt: now,
    } as const;
    const invited = found.flatMap((u) => (u && u.id !== me.id ? [{ userId: u.id, username: u.username }] : []));
    const memberIds = invited.map((m) => m.userId);
    // Untitled, no character, one other person: a direct chat, called after them. A second
    // would be a twin of the first, so the one there is is the answer.
    const peer = !row.title && !character && invited.length === 1 ? invited[0] : undefined;
    const existing = peer && (await store.rooms.directChatBetween(me.id, peer.userId));
    if (existing) return c.json({ room: existing, existing: true as const }, 200);
    await store.rooms.create(row, memberIds);
    const room = (await store.rooms.byId(row.id)) as Room;
    const object = chatRoom(c.env, room.id);
    await object.configure(await roomConfig(store, room));
    await object.updateMembers({ set: [{ userId: me.id, username: me.username }, ...invited] });
    tellPeople(c.env, [me.id, ...memberIds], { type: "room", room });
    return c.json({ room }, 201);
  },
);
