// The person's channel (GET /api/me/ws) over real WebSockets through the Worker: refusals
// before the upgrade, what the Worker pushes on room changes (created, invited, renamed,
// removed, deleted, read), and the rooms' coalesced activity: one update per room per member
// per round, with mentions, none for a member who has the room open unless they said they have
// other tabs (each tab is told how many there are); an edit or delete of the newest message; and how a socket ends
// (its token's expiry, 1008; its session ending, 4001, in worker/routes/sessions.test.ts).
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { CloseCode, type RoomActivity } from "../../shared/wire";
import { testBindings } from "../../test/bindings";
import { connectChannel, openChannel } from "../../test/channel";
import { api, post, roomWith, signUp } from "../../test/helpers";
import { connect } from "../../test/ws";
import { chatRoom } from "../chat-room/chat-room";
import { userChannel } from "./user-channel";

/** The claims of `token` (a test's own, so unchecked). */
const claimsOf = (token: string) => JSON.parse(atob((token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/")));

const activityOf = (frames: { type: string; rooms?: RoomActivity[] }[], roomId: string) =>
  frames.flatMap((f) => (f.type === "activity" ? (f.rooms ?? []).filter((r) => r.roomId === roomId) : []));

describe("the person's channel", () => {
  it("refuses an upgrade without a token (401), from a foreign Origin (403), or without Upgrade (426)", async () => {
    const ann = await signUp("ann");
    expect((await openChannel(null)).status).toBe(401);
    const foreign = await openChannel(ann.token, { Origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ error: { code: "origin_not_allowed" } });
    expect((await api("/me/ws", { token: ann.token })).status).toBe(426);
    const ok = await openChannel(ann.token, { Origin: "https://parlor.test" });
    expect(ok.status).toBe(101);
    ok.webSocket?.accept();
    ok.webSocket?.close(1000, "bye");
  });

  it("is in the OpenAPI document", async () => {
    const doc = await api<{ paths: Record<string, { get?: { tags?: string[] } }> }>("/openapi.json");
    expect(doc.body.paths["/me/ws"]?.get?.tags).toEqual(["Real time"]);
  });

  it("tells people of rooms made for them, invitations, renames, settings, removals and deletions", async () => {
    const [ann, bob, cat] = [await signUp("ann"), await signUp("bob"), await signUp("cat")];
    const [a, b, c] = [await connectChannel(ann.token), await connectChannel(bob.token), await connectChannel(cat.token)];
    const created = await api<{ room: { id: string } }>("/rooms", { token: ann.token, body: { members: [bob.user.username] } });
    const roomId = created.body.room.id;
    // The creator's other tabs and the invited member both hear of it.
    await a.waitFor("room", (f) => f.room.id === roomId);
    await b.waitFor("room", (f) => f.room.id === roomId);
    expect((await api(`/rooms/${roomId}/members`, { token: bob.token, body: { username: cat.user.username } })).status).toBe(201);
    await c.waitFor("room", (f) => f.room.id === roomId);
    expect((await api(`/rooms/${roomId}`, { method: "PATCH", token: ann.token, body: { title: "Renamed" } })).status).toBe(200);
    for (const ch of [a, b, c]) await ch.waitFor("room", (f) => f.room.id === roomId && f.room.title === "Renamed");
    const patch = { characterId: "assistant", aiMode: "mention" };
    expect((await api(`/rooms/${roomId}`, { method: "PATCH", token: bob.token, body: patch })).status).toBe(200);
    for (const ch of [a, b, c])
      await ch.waitFor("room", (f) => f.room.id === roomId && f.room.characterId === "assistant" && f.room.aiMode === "mention");
    expect((await api(`/rooms/${roomId}/members/${cat.user.id}`, { method: "DELETE", token: ann.token })).status).toBe(204);
    expect(await c.waitFor("room_gone", (f) => f.roomId === roomId)).toMatchObject({ reason: "removed" });
    expect((await api(`/rooms/${roomId}`, { method: "DELETE", token: ann.token })).status).toBe(204);
    for (const ch of [a, b]) expect(await ch.waitFor("room_gone", (f) => f.roomId === roomId)).toMatchObject({ reason: "deleted" });
    for (const ch of [a, b, c]) ch.close();
  });

  it("sends a room's activity with its last message and mentions, but not to a member who has the room open", async () => {
    const [room, ann, bob, cat] = await roomWith("ann", "bob", "cat");
    const [a, b, c] = [await connectChannel(ann.token), await connectChannel(bob.token), await connectChannel(cat.token)];
    const open = await connect(ann.token, room.id);
    await post(cat, room.id, `hello @${bob.user.username}, look`);
    const first = await b.waitFor("activity", (f) => f.rooms.some((r) => r.roomId === room.id));
    expect(first.rooms[0]).toMatchObject({ roomId: room.id, lastSeq: 1, lastMessage: { seq: 1 }, mention: { seq: 1 } });
    // The author hears of the activity (another tab may show the room list) but is not
    // told they mentioned someone.
    await c.waitFor("activity");
    expect(activityOf(c.frames, room.id)[0]).toMatchObject({ lastSeq: 1, readSeq: 1 });
    expect(activityOf(c.frames, room.id)[0]?.mention).toBeUndefined();
    expect(first.rooms[0]?.readSeq).toBeUndefined();
    // A second round: when it reaches bob, the first round (ann's turn included) is over.
    await post(cat, room.id, "second");
    await b.waitFor("activity", (f) => f.rooms.some((r) => r.lastSeq === 2));
    await a.ping();
    expect(activityOf(a.frames, room.id)).toEqual([]);
    // Marking read in one tab tells the person's other tabs.
    expect((await api(`/rooms/${room.id}/read`, { token: bob.token, body: { seq: 2 } })).status).toBe(204);
    expect(await b.waitFor("read")).toMatchObject({ roomId: room.id, seq: 2 });
    open.close();
    for (const ch of [a, b, c]) ch.close();
  });

  it("tells each tab how many of the person's tabs are open, as they open and close", async () => {
    const ann = await signUp("ann");
    const first = await connectChannel(ann.token);
    expect(first.of("ready")[0]).toMatchObject({ tabs: 1 });
    const second = await connectChannel(ann.token);
    expect(second.of("ready")[0]).toMatchObject({ tabs: 2 });
    await first.waitFor("tabs", (f) => f.count === 2);
    second.close();
    await first.waitFor("tabs", (f) => f.count === 1);
    // Someone else's tabs are not counted.
    const bob = await connectChannel((await signUp("bob")).token);
    expect(bob.of("ready")[0]).toMatchObject({ tabs: 1 });
    await first.ping();
    expect(first.of("tabs").map((f) => f.count)).toEqual([2, 1]);
    first.close();
    bob.close();
  });

  it("sends a room's activity to a member with it open who says they have other tabs, until they say they no longer do", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const [a, b] = [await connectChannel(ann.token), await connectChannel(bob.token)];
    const open = await connect(ann.token, room.id);
    const said = async (value: boolean) => {
      const pongs = open.frames.filter((f) => f.type === "pong").length;
      open.send({ type: "other_tabs", open: value });
      open.send({ type: "ping" });
      await open.next("pong", () => open.frames.filter((f) => f.type === "pong").length > pongs);
    };
    // Told of another tab, the room sends a round at once, so that tab's list is current.
    await post(bob, room.id, "before");
    await said(true);
    expect((await a.waitFor("activity", (f) => f.rooms.some((r) => r.roomId === room.id && r.lastSeq === 1))).rooms).toHaveLength(1);
    await post(bob, room.id, "while another tab shows the list");
    await a.waitFor("activity", (f) => f.rooms.some((r) => r.roomId === room.id && r.lastSeq === 2));
    // No longer: the next round (it reaches bob, whose own message counts as read) skips ann.
    await said(false);
    await post(bob, room.id, "only this tab");
    await b.waitFor("activity", (f) => f.rooms.some((r) => r.roomId === room.id && r.lastSeq === 3));
    await a.ping();
    expect(activityOf(a.frames, room.id).map((r) => r.lastSeq)).not.toContain(3);
    // A malformed one is refused like any other frame.
    open.send({ type: "other_tabs", open: "yes" });
    expect((await open.next("error")).code).toBe("invalid_frame");
    open.close();
    for (const ch of [a, b]) ch.close();
  });

  it("tells members an edit or a delete of the room's newest message, so no list keeps the old text", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const b = await connectChannel(bob.token);
    await post(ann, room.id, "the password is hunter2");
    await b.waitFor("activity", (f) => f.rooms.some((r) => r.lastMessage?.content === "the password is hunter2"));
    const path = `/rooms/${room.id}/messages/1`;
    expect((await api(path, { method: "PATCH", token: ann.token, body: { content: "never mind" } })).status).toBe(200);
    const edited = await b.waitFor("activity", (f) => f.rooms.some((r) => r.lastMessage?.content === "never mind"));
    expect(edited.rooms[0]).toMatchObject({ roomId: room.id, lastSeq: 1 });
    expect((await api(path, { method: "DELETE", token: ann.token })).status).toBe(200);
    const deleted = await b.waitFor("activity", (f) => f.rooms.some((r) => !!r.lastMessage?.deletedAt));
    expect(deleted.rooms[0]?.lastMessage).toMatchObject({ seq: 1, content: "" });
    expect(JSON.stringify(b.frames.slice(b.frames.indexOf(deleted)))).not.toContain("hunter2");
    b.close();
  });

  it("arms no round while every member has the room open, and does again once one has not", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const [a, b] = [await connect(ann.token, room.id), await connect(bob.token, room.id)];
    const armed = () =>
      runInDurableObject(chatRoom(env, room.id), (_o, state) =>
        state.storage.sql
          .exec("SELECT name FROM timers")
          .toArray()
          .map((r) => r.name),
      );
    // A REST post answers once what follows the write (the flush, the rounds) is armed.
    await post(ann, room.id, "both here");
    expect(await armed()).not.toContain("member-updates");
    b.close();
    await b.closed;
    const channel = await connectChannel(bob.token);
    await post(ann, room.id, "bob left");
    expect(await armed()).toContain("member-updates");
    expect((await channel.waitFor("activity", (f) => f.rooms.some((r) => r.lastSeq === 2))).rooms[0]).toMatchObject({ roomId: room.id });
    a.close();
    channel.close();
  });

  it("coalesces a burst: far fewer updates per member than messages, the last one current", async () => {
    const [room, ann, bob, cat, dan] = await roomWith("ann", "bob", "cat", "dan");
    const d = await connectChannel(dan.token);
    const started = Date.now();
    // Thirty messages from three people at once (each within their own send budget).
    await Promise.all([ann, bob, cat].flatMap((who) => Array.from({ length: 10 }, (_, i) => post(who, room.id, `burst ${i}`))));
    await d.waitFor("activity", (f) => f.rooms.some((r) => r.roomId === room.id && r.lastSeq === 30), 15_000);
    const rounds = activityOf(d.frames, room.id);
    const seconds = Math.ceil((Date.now() - started) / 1000);
    // At most one round per second (plus the first and a partial last one), never one per message.
    expect(rounds.length).toBeLessThanOrEqual(seconds + 2);
    expect(rounds.length).toBeLessThan(30);
    expect(rounds.at(-1)).toMatchObject({ lastSeq: 30, lastMessage: { seq: 30 } });
    d.close();
  });

  it("adds an invited member to the room's own list, so they get activity", async () => {
    const [room, ann] = await roomWith("ann");
    await post(ann, room.id, "before");
    const eve = await signUp("eve");
    const e = await connectChannel(eve.token);
    expect((await api(`/rooms/${room.id}/members`, { token: ann.token, body: { username: eve.user.username } })).status).toBe(201);
    const invited = await e.waitFor("room", (f) => f.room.id === room.id);
    // "before", then the room's line saying ann added eve.
    expect(invited.room.lastSeq).toBe(2);
    await post(ann, room.id, "after");
    await e.waitFor("activity", (f) => f.rooms.some((r) => r.roomId === room.id && r.lastSeq === 3));
    e.close();
  });

  it("reads the member list from the history store for a room whose object does not hold it", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    // As for a room created before rooms kept their member lists.
    await runInDurableObject(chatRoom(env, room.id), async (_obj, state) => {
      state.storage.sql.exec("DELETE FROM members");
      state.storage.sql.exec("DELETE FROM meta WHERE key = 'members_whole'");
    });
    await evictDurableObject(chatRoom(env, room.id));
    const b = await connectChannel(bob.token);
    await post(ann, room.id, `hi @${bob.user.username}`);
    expect((await b.waitFor("activity")).rooms[0]).toMatchObject({ roomId: room.id, lastSeq: 1, mention: { seq: 1 } });
    b.close();
  });

  it("closes a socket whose token expires with 1008, as a room's", async () => {
    const ann = await signUp("ann");
    const exp = Math.floor(Date.now() / 1000) + 2;
    // The same (open) session as ann's token, signed with a short expiry.
    const short = await sign(
      { sub: ann.user.id, usr: ann.user.username, name: ann.user.displayName, jti: claimsOf(ann.token).jti, exp },
      testBindings.JWT_SECRET,
      "HS256",
    );
    const [expiring, lasting] = [await connectChannel(short), await connectChannel(ann.token)];
    expect((await expiring.closed).code).toBe(CloseCode.policy);
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);
    await lasting.ping();
    lasting.close();
  });

  it("closes with 4001 an upgrade that reaches it after its session was ended", async () => {
    const ann = await signUp("ann");
    // As when the Worker checked the session just before the logout ended it: the object
    // hears of the end first, then the upgrade.
    expect(await userChannel(env, ann.user.id).endSessions([claimsOf(ann.token).jti])).toBe(0);
    const res = await openChannel(ann.token);
    expect(res.status).toBe(101);
    const ws = res.webSocket as WebSocket;
    // "open" if it is still open after 3 s: a failing test says so rather than timing out.
    const closed = Promise.race([
      new Promise<number>((resolve) => ws.addEventListener("close", (e) => resolve(e.code))),
      new Promise<"open">((resolve) => setTimeout(() => resolve("open"), 3000)),
    ]);
    const frames: string[] = [];
    ws.addEventListener("message", (e) => frames.push(String(e.data)));
    ws.accept();
    expect(await closed).toBe(CloseCode.sessionEnded);
    expect(frames).toEqual([]);
    expect(await userChannel(env, ann.user.id).connected()).toBe(0);
  });

  it("keeps a tab's socket across the channel object's eviction (hibernation)", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const b = await connectChannel(bob.token);
    await evictDurableObject(userChannel(env, bob.user.id));
    await post(ann, room.id, "after the eviction");
    expect((await b.waitFor("activity")).rooms[0]).toMatchObject({ roomId: room.id, lastMessage: { content: "after the eviction" } });
    await b.ping();
    expect(await userChannel(env, bob.user.id).connected()).toBe(1);
    b.close();
  });
});
