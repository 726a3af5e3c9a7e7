// Early delivery: in a quiet room a send is broadcast before its write and acked after it. The
// write is made to fail in the room's own SQLite (a trigger, as a full disk would), which shows
// both halves: everyone already heard of the message, nobody was acked, and every socket is
// sent to reconnect and catch up from before it, so the message nobody stored leaves no trace.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Message } from "../../shared/wire";
import { api, roomWith } from "../../test/helpers";
import { type Client, connect } from "../../test/ws";
import { chatRoom } from "./chat-room";

/** Turns the room's message writes off (`on` false) or back on. Off, a write of a new clientId
 * fails (a resend's insert, which writes nothing, still goes through). */
const writes = (roomId: string, on: boolean) =>
  runInDurableObject(chatRoom(env, roomId), (_o, state) => {
    state.storage.sql.exec(
      on
        ? "DROP TRIGGER no_writes"
        : `CREATE TRIGGER no_writes BEFORE INSERT ON messages
           WHEN NOT EXISTS (SELECT 1 FROM messages WHERE author_id = NEW.author_id AND client_id = NEW.client_id)
           BEGIN SELECT RAISE(ABORT, 'disk full'); END`,
    );
  });

describe("early delivery", () => {
  it("broadcasts a quiet room's message before its write and acks it after; a failed write closes every socket with 1012, and the catch-up leaves it out", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const a = await connect(ann.token, room.id);
    const b = await connect(bob.token, room.id);
    a.send({ type: "send", clientId: "a1", content: "kept" });
    expect((await a.next("ack")).seq).toBe(1);
    expect((await b.next("message")).message.seq).toBe(1);

    await writes(room.id, false);
    a.send({ type: "send", clientId: "a2", content: "lost" });
    // Both hear of it: it was sent before the write that failed. Nobody is acked.
    for (const c of [a, b]) {
      expect((await c.next("message", (f) => f.message.seq === 2)).message.content).toBe("lost");
      expect((await c.closed).code).toBe(1012);
    }
    expect(a.frames.some((f) => f.type === "ack" && f.clientId === "a2")).toBe(false);

    await writes(room.id, true);
    // Both reconnect asking from before the last message they got: the room has not got it.
    const [a2, b2] = [await connect(ann.token, room.id, null), await connect(bob.token, room.id, null)];
    for (const c of [a2, b2]) {
      c.send({ type: "hello", afterSeq: 1 });
      expect((await c.next("ready")).lastSeq).toBe(1);
    }
    // Ann's resend (never acked) is stored with the seq the lost one had; Bob gets it once.
    a2.send({ type: "send", clientId: "a2", content: "lost" });
    expect((await a2.next("ack", (f) => f.clientId === "a2")).seq).toBe(2);
    expect((await b2.next("message")).message).toMatchObject({ seq: 2, content: "lost", clientId: "a2" });
    const page = await api<{ messages: Message[] }>(`/rooms/${room.id}/messages`, { token: bob.token });
    expect(page.body.messages.map((m) => [m.seq, m.content])).toEqual([
      [1, "kept"],
      [2, "lost"],
    ]);
    a2.close();
    b2.close();
  });

  it("sends a resend and an invalid text the stored way: nothing early, nobody closed", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const a = await connect(ann.token, room.id);
    const b = await connect(bob.token, room.id);
    a.send({ type: "send", clientId: "a1", content: "one" });
    expect((await a.next("ack")).seq).toBe(1);
    await writes(room.id, false);
    // A resend writes nothing: acked with its seq, nothing broadcast.
    a.send({ type: "send", clientId: "a1", content: "one" });
    expect((await a.next("ack", (f) => f.clientId === "a1")).seq).toBe(1);
    a.send({ type: "send", clientId: "a2", content: "  " });
    expect((await a.next("error", (f) => f.clientId === "a2")).code).toBe("invalid_content");
    await writes(room.id, true);
    b.send({ type: "ping" });
    await b.next("pong");
    expect(b.frames.filter((f) => f.type === "message").map((f) => (f as { message: Message }).message.seq)).toEqual([1]);
    a.close();
    b.close();
  });

  it("writes an early message before anything that follows it: a send, a resend and a REST post right behind it", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const a = await connect(ann.token, room.id);
    const b = await connect(bob.token, room.id);
    // Ann's send goes early and is written a turn later; her resend, Bob's send and his post
    // arrive meanwhile.
    a.send({ type: "send", clientId: "a1", content: "first" });
    a.send({ type: "send", clientId: "a1", content: "first" });
    b.send({ type: "send", clientId: "b1", content: "second" });
    const post = api<{ message: Message }>(`/rooms/${room.id}/messages`, { token: bob.token, body: { content: "third", clientId: "b2" } });
    const acks = [await a.next("ack", (f) => f.clientId === "a1"), await a.next("ack", (f) => f.clientId === "a1")];
    expect(acks.map((f) => f.seq)).toEqual([1, 1]);
    // Bob's send and post take the next two seqs, in whichever order they reached the room.
    const sent = (await b.next("ack", (f) => f.clientId === "b1")).seq;
    const posted = await post;
    expect(posted.status).toBe(201);
    expect([sent, posted.body.message.seq].sort()).toEqual([2, 3]);
    const seqsOf = (c: Client) => c.frames.filter((f) => f.type === "message").map((f) => (f as { message: Message }).message.seq);
    for (const c of [a, b]) {
      for (let i = 0; i < 100 && !seqsOf(c).includes(3); i++) await new Promise((r) => setTimeout(r, 20));
      expect(seqsOf(c)).toEqual([1, 2, 3]);
    }
    const page = await api<{ messages: Message[] }>(`/rooms/${room.id}/messages`, { token: ann.token });
    const second = sent === 2 ? "second" : "third";
    expect(page.body.messages.map((m) => [m.seq, m.content])).toEqual([
      [1, "first"],
      [2, second],
      [3, second === "second" ? "third" : "second"],
    ]);
    // Nobody was sent to reconnect: no write collided with another.
    for (const c of [a, b]) expect(await Promise.race([c.closed.then(() => "closed"), Promise.resolve("open")])).toBe("open");
    a.close();
    b.close();
  });
});
