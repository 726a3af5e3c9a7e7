// AI characters: personas with a system prompt. Built-ins (the Assistant) are visible to
// everyone and read-only; everyone else's are private to their owner.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { chatRoom } from "../../durable-objects/chat-room/chat-room";
import { Character, CharacterInput } from "../../shared/schemas";
import type { Store } from "../../shared/store";
import type { Room } from "../../shared/wire";
import { MODEL_NAME, MODEL_NAME_HINT } from "../ai";
import { LIMITS, signedInAccount, throttle } from "../auth/sign-in";
import { conflict, forbidden, notFound } from "../errors";
import { tellMembers } from "../lib/channels";
import { bearer, commonErrors, jsonBody, jsonReply, router } from "../lib/openapi";
import { characterNotice } from "../lib/room-notices";
import type { AppEnv } from "../types";
import { caller, forgetRoomAccess, roomConfigOf } from "./room-access";

const Fields = CharacterInput.extend({
  // Only models the deployment's providers serve: a character runs on the operator's keys.
  model: z.string().regex(MODEL_NAME, MODEL_NAME_HINT).max(80).nullable().optional(),
});
/** The most characters one person may have (each is a prompt of up to 8,000 characters). */
const MAX_CHARACTERS = 100;
const IdParam = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) });
const One = z.object({ character: Character });

/** An empty avatar is none (the form's cleared field), stored as null like one never set. */
const noEmptyAvatar = <T extends { avatar?: string | null }>(body: T): T => (body.avatar === "" ? { ...body, avatar: null } : body);

async function owned(store: Store, id: string, userId: string): Promise<Character> {
  const character = await store.characters.byId(id);
  if (!character || (!character.builtIn && character.ownerId !== userId)) throw notFound("Character");
  if (character.builtIn) throw forbidden("Built-in characters cannot be changed.");
  return character;
}

/** Rooms whose character changed or went (`characterName` null): each ChatRoom takes its new
 * settings, with a notice by the character's owner if there is one to say, and every member's
 * channel gets the room. */
async function reconfigure(c: Context<AppEnv>, rooms: Room[], characterName: string | null, notice?: string) {
  const store = c.get("store");
  const notices = notice ? [{ by: caller(c), text: notice }] : [];
  await Promise.all(
    rooms.map(async (room) => {
      forgetRoomAccess(room.id);
      await chatRoom(c.env, room.id).configure(roomConfigOf(room, characterName), notices);
      await tellMembers(c.env, store, room);
    }),
  );
}

export const characterRoutes = router()
  .openapi(
    createRoute({
      method: "get",
      path: "/characters",
      tags: ["Characters"],
      summary: "Built-in characters, then your own",
      security: bearer,
      responses: { 200: jsonReply(z.object({ characters: z.array(Character) }), "Characters"), 401: commonErrors[401] },
    }),
    async (c) => c.json({ characters: await c.get("store").characters.list(c.get("session").id) }, 200),
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/characters",
      tags: ["Characters"],
      summary: "Create a character",
      security: bearer,
      request: jsonBody(Fields),
      responses: { 201: jsonReply(One, "Created"), 400: commonErrors[400], 401: commonErrors[401] },
    }),
    async (c) => {
      await signedInAccount(c);
      const me = c.get("session").id;
      await throttle(c, `character:${me}`, LIMITS.characterUser, "Too many new characters at once. Wait a moment and try again.");
      if ((await c.get("store").characters.countOwned(me)) >= MAX_CHARACTERS)
        throw conflict(`You have ${MAX_CHARACTERS} characters, the most one person may have: delete one first.`, "too_many_characters");
      const character = await c
        .get("store")
        .characters.create(crypto.randomUUID(), c.get("session").id, noEmptyAvatar(c.req.valid("json")), Date.now());
      return c.json({ character }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/characters/{id}",
      tags: ["Characters"],
      summary: "One character",
      security: bearer,
      request: { params: IdParam },
      responses: { 200: jsonReply(One, "The character"), 404: commonErrors[404] },
    }),
    async (c) => {
      const character = await c.get("store").characters.byId(c.req.valid("param").id);
      if (!character || (!character.builtIn && character.ownerId !== c.get("session").id)) throw notFound("Character");
      return c.json({ character }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/characters/{id}",
      tags: ["Characters"],
      summary: "Change your character",
      security: bearer,
      request: { params: IdParam, ...jsonBody(Fields.partial()) },
      responses: { 200: jsonReply(One, "Updated"), 400: commonErrors[400], 403: commonErrors[403], 404: commonErrors[404] },
    }),
    async (c) => {
      const store = c.get("store");
      const { id } = c.req.valid("param");
      const before = await owned(store, id, c.get("session").id);
      const rooms = await store.characters.update(id, noEmptyAvatar(c.req.valid("json")), Date.now());
      const character = (await store.characters.byId(id)) as Character;
      // A new name is what wakes the AI in a room that answers only mentions, and every member
      // sees the name, description and avatar: each room using it hears at once.
      const renamed = character.name !== before.name ? characterNotice(before.name, character.name) : undefined;
      await reconfigure(c, rooms, character.name, renamed);
      return c.json({ character }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/characters/{id}",
      tags: ["Characters"],
      summary: "Delete your character (rooms using it keep talking, without AI: their `aiMode` turns `off`)",
      security: bearer,
      request: { params: IdParam },
      responses: { 204: { description: "Deleted" }, 403: commonErrors[403], 404: commonErrors[404] },
    }),
    async (c) => {
      const store = c.get("store");
      const { id } = c.req.valid("param");
      const before = await owned(store, id, c.get("session").id);
      // As for a PATCH that removes the character: each room stops replying, its members hear.
      await reconfigure(c, await store.characters.delete(id, Date.now()), null, characterNotice(before.name, null));
      return c.body(null, 204);
    },
  );
