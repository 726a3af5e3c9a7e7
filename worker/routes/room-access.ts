// Room access: every /rooms/:id route passes through `roomMember()`, which loads the room
// and the caller's membership in one query: 404 for an unknown room, 403 for a non-member.
// WebSocket upgrades and history pages read a per-isolate copy of the room's member list
// instead (see below), as the ChatRoom checks both again against removals and deletion;
// when the store cannot be read for one, the upgrade goes on unverified and the room object
// admits only members it knows (durable-objects/chat-room/membership.ts).
import { waitUntil } from "cloudflare:workers";
import type { Context, MiddlewareHandler } from "hono";
import { chatRoom, type RoomConfig } from "../../durable-objects/chat-room/chat-room";
import { isStoreDown, type Store } from "../../shared/store";
import type { MemberRow } from "../../shared/store/rooms";
import type { Room } from "../../shared/wire";
import { forbidden, notFound } from "../errors";
import type { AppEnv } from "../types";

/**
 * Rooms whose settings and members this isolate read for a WebSocket upgrade, for reuse by the
 * next ones. A room filling up, or every client reconnecting after a deploy, then costs the
 * history store one read per room instead of one per socket (and, measured locally, a store
 * read made while upgrading holds about 50 KB for as long as that socket stays open). Only a
 * member found in the list skips the store: anyone else is checked afresh, so a new member
 * gets in at once and a non-member is still refused before the ChatRoom is reached. What a
 * stale copy could let through is stopped by the ChatRoom itself: it remembers whom it
 * kicked and when, and whether it was deleted, and refuses an upgrade checked before that.
 * Changes made through this isolate drop its copy at once (forgetRoomAccess).
 */
type UpgradeAccess = { room: Room; characterName: string | null; members: Map<string, MemberRow>; at: number };
const upgradeAccess = new Map<string, UpgradeAccess>();
/** Reads of a room's member list in progress: a room filling up (every client at once) makes
 * one read, which the upgrades arriving meanwhile wait for, rather than one read each. */
const loading = new Map<string, { read: Promise<UpgradeAccess | undefined>; startedAt: number }>();
const UPGRADE_ACCESS_TTL_MS = 60_000;
const UPGRADE_ACCESS_ROOMS = 1000;
/** A read older than this is not joined: if it hangs (a store that accepts and never answers,
 * or a request torn down mid-read), it holds up only the upgrades already waiting on it. */
const JOIN_READS_FOR_MS = 3000;

/** Drops this isolate's copy of a room's access (after its settings or members change). A read
 * in progress is not kept either: it may have started before the change. */
export function forgetRoomAccess(roomId: string) {
  upgradeAccess.delete(roomId);
  loading.delete(roomId);
}

/** Reads the room's access, or joins a recent read of it already in progress (unless `fresh`). */
function loadAccess(store: Store, roomId: string, fresh: boolean): { read: Promise<UpgradeAccess | undefined>; joined: boolean } {
  const pending = loading.get(roomId);
  if (pending && !fresh && Date.now() - pending.startedAt < JOIN_READS_FOR_MS) return { read: pending.read, joined: true };
  const at = Date.now();
  const read: Promise<UpgradeAccess | undefined> = store.rooms.withMembers(roomId).then((found) => {
    if (!found) return undefined;
    const access = { room: found.room, characterName: found.characterName, members: new Map(found.members.map((m) => [m.userId, m])), at };
    // Kept only if nothing changed the room meanwhile (forgetRoomAccess drops the read).
    if (loading.get(roomId)?.read === read) {
      // Re-inserted, so the Map's order is oldest read first; past the cap the oldest goes.
      upgradeAccess.delete(roomId);
      const oldest = upgradeAccess.keys().next().value;
      if (upgradeAccess.size >= UPGRADE_ACCESS_ROOMS && oldest !== undefined) upgradeAccess.delete(oldest);
      upgradeAccess.set(roomId, access);
    }
    return access;
  });
  const done = () => {
    if (loading.get(roomId)?.read === read) loading.delete(roomId);
  };
  const settled = read.then(done, done);
  // Other requests wait for this one's read: it must finish even if this client goes away
  // (the runtime cancels a disconnected request's I/O, but not what it passed to waitUntil).
  try {
    waitUntil(settled);
  } catch {
    // Outside a request (nothing to keep alive).
  }
  loading.set(roomId, { read, startedAt: at });
  return { read, joined: false };
}

/** The caller's membership for a WebSocket upgrade, from this isolate's copy of the room's
 * member list when it has a fresh one that names the caller. Exported for tests. */
export async function upgradeMembership(store: Store, roomId: string, userId: string) {
  const granted = (access: UpgradeAccess) => ({
    room: access.room,
    member: access.members.get(userId) ?? null,
    characterName: access.characterName,
    checkedAt: access.at,
  });
  const cached = upgradeAccess.get(roomId);
  if (cached && Date.now() - cached.at < UPGRADE_ACCESS_TTL_MS && cached.members.has(userId)) return granted(cached);
  const { read, joined } = loadAccess(store, roomId, false);
  let access: UpgradeAccess | undefined;
  try {
    access = await read;
  } catch (err) {
    // Someone else's read failed: one read of our own before giving up.
    if (!joined) throw err;
    access = await loadAccess(store, roomId, true).read;
  }
  // A read that was already under way may predate the caller joining the room: read again.
  if (joined && access && !access.members.has(userId)) access = await loadAccess(store, roomId, true).read;
  return access && granted(access);
}

async function membership(store: Store, roomId: string, userId: string) {
  const checkedAt = Date.now();
  const found = await store.rooms.withMembership(roomId, userId);
  return found && { ...found, checkedAt };
}

const notAMember = () => forbidden("You are not a member of this room.", "not_a_member");
const isUpgrade = (c: Context<AppEnv>) => c.req.method === "GET" && c.req.header("Upgrade")?.toLowerCase() === "websocket";
/** Reads the ChatRoom checks again itself (sockets, history pages: see ChatRoom.unflushed),
 * which may therefore take their membership from the cached member list. */
const roomRechecks = (c: Context<AppEnv>, id: string) =>
  isUpgrade(c) || (c.req.method === "GET" && c.req.path.endsWith(`/rooms/${id}/messages`));

export function roomMember(): MiddlewareHandler<AppEnv> {
  return async function roomMember(c, next) {
    const id = c.req.param("id");
    if (!id) throw notFound("Room");
    const userId = c.get("session").id;
    // During an outage the socket route and the messages route (latest page, posting) hand the
    // decision to the room, which admits the members it knows; every other route answers 503.
    const handOff = (err: unknown) => {
      if (isStoreDown(err) && (c.req.path.endsWith(`/rooms/${id}/ws`) || c.req.path.endsWith(`/rooms/${id}/messages`))) return null;
      throw err;
    };
    const found = roomRechecks(c, id)
      ? await upgradeMembership(c.get("store"), id, userId).catch(handOff)
      : await membership(c.get("store"), id, userId).catch(handOff);
    if (found === null) {
      c.set("memberUnverified", true);
      return next();
    }
    if (!found) throw notFound("Room");
    if (!found.member) throw notAMember();
    c.set("accessCheckedAt", found.checkedAt);
    c.set("room", found.room);
    c.set("member", found.member);
    c.set("roomCharacterName", found.characterName);
    await next();
  };
}

/** The caller as a room knows its people (OnlineUser). */
export function caller(c: Context<AppEnv>) {
  const s = c.get("session");
  return { id: s.id, username: s.username, displayName: s.displayName };
}

/** What the ChatRoom object needs to know about its room's settings. */
export function roomConfigOf(room: Room, characterName: string | null): RoomConfig {
  const hasCharacter = room.characterId !== null && characterName !== null;
  return {
    roomId: room.id,
    characterId: hasCharacter ? room.characterId : null,
    characterName: hasCharacter ? characterName : null,
    aiMode: hasCharacter ? room.aiMode : "off",
    ownerId: room.ownerId,
    version: Date.parse(room.updatedAt),
  };
}

/** The same, looking the character up (after a create or an update). */
export async function roomConfig(store: Store, room: Room): Promise<RoomConfig> {
  const character = room.characterId ? await store.characters.byId(room.characterId) : undefined;
  return roomConfigOf(room, character?.name ?? null);
}

/** The room's messages in (afterSeq, beforeSeq) that the history store may not have yet, for
 * the caller of a REST read; the room refuses a caller it knows was removed after the member
 * list this request used was read, or a room it knows was deleted. */
export async function unflushedFor(c: Context<AppEnv>, afterSeq = 0, beforeSeq = Number.MAX_SAFE_INTEGER) {
  const reader = { userId: c.get("session").id, checkedAt: c.get("accessCheckedAt") };
  const pending = await chatRoom(c.env, c.get("room").id).unflushed(reader, afterSeq, beforeSeq);
  if ("refused" in pending) throw pending.refused === "deleted" ? notFound("Room") : notAMember();
  return pending;
}
