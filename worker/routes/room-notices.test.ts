// The lines a room writes when someone changes it: who renamed it, switched its AI, added,
// removed or left. Each is a `system` message by the person who made the change, in history,
// on the sockets, in the export, read by its author and answered by no AI.
import { describe, expect, it } from "vitest";
import { flushAll } from "../../durable-objects/chat-room/test-support";
import type { Member, Message, RoomListItem } from "../../shared/wire";
import { connectChannel } from "../../test/channel";
import { type Account, api, createRoom, post, roomWith, signUp } from "../../test/helpers";
import { connect } from "../../test/ws";

type Page = { messages: Message[] };
const lines = async (who: Account, roomId: string) =>
  (await api<Page>(`/rooms/${roomId}/messages?limit=100`, { token: who.token })).body.messages
    .filter((m) => m.author.kind === "system")
    .map((m) => `${m.author.name}: ${m.content}`);
const unreadIn = async (who: Account, roomId: string) =>
  (await api<{ rooms: RoomListItem[] }>("/rooms", { token: who.token })).body.rooms.find((r) => r.id === roomId)?.unread;
const patch = (who: Account, roomId: string, body: Record<string, unknown>) =>
  api(`/rooms/${roomId}`, { method: "PATCH", token: who.token, body });

describe("room notices", () => {
  it("says each change to the room's settings once, by who made it, and nothing for a save that changes nothing", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const b = await connect(bob.token, room.id);
    expect((await patch(ann, room.id, { title: "Plans", characterId: "assistant", aiMode: "mention" })).status).toBe(200);
    const heard = await b.next("message", (f) => f.message.author.kind === "system");
    expect(heard.message).toMatchObject({ author: { kind: "system", id: ann.user.id, name: ann.user.displayName }, seq: 1 });
    // The settings page sends every field; saving again says nothing new.
    await patch(ann, room.id, { title: "Plans", characterId: "assistant", aiMode: "mention" });
    await patch(bob, room.id, { characterId: "assistant", aiMode: "always" });
    await patch(bob, room.id, { aiMode: "off" });
    await patch(ann, room.id, { title: "Plans B", characterId: null });
    await patch(ann, room.id, { title: null });
    const [a, n] = [ann.user.displayName, bob.user.displayName];
    expect(await lines(ann, room.id)).toEqual([
      `${a}: named the room “Plans”`,
      `${a}: made Assistant the room's AI, answering when mentioned`,
      `${n}: set Assistant to answer every message`,
      `${n}: turned Assistant off`,
      `${a}: renamed the room to “Plans B”`,
      `${a}: removed the room's AI`,
      `${a}: removed the room's name`,
    ]);
    const fresh = await createRoom(ann);
    await patch(ann, fresh.id, { title: "Named" });
    await patch(ann, fresh.id, { title: "Renamed" });
    expect(await lines(ann, fresh.id)).toEqual([`${a}: named the room “Named”`, `${a}: renamed the room to “Renamed”`]);
    b.close();
  });

  it("says in each room using it that its owner renamed or deleted the character; another change says nothing", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const made = await api<{ character: { id: string } }>("/characters", {
      token: ann.token,
      body: { name: "Owl", systemPrompt: "Hoot." },
    });
    const owl = made.body.character.id;
    await patch(bob, room.id, { title: "Night" });
    // Bob may not pick Ann's character, so Ann puts it in.
    await patch(ann, room.id, { characterId: owl, aiMode: "mention" });
    const edit = (body: Record<string, unknown>) => api(`/characters/${owl}`, { method: "PATCH", token: ann.token, body });
    expect((await edit({ description: "Wise" })).status).toBe(200);
    expect((await edit({ name: "Hoot" })).status).toBe(200);
    expect((await api(`/characters/${owl}`, { method: "DELETE", token: ann.token })).status).toBe(204);
    const a = ann.user.displayName;
    expect(await lines(bob, room.id)).toEqual([
      `${bob.user.displayName}: named the room “Night”`,
      `${a}: made Owl the room's AI, answering when mentioned`,
      `${a}: renamed the AI Owl to Hoot`,
      `${a}: deleted the character Hoot, so the room's AI is off`,
    ]);
  });

  it("says who was added, removed and who left; the change is read by its author and unread by the others", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const [cat, dan] = [await signUp("cat"), await signUp("dan")];
    const sidebar = await connectChannel(ann.token);
    await api(`/rooms/${room.id}/members`, { token: bob.token, body: { username: cat.user.username } });
    await api(`/rooms/${room.id}/members`, { token: ann.token, body: { username: dan.user.username } });
    // Ann's sidebar hears of the room's new line, and that she has read it: she wrote it.
    const activity = await sidebar.waitFor("activity", (f) => f.rooms.some((r) => r.roomId === room.id && r.lastSeq === 2));
    expect(activity.rooms[0]).toMatchObject({ lastSeq: 2, readSeq: 2 });
    sidebar.close();
    await api(`/rooms/${room.id}/members/${cat.user.id}`, { method: "DELETE", token: cat.token });
    await api(`/rooms/${room.id}/members/${dan.user.id}`, { method: "DELETE", token: ann.token });
    expect(await lines(ann, room.id)).toEqual([
      `${bob.user.displayName}: added @${cat.user.username}`,
      `${ann.user.displayName}: added @${dan.user.username}`,
      `${cat.user.displayName}: left the room`,
      `${ann.user.displayName}: removed @${dan.user.username}`,
    ]);
    await flushAll(room.id);
    const unread = (who: Account) => unreadIn(who, room.id);
    // Ann made the last change, so everything up to it is read by her; Bob made only the first.
    expect(await unread(ann)).toBe(0);
    expect(await unread(bob)).toBe(3);
    const md = await api<string>(`/rooms/${room.id}/export?format=markdown`, { token: ann.token });
    const escaped = (name: string) => name.replaceAll("_", "\\_");
    expect(md.body).toContain(`\n_${escaped(ann.user.displayName)} removed @${escaped(dan.user.username)}_ · `);
  });

  it("counts as read, for someone added, what came before: only the notice saying so is new, again after a removal", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    for (let i = 1; i <= 3; i++) await post(bob, room.id, `m${i}`);
    const cat = await signUp("cat");
    const invite = () => api<{ member: Member }>(`/rooms/${room.id}/members`, { token: ann.token, body: { username: cat.user.username } });
    expect((await invite()).body.member.lastReadSeq).toBe(3);
    await api(`/rooms/${room.id}/members/${cat.user.id}`, { method: "DELETE", token: ann.token });
    await post(bob, room.id, "while Cat was away");
    // 4: added Cat, 5: removed Cat, 6: Bob's message, 7: added Cat again.
    expect((await invite()).body.member.lastReadSeq).toBe(6);
    await flushAll(room.id);
    expect(await unreadIn(cat, room.id)).toBe(1);
  });

  it("lets no AI answer a notice: a room that answers every message answers only the person", async () => {
    const [room, ann] = await roomWith("ann");
    await patch(ann, room.id, { characterId: "assistant", aiMode: "always" });
    const eve = await signUp("eve");
    await api(`/rooms/${room.id}/members`, { token: ann.token, body: { username: eve.user.username } });
    const sent = await api<{ message: Message }>(`/rooms/${room.id}/messages?wait=true`, { token: ann.token, body: { content: "hello" } });
    expect(sent.status).toBe(201);
    const all = (await api<Page>(`/rooms/${room.id}/messages?limit=100`, { token: ann.token })).body.messages;
    expect(all.map((m) => m.author.kind)).toEqual(["system", "system", "user", "ai"]);
    expect(all.find((m) => m.author.kind === "ai")?.replyTo).toBe(sent.body.message.seq);
    expect((await post(ann, room.id, "one more")).status).toBe(201);
  });
});
