// Rooms and their members. One-to-one AI chats, group chats with an AI and direct messages
// between two people are all rooms: members plus an optional character.
import { createRoute, z } from "@hono/zod-openapi";
import { chatRoom } from "../../durable-objects/chat-room/chat-room";
import { readConfig } from "../../shared/config";
import { AddMemberInput, type AiMode, Member, ReadInput, Room, RoomCharacter, RoomListItem, RoomPatch } from "../../shared/schemas";
import type { Store } from "../../shared/store";
import { iso, toUser } from "../../shared/store/mappers";
import { decodeCursor } from "../../shared/store/rooms";
import { MAX_ROOM_QUERY } from "../../shared/wire";
import { LIMITS, throttle } from "../auth/sign-in";
import { ApiError, badRequest, conflict, forbidden, notFound } from "../errors";
import { tellMembers, tellPeople } from "../lib/channels";
import { bearer, commonErrors, jsonBody, jsonReply, router, wholeNumber } from "../lib/openapi";
import { handedOverNotice, memberNotice, settingsNotices } from "../lib/room-notices";
import { deleteRoomAttachments } from "./attachments";
import { caller, forgetRoomAccess, roomConfig } from "./room-access";

const RoomId = z.object({ id: z.string().openapi({ param: { name: "id", in: "path" } }) });
const Limit = wholeNumber(1, 100).default(50);

/** The character `id` if `userId` may put it in a room (theirs or built in); null for none. */
export async function usableCharacter(store: Store, id: string | null | undefined, userId: string) {
  if (!id) return null;
  const character = await store.characters.usableBy(id, userId);
  if (!character) throw badRequest("characterId: unknown character", [{ path: "characterId", message: "unknown character" }]);
  return character;
}

const raced = () => conflict("The room's members changed meanwhile; try again.");

/** The owner leaving: the room goes to the member who joined first after them. */
async function handOverRoom(store: Store, roomId: string, ownerId: string) {
  const handed = await store.rooms.handOver(roomId, ownerId, Date.now());
  if (handed === "alone")
    throw new ApiError(400, "owner_cannot_leave", "You are the only member of this room: delete it instead of leaving.");
  if (!handed) throw raced();
  const heir = await store.users.byId(handed.ownerId);
  return { changed: handed.room, text: handedOverNotice(heir?.username ?? ""), handedOver: true };
}

/** A member leaving (`left`), or removed by the owner. */
async function removeOne(store: Store, roomId: string, userId: string, left: boolean) {
  const [target, person] = await Promise.all([store.rooms.withMembership(roomId, userId), store.users.byId(userId)]);
  if (!target?.member) throw notFound("Member");
  const changed = await store.rooms.removeMember(roomId, userId, Date.now());
  if (!changed) throw raced(); // a hand-over made them the owner meanwhile: they stay
  return { changed, text: left ? memberNotice("left") : memberNotice("removed", person?.username ?? ""), handedOver: false };
}

export const roomRoutes = router()
  .openapi(
    createRoute({
      method: "get",
      path: "/rooms",
      tags: ["Rooms"],
      summary: "Your rooms, newest activity first",
      security: bearer,
      request: { query: z.object({ q: z.string().max(MAX_ROOM_QUERY).optional(), cursor: z.string().optional(), limit: Limit }) },
      responses: {
        200: jsonReply(z.object({ rooms: z.array(RoomListItem), nextCursor: z.string().nullable() }), "A page of rooms"),
        400: commonErrors[400],
        401: commonErrors[401],
      },
    }),
    async (c) => {
      const { q, cursor, limit } = c.req.valid("query");
      const decoded = cursor ? decodeCursor(cursor) : null;
      if (cursor && !decoded) throw badRequest("cursor: not a cursor this API issued");
      return c.json(await c.get("store").rooms.list(c.get("session").id, { q, cursor: decoded, limit }), 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/rooms/{id}",
      tags: ["Rooms"],
      summary: "A room, its members and what they see of its AI character",
      security: bearer,
      request: { params: RoomId },
      responses: {
        200: jsonReply(z.object({ room: Room, members: z.array(Member), character: RoomCharacter.nullable() }), "The room"),
        ...commonErrors,
      },
    }),
    async (c) => {
      const room = c.get("room");
      const store = c.get("store");
      const [members, lastSeq, character] = await Promise.all([
        store.rooms.members(room.id),
        chatRoom(c.env, room.id).lastSeq(),
        room.characterId ? store.characters.byId(room.characterId) : undefined,
      ]);
      // Every member sees the character's face, whoever owns it; its prompt stays its owner's.
      const face = character
        ? {
            id: character.id,
            name: character.name,
            description: character.description,
            avatar: character.avatar,
            builtIn: character.builtIn,
          }
        : null;
      return c.json({ room: { ...room, lastSeq: Math.max(room.lastSeq, lastSeq) }, members, character: face }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "patch",
      path: "/rooms/{id}",
      tags: ["Rooms"],
      summary: "Rename, or change the AI character and mode",
      security: bearer,
      request: { params: RoomId, ...jsonBody(RoomPatch) },
      responses: { 200: jsonReply(z.object({ room: Room }), "Updated"), ...commonErrors },
    }),
    async (c) => {
      const body = c.req.valid("json");
      const store = c.get("store");
      const room = c.get("room");
      const patch: { title?: string | null; characterId?: string | null; aiMode?: AiMode } = {};
      if (body.title !== undefined) patch.title = body.title;
      if (body.characterId && body.characterId === room.characterId) {
        // Keeping the room's character takes no right to pick it: a member may rename a room
        // whose character someone else owns, or change when it replies.
        if (body.aiMode !== undefined) patch.aiMode = body.aiMode;
      } else if (body.characterId !== undefined) {
        const character = await usableCharacter(store, body.characterId, c.get("session").id);
        patch.characterId = character?.id ?? null;
        // Setting a character turns replies on unless a mode is given; removing it turns them off.
        patch.aiMode = character ? (body.aiMode ?? (room.aiMode === "off" ? "always" : room.aiMode)) : "off";
      } else if (body.aiMode !== undefined) {
        patch.aiMode = room.characterId ? body.aiMode : "off";
      }
      await store.rooms.update(room.id, patch, Date.now());
      const updated = (await store.rooms.byId(room.id)) as Room;
      forgetRoomAccess(room.id);
      const config = await roomConfig(store, updated);
      const notices = settingsNotices(
        { ...room, characterName: c.get("roomCharacterName") },
        { ...updated, characterName: config.characterName },
      ).map((text) => ({ by: caller(c), text }));
      await chatRoom(c.env, room.id).configure(config, notices);
      await tellMembers(c.env, store, updated);
      return c.json({ room: updated }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/rooms/{id}",
      tags: ["Rooms"],
      summary: "Delete a room (owner only); connected sockets are closed",
      security: bearer,
      request: { params: RoomId },
      responses: { 204: { description: "Deleted" }, ...commonErrors },
    }),
    async (c) => {
      const room = c.get("room");
      if (room.ownerId !== c.get("session").id) throw forbidden("Only the room's owner can delete it.", "not_owner");
      // The store first: if the object's cleanup then fails, the room is already gone for
      // everyone, and no later write can reuse its seqs over surviving history.
      const members = await c.get("store").rooms.members(room.id);
      await c.get("store").rooms.delete(room.id);
      forgetRoomAccess(room.id);
      await chatRoom(c.env, room.id).destroy();
      await deleteRoomAttachments(c.env.ATTACHMENTS, room.id);
      tellPeople(
        c.env,
        members.map((m) => m.user.id),
        { type: "room_gone", roomId: room.id, reason: "deleted" },
      );
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/rooms/{id}/members",
      tags: ["Rooms"],
      summary: "Add a member (any member may invite; up to ROOM_MAX_MEMBERS)",
      security: bearer,
      request: { params: RoomId, ...jsonBody(AddMemberInput) },
      responses: { 201: jsonReply(z.object({ member: Member }), "Added"), ...commonErrors },
    }),
    async (c) => {
      const store = c.get("store");
      const room = c.get("room");
      await throttle(c, `invite:${c.get("session").id}`, LIMITS.inviteUser, "Too many invitations at once. Wait a moment and try again.");
      const user = await store.users.byUsername(c.req.valid("json").username);
      if (!user) throw notFound("User");
      const [existing, count] = await Promise.all([store.rooms.withMembership(room.id, user.id), store.rooms.memberCount(room.id)]);
      if (existing?.member) throw conflict("Already a member of this room.", "already_member");
      const { maxRoomMembers } = readConfig(c.env);
      if (count >= maxRoomMembers) throw conflict(`This room is full: it takes at most ${maxRoomMembers} people.`, "room_full");
      const now = Date.now();
      const changed = (await store.rooms.addMember(room.id, user.id, now)) ?? room;
      forgetRoomAccess(room.id);
      const before = await chatRoom(c.env, room.id).updateMembers({ add: { userId: user.id, username: user.username } }, [
        { by: caller(c), text: memberNotice("added", user.username) },
      ]);
      // What the room said before they came counts as read; the notice that they were added is new.
      await store.rooms.markRead(room.id, user.id, before);
      // The new member's list gains the room, and everyone's open room and settings see who joined.
      await tellMembers(c.env, store, { ...changed, lastSeq: await chatRoom(c.env, room.id).lastSeq() });
      return c.json({ member: { user: toUser(user), role: "member" as const, joinedAt: iso(now), lastReadSeq: before } }, 201);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/rooms/{id}/members/{userId}",
      tags: ["Rooms"],
      summary: "Remove a member (owner), or leave (yourself)",
      description:
        "An owner who leaves hands the room to the member who joined first after them; the only member cannot leave (400 `owner_cannot_leave`), only delete the room.",
      security: bearer,
      request: { params: RoomId.extend({ userId: z.string().openapi({ param: { name: "userId", in: "path" } }) }) },
      responses: { 204: { description: "Removed" }, ...commonErrors },
    }),
    async (c) => {
      const room = c.get("room");
      const me = c.get("session").id;
      const { userId } = c.req.valid("param");
      if (userId !== me && room.ownerId !== me) throw forbidden("Only the owner can remove other members.", "not_owner");
      const store = c.get("store");
      const left = userId === me;
      // The owner leaves by handing the room over; anyone else is simply removed.
      const { changed, text, handedOver } =
        userId === room.ownerId ? await handOverRoom(store, room.id, me) : await removeOne(store, room.id, userId, left);
      forgetRoomAccess(room.id);
      const object = chatRoom(c.env, room.id);
      const notices = [{ by: caller(c), text }];
      await object.updateMembers({ remove: userId }, handedOver ? [] : notices);
      // The room object's copy of its owner (who may delete anyone's message), and the notice.
      if (handedOver) await object.configure(await roomConfig(store, changed), notices);
      tellPeople(c.env, [userId], { type: "room_gone", roomId: room.id, reason: left ? "left" : "removed" });
      await tellMembers(c.env, store, changed);
      return c.body(null, 204);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/rooms/{id}/read",
      tags: ["Rooms"],
      summary: "Mark the room read up to a seq (drives `unread` in the room list)",
      description:
        "A `seq` above the room's last message marks it read up to that message: the mark never moves backwards, so one past the end would hide every later message from `unread`.",
      security: bearer,
      request: { params: RoomId, ...jsonBody(ReadInput) },
      responses: { 204: { description: "Marked" }, ...commonErrors },
    }),
    async (c) => {
      const room = c.get("room");
      // Capped at the room's own lastSeq (the store's lags the flush, and a client marks what it
      // was sent), asked of the room only when the store's copy does not already cover it.
      const wanted = c.req.valid("json").seq;
      const seq = wanted <= room.lastSeq ? wanted : Math.min(wanted, await chatRoom(c.env, room.id).lastSeq());
      await c.get("store").rooms.markRead(room.id, c.get("session").id, seq);
      tellPeople(c.env, [c.get("session").id], { type: "read", roomId: room.id, seq });
      return c.body(null, 204);
    },
  );
