// An owner who leaves: the room passes to the member who joined first after them, in the store
// and in the room object (who may delete anyone's message), with a line saying so; the only
// member cannot leave, only delete the room.
import { describe, expect, it } from "vitest";
import type { Member, Message, Room } from "../../shared/wire";
import { connectChannel } from "../../test/channel";
import { api, createRoom, post, signUp } from "../../test/helpers";
import { connect } from "../../test/ws";

type Detail = { room: Room; members: Member[] };
const leave = (token: string, roomId: string, userId: string) =>
  api<{ error?: { code: string; message: string } }>(`/rooms/${roomId}/members/${userId}`, { method: "DELETE", token });

describe("an owner leaving", () => {
  it("hands the room to the member who joined first after them, who then has the owner's rights", async () => {
    const [ann, bob, cat] = [await signUp("ann"), await signUp("bob"), await signUp("cat")];
    const room = await createRoom(ann, { members: [cat.user.username] });
    await new Promise((r) => setTimeout(r, 5));
    await api(`/rooms/${room.id}/members`, { token: ann.token, body: { username: bob.user.username } });
    const { message } = (await post(bob, room.id, "a message of Bob's")).body;
    const annSocket = await connect(ann.token, room.id);
    const [annChannel, catChannel] = [await connectChannel(ann.token), await connectChannel(cat.token)];

    expect((await leave(ann.token, room.id, ann.user.id)).status).toBe(204);
    // Cat joined with the room, before Bob: she owns it now, in the store and on the channel.
    const seen = await api<Detail>(`/rooms/${room.id}`, { token: cat.token });
    expect(seen.body.room.ownerId).toBe(cat.user.id);
    expect(seen.body.members.map((m) => [m.user.id, m.role]).sort()).toEqual(
      [
        [bob.user.id, "member"],
        [cat.user.id, "owner"],
      ].sort(),
    );
    expect((await catChannel.waitFor("room", (f) => f.room.id === room.id && f.room.ownerId === cat.user.id)).room.ownerId).toBe(
      cat.user.id,
    );
    expect((await annChannel.waitFor("room_gone", (f) => f.roomId === room.id)).reason).toBe("left");
    expect((await annSocket.closed).code).toBe(4003);
    expect((await api(`/rooms/${room.id}`, { token: ann.token })).status).toBe(403);

    const page = await api<{ messages: Message[] }>(`/rooms/${room.id}/messages`, { token: cat.token });
    const notice = page.body.messages.filter((m) => m.author.kind === "system").at(-1);
    expect(`${notice?.author.name}: ${notice?.content}`).toBe(`${ann.user.displayName}: left the room; @${cat.user.username} owns it now`);
    // The room object knows its new owner: she may delete anyone's message, and remove people.
    const deleted = await api<{ message: Message }>(`/rooms/${room.id}/messages/${message.seq}`, { method: "DELETE", token: cat.token });
    expect(deleted.status).toBe(200);
    expect(deleted.body.message.deletedAt).toBeTruthy();
    expect((await leave(cat.token, room.id, bob.user.id)).status).toBe(204);
    annChannel.close();
    catChannel.close();
  });

  it("refuses the only member, whose way out is deleting the room", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann);
    const refused = await leave(ann.token, room.id, ann.user.id);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: "owner_cannot_leave", message: expect.stringContaining("only member") });
    expect((await api<Detail>(`/rooms/${room.id}`, { token: ann.token })).body.room.ownerId).toBe(ann.user.id);
  });

  it("leaves a direct chat to the other person, as it does when they leave", async () => {
    const [ann, bob] = [await signUp("ann"), await signUp("bob")];
    const room = await createRoom(ann, { members: [bob.user.username] });
    expect((await leave(ann.token, room.id, ann.user.id)).status).toBe(204);
    const seen = await api<Detail>(`/rooms/${room.id}`, { token: bob.token });
    expect(seen.body.room.ownerId).toBe(bob.user.id);
    expect(seen.body.members.map((m) => m.user.id)).toEqual([bob.user.id]);
  });
});
