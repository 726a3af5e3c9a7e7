import { describe, expect, it } from "vitest";
import { flushAll } from "../../durable-objects/chat-room/test-support";
import type { Character, Member, Room, RoomCharacter, RoomListItem } from "../../shared/wire";
import { connectChannel } from "../../test/channel";
import { type Account, api, createRoom, post, roomWith, signUp } from "../../test/helpers";

describe("rooms", () => {
  it("creates a room with members by username and lists it for each of them", async () => {
    const [ann, bob] = [await signUp("ann"), await signUp("bob")];
    const room = await createRoom(ann, { title: "Plans", members: [bob.user.username] });
    expect(room).toMatchObject({ title: "Plans", ownerId: ann.user.id, characterId: null, aiMode: "off", lastSeq: 0 });

    const got = await api<{ room: Room; members: Member[] }>(`/rooms/${room.id}`, { token: bob.token });
    expect(got.status).toBe(200);
    expect(got.body.members.map((m) => [m.user.username, m.role])).toEqual([
      [ann.user.username, "owner"],
      [bob.user.username, "member"],
    ]);
    const list = await api<{ rooms: RoomListItem[] }>("/rooms", { token: bob.token });
    expect(list.body.rooms.map((r) => r.id)).toContain(room.id);
  });

  it("lists a room with its character's avatar, and without one once the character is taken out", async () => {
    const ann = await signUp("ann");
    const made = await api<{ character: Character }>("/characters", {
      token: ann.token,
      body: { name: "Chef", systemPrompt: "Cook.", avatar: "🧑‍🍳" },
    });
    const room = await createRoom(ann, { characterId: made.body.character.id });
    const plain = await createRoom(ann, { title: "No AI" });
    const listed = async () =>
      new Map((await api<{ rooms: RoomListItem[] }>("/rooms", { token: ann.token })).body.rooms.map((r) => [r.id, r.characterAvatar]));
    expect(await listed()).toEqual(
      new Map([
        [room.id, "🧑‍🍳"],
        [plain.id, null],
      ]),
    );
    await api(`/rooms/${room.id}`, { method: "PATCH", token: ann.token, body: { characterId: null } });
    expect((await listed()).get(room.id)).toBeNull();
  });

  it("calls a direct chat (two people, no title, no AI) after the other person, not its first message", async () => {
    const [dm, ann, bob] = await roomWith("ann", "bob");
    const withAi = await createRoom(ann, { characterId: "assistant", members: [bob.user.username] });
    for (const room of [dm, withAi]) {
      await post(ann, room.id, "hello there, how are you?");
      await flushAll(room.id);
    }
    const listed = async (a: Account) =>
      new Map((await api<{ rooms: RoomListItem[] }>("/rooms", { token: a.token })).body.rooms.map((r) => [r.id, r]));
    const [forAnn, forBob] = [await listed(ann), await listed(bob)];
    expect(forBob.get(dm.id)).toMatchObject({
      title: null,
      peer: { id: ann.user.id, username: ann.user.username, displayName: ann.user.displayName },
    });
    expect(forAnn.get(dm.id)).toMatchObject({ title: null, peer: { id: bob.user.id } });
    // With an AI it is a chat with the AI: named after its first message, no peer.
    expect(forBob.get(withAi.id)).toMatchObject({ title: "hello there, how are you?", peer: null });
  });

  it("answers a direct chat asked for again with the one there is, from either side; a title, an AI or a third person makes a new room", async () => {
    const [dm, ann, bob] = await roomWith("ann", "bob");
    type Made = { room: Room; existing?: true };
    const ask = (who: Account, body: Record<string, unknown>) => api<Made>("/rooms", { token: who.token, body });
    const again = await ask(ann, { members: [bob.user.username.toUpperCase()] });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ room: { id: dm.id }, existing: true });
    expect((await ask(bob, { members: [ann.user.username] })).body).toMatchObject({ room: { id: dm.id }, existing: true });
    const cat = await signUp("cat");
    const others = [
      { title: "Plans", members: [bob.user.username] },
      { characterId: "assistant", members: [bob.user.username] },
      { members: [bob.user.username, cat.user.username] },
      { members: [cat.user.username] },
    ];
    for (const body of others) {
      const made = await ask(ann, body);
      expect(made.status, JSON.stringify(body)).toBe(201);
      expect(made.body.room.id).not.toBe(dm.id);
      expect(made.body.existing).toBeUndefined();
    }
    // A chat Cat was added to is no longer the two of them alone.
    const withCat = await ask(ann, { members: [cat.user.username] });
    expect(withCat.status).toBe(200);
    expect((await api(`/rooms/${withCat.body.room.id}/members`, { token: ann.token, body: { username: bob.user.username } })).status).toBe(
      201,
    );
    expect((await ask(ann, { members: [cat.user.username] })).status).toBe(201);
  });

  it("defaults aiMode to always when a character is set, and rejects unknown characters", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann, { characterId: "assistant" });
    expect(room).toMatchObject({ characterId: "assistant", aiMode: "always" });
    const bad = await api("/rooms", { token: ann.token, body: { characterId: "nope" } });
    expect(bad.status).toBe(400);
    // An empty id is not "none" (null is): it was taken as null and took the character out.
    expect((await api("/rooms", { token: ann.token, body: { characterId: "" } })).status).toBe(400);
    const kept = await api(`/rooms/${room.id}`, { method: "PATCH", token: ann.token, body: { characterId: "" } });
    expect(kept.status).toBe(400);
    expect((await api<{ room: Room }>(`/rooms/${room.id}`, { token: ann.token })).body.room.characterId).toBe("assistant");
  });

  it("creates a room with more members than one SQL statement can bind", async () => {
    const ann = await signUp("ann");
    const others = [];
    for (let i = 0; i < 24; i++) others.push(await signUp("m"));
    const room = await createRoom(ann, { members: others.map((o) => o.user.username) });
    const got = await api<{ members: Member[] }>(`/rooms/${room.id}`, { token: ann.token });
    expect(got.body.members).toHaveLength(25);
  });

  it("finds members by username whatever its case, as login and /users/:username do", async () => {
    const [ann, bob, cat] = [await signUp("ann"), await signUp("bob"), await signUp("cat")];
    const room = await createRoom(ann, { members: [bob.user.username.toUpperCase()] });
    const add = await api<{ member: Member }>(`/rooms/${room.id}/members`, {
      token: ann.token,
      body: { username: cat.user.username.toUpperCase() },
    });
    expect(add.status).toBe(201);
    expect(add.body.member.user.username).toBe(cat.user.username);
    const got = await api<{ members: Member[] }>(`/rooms/${room.id}`, { token: ann.token });
    expect(got.body.members.map((m) => m.user.id).sort()).toEqual([ann.user.id, bob.user.id, cat.user.id].sort());
    // Still a username: other characters are 400.
    expect((await api(`/rooms/${room.id}/members`, { token: ann.token, body: { username: "ab-c" } })).status).toBe(400);
  });

  it("takes 30 new rooms at once from one person, then says to wait (429 with Retry-After)", async () => {
    const [ann, bob] = [await signUp("ann"), await signUp("bob")];
    for (let i = 0; i < 30; i++) expect((await api("/rooms", { token: ann.token, body: { title: `r${i}` } })).status).toBe(201);
    // The bucket refills at one every 3 s meanwhile: on a loaded machine one more may pass.
    let refused = await api<{ error: { code: string } }>("/rooms", { token: ann.token, body: { title: "one more" } });
    for (let i = 0; i < 5 && refused.status === 201; i++)
      refused = await api<{ error: { code: string } }>("/rooms", { token: ann.token, body: { title: "one more" } });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("rate_limited");
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await api("/rooms", { token: bob.token, body: { title: "mine" } })).status).toBe(201);
  });

  it("refuses unknown member usernames with 400 and names them", async () => {
    const ann = await signUp("ann");
    const r = await api<{ error: { message: string } }>("/rooms", { token: ann.token, body: { members: ["no_such_user_xyz"] } });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain("no_such_user_xyz");
  });

  it("lists newest activity first with lastMessage and unread counts", async () => {
    const [ann, bob] = [await signUp("ann"), await signUp("bob")];
    const first = await createRoom(ann, { title: "First", members: [bob.user.username] });
    const second = await createRoom(ann, { title: "Second", members: [bob.user.username] });
    await post(ann, first.id, "hello from first");
    await post(ann, first.id, "and again");
    // The list reads the history store, which the room fills write-behind.
    await flushed(bob, first.id, 2);
    const list = await api<{ rooms: RoomListItem[] }>("/rooms", { token: bob.token });
    const ids = list.body.rooms.map((r) => r.id);
    expect(ids.indexOf(first.id)).toBeLessThan(ids.indexOf(second.id));
    const item = list.body.rooms.find((r) => r.id === first.id);
    expect(item?.lastMessage?.content).toBe("and again");
    expect(item?.unread).toBe(2);
    // The author has read their own messages; marking read clears the badge for Bob.
    const own = (await api<{ rooms: RoomListItem[] }>("/rooms", { token: ann.token })).body.rooms.find((r) => r.id === first.id);
    expect(own?.unread).toBe(0);
    expect((await api(`/rooms/${first.id}/read`, { token: bob.token, body: { seq: 2 } })).status).toBe(204);
    const after = (await api<{ rooms: RoomListItem[] }>("/rooms", { token: bob.token })).body.rooms.find((r) => r.id === first.id);
    expect(after?.unread).toBe(0);
  });

  it("marks a room read no further than its last message, so later messages still count as unread", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    await post(ann, room.id, "one");
    await post(ann, room.id, "two");
    expect((await api(`/rooms/${room.id}/read`, { token: bob.token, body: { seq: 2147483647 } })).status).toBe(204);
    const members = (await api<{ members: Member[] }>(`/rooms/${room.id}`, { token: bob.token })).body.members;
    expect(members.find((m) => m.user.id === bob.user.id)?.lastReadSeq).toBe(2);
    await post(ann, room.id, "three");
    await flushed(bob, room.id, 3);
    const item = (await api<{ rooms: RoomListItem[] }>("/rooms?limit=100", { token: bob.token })).body.rooms.find((r) => r.id === room.id);
    expect(item?.unread).toBe(1);
  });

  it("paginates the room list with a cursor and filters by title", async () => {
    const ann = await signUp("ann");
    for (const title of ["alpha", "beta", "gamma"]) await createRoom(ann, { title });
    const page1 = await api<{ rooms: RoomListItem[]; nextCursor: string | null }>("/rooms?limit=2", { token: ann.token });
    expect(page1.body.rooms).toHaveLength(2);
    expect(page1.body.nextCursor).toBeTruthy();
    const page2 = await api<{ rooms: RoomListItem[]; nextCursor: string | null }>(
      `/rooms?limit=2&cursor=${encodeURIComponent(page1.body.nextCursor ?? "")}`,
      { token: ann.token },
    );
    expect(page2.body.rooms.map((r) => r.title)).toEqual(["alpha"]);
    expect(page2.body.nextCursor).toBeNull();
    const found = await api<{ rooms: RoomListItem[] }>("/rooms?q=ETA", { token: ann.token });
    expect(found.body.rooms.map((r) => r.title)).toEqual(["beta"]);
    // A cursor it could not have issued is 400, not a database error.
    for (const at of ["1e300", "1.5", '"1"']) {
      const forged = encodeURIComponent(btoa(`{"at":${at},"id":"x"}`));
      expect((await api(`/rooms?cursor=${forged}`, { token: ann.token })).status, at).toBe(400);
    }
    expect((await api("/rooms?cursor=garbage", { token: ann.token })).status).toBe(400);
  });

  it("renames, changes character and mode; removing the character turns AI off", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann);
    const r1 = await api<{ room: Room }>(`/rooms/${room.id}`, {
      method: "PATCH",
      token: ann.token,
      body: { title: "Renamed", characterId: "assistant", aiMode: "mention" },
    });
    expect(r1.body.room).toMatchObject({ title: "Renamed", characterId: "assistant", aiMode: "mention" });
    const r2 = await api<{ room: Room }>(`/rooms/${room.id}`, { method: "PATCH", token: ann.token, body: { characterId: null } });
    expect(r2.body.room).toMatchObject({ characterId: null, aiMode: "off" });
    const bad = await api(`/rooms/${room.id}`, { method: "PATCH", token: ann.token, body: { aiMode: "sometimes" } });
    expect(bad.status).toBe(400);
  });

  it("shows every member the face of a character someone else owns, and lets them keep it while renaming", async () => {
    const [ann, bob] = [await signUp("ann"), await signUp("bob")];
    const mine = { systemPrompt: "Secret instructions", description: "Explains compilers" };
    const grace = await api<{ character: Character }>("/characters", { token: ann.token, body: { name: "Grace Hopper", ...mine } });
    const other = await api<{ character: Character }>("/characters", { token: ann.token, body: { name: "Other", ...mine } });
    const room = await createRoom(ann, { characterId: grace.body.character.id, members: [bob.user.username] });

    const got = await api<{ character: RoomCharacter | null }>(`/rooms/${room.id}`, { token: bob.token });
    expect(got.body.character).toEqual({
      id: grace.body.character.id,
      name: "Grace Hopper",
      description: "Explains compilers",
      avatar: null,
      builtIn: false,
    });
    expect(JSON.stringify(got.body)).not.toContain("Secret instructions");
    // The character itself stays its owner's.
    expect((await api(`/characters/${grace.body.character.id}`, { token: bob.token })).status).toBe(404);

    // What the settings page sends when Bob renames the room and changes only the mode.
    const renamed = await api<{ room: Room }>(`/rooms/${room.id}`, {
      method: "PATCH",
      token: bob.token,
      body: { title: "Compilers", characterId: grace.body.character.id, aiMode: "mention" },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.room).toMatchObject({ title: "Compilers", characterId: grace.body.character.id, aiMode: "mention" });
    // Picking another of Ann's characters still takes the right to use it.
    const swap = await api(`/rooms/${room.id}`, { method: "PATCH", token: bob.token, body: { characterId: other.body.character.id } });
    expect(swap.status).toBe(400);
    const none = await api<{ character: RoomCharacter | null }>(`/rooms/${(await createRoom(ann)).id}`, { token: ann.token });
    expect(none.body.character).toBeNull();
  });

  it("adds and removes members; members may leave, only the owner removes others", async () => {
    const [ann, bob, cat] = [await signUp("ann"), await signUp("bob"), await signUp("cat")];
    const room = await createRoom(ann, { members: [bob.user.username] });
    const add = await api<{ member: Member }>(`/rooms/${room.id}/members`, { token: bob.token, body: { username: cat.user.username } });
    expect(add.status).toBe(201);
    expect(add.body.member.user.id).toBe(cat.user.id);
    expect((await api(`/rooms/${room.id}/members`, { token: ann.token, body: { username: cat.user.username } })).status).toBe(409);
    expect((await api(`/rooms/${room.id}/members`, { token: ann.token, body: { username: "nobody_here_zz" } })).status).toBe(404);
    expect((await api(`/rooms/${room.id}/members/${cat.user.id}`, { method: "DELETE", token: bob.token })).status).toBe(403);
    expect((await api(`/rooms/${room.id}/members/${bob.user.id}`, { method: "DELETE", token: bob.token })).status).toBe(204);
    expect((await api(`/rooms/${room.id}/members/${cat.user.id}`, { method: "DELETE", token: ann.token })).status).toBe(204);
    expect((await api(`/rooms/${room.id}/members/${ann.user.id}`, { method: "DELETE", token: ann.token })).status).toBe(400);
    expect((await api(`/rooms/${room.id}`, { token: bob.token })).status).toBe(403);
  });

  it("tells every member when someone joins or leaves: the room is newer, on their channels", async () => {
    const [ann, bob, cat] = [await signUp("ann"), await signUp("bob"), await signUp("cat")];
    const room = await createRoom(ann, { members: [bob.user.username] });
    const channel = await connectChannel(ann.token);
    await api(`/rooms/${room.id}/members`, { token: bob.token, body: { username: cat.user.username } });
    const joined = await channel.waitFor("room", (f) => f.room.id === room.id && f.room.updatedAt > room.updatedAt);
    const seen = await api<{ room: Room; members: Member[] }>(`/rooms/${room.id}`, { token: ann.token });
    expect(seen.body.room.updatedAt).toBe(joined.room.updatedAt);
    expect(seen.body.members.map((m) => m.user.username).sort()).toEqual([ann, bob, cat].map((p) => p.user.username).sort());
    await new Promise((r) => setTimeout(r, 5));
    expect((await api(`/rooms/${room.id}/members/${cat.user.id}`, { method: "DELETE", token: cat.token })).status).toBe(204);
    const left = await channel.waitFor("room", (f) => f.room.id === room.id && f.room.updatedAt > joined.room.updatedAt);
    const after = await api<{ members: Member[] }>(`/rooms/${room.id}`, { token: ann.token });
    expect(after.body.members).toHaveLength(2);
    expect(left.room.id).toBe(room.id);
    channel.close();
  });

  it("lets only the owner delete a room, after which it is gone", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    await post(ann, room.id, "soon gone");
    expect((await api(`/rooms/${room.id}`, { method: "DELETE", token: bob.token })).status).toBe(403);
    expect((await api(`/rooms/${room.id}`, { method: "DELETE", token: ann.token })).status).toBe(204);
    expect((await api(`/rooms/${room.id}`, { token: ann.token })).status).toBe(404);
  });

  it("answers 404 for an unknown room and 401 without a token", async () => {
    const ann = await signUp("ann");
    const r = await api<{ error: { code: string } }>("/rooms/does-not-exist", { token: ann.token });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe("not_found");
    expect((await api("/rooms")).status).toBe(401);
  });
});

/** Waits until the history store has the room's messages up to `seq` (the flush is ~250 ms). */
async function flushed(who: Account, roomId: string, seq: number) {
  for (let i = 0; i < 100; i++) {
    const r = await api<{ rooms: RoomListItem[] }>("/rooms?limit=100", { token: who.token });
    if ((r.body.rooms.find((x) => x.id === roomId)?.lastSeq ?? 0) >= seq) return;
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new Error(`room ${roomId} never reached seq ${seq} in the history store`);
}
