// Room access: every /rooms/:id route passes through `roomMember()`, which loads the room
// and the caller's membership in one query: 404 for an unknown room, 403 for a non-member.
import type { MiddlewareHandler } from "hono";
import type { RoomConfig } from "../../durable-objects/chat-room";
import { forbidden, notFound } from "../errors";
import type { Room } from "../protocol";
import type { Store } from "../store";
import type { AppEnv } from "../types";

export function roomMember(): MiddlewareHandler<AppEnv> {
  return async function roomMember(c, next) {
    const id = c.req.param("id");
    if (!id) throw notFound("Room");
    const found = await c.get("store").rooms.withMembership(id, c.get("session").id);
    if (!found) throw notFound("Room");
    if (!found.member) throw forbidden("You are not a member of this room.", "not_a_member");
    c.set("room", found.room);
    c.set("member", found.member);
    c.set("roomCharacterName", found.characterName);
    await next();
  };
}

export function chatRoom(env: Env, roomId: string) {
  return env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(roomId));
}

/** What the ChatRoom object needs to know about its room's settings. */
export function roomConfigOf(room: Room, characterName: string | null): RoomConfig {
  const hasCharacter = room.characterId !== null && characterName !== null;
  return {
    roomId: room.id,
    characterId: hasCharacter ? room.characterId : null,
    characterName: hasCharacter ? characterName : null,
    aiMode: hasCharacter ? room.aiMode : "off",
    version: Date.parse(room.updatedAt),
  };
}

/** The same, looking the character up (after a create or an update). */
export async function roomConfig(store: Store, room: Room): Promise<RoomConfig> {
  const character = room.characterId ? await store.characters.byId(room.characterId) : undefined;
  return roomConfigOf(room, character?.name ?? null);
}
