// Early delivery: in a quiet room a send reaches the other members before its write, and the
// sender's copy and ack after it. The write is made to fail in the room's own SQLite (a
// trigger, as a full disk would), which shows both halves: the others already heard of the
// message, the sender was told nothing was stored, and the others are sent to reconnect and
// catch up from before it, so the message nobody stored leaves no trace.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Message } from "../../shared/wire";
import { api, roomWith } from "../../test/helpers";
import { connect } from "../../test/ws";
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
  it("sends a quiet room's message to the others before its write; a failed write closes them with 1012, and the catch-up leaves it out", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const a = await connect(ann.token, room.id);
    const b = await connect(bob.token, room.id);
    a.send({ type: "send", clientId: "a1", content: "kept" });
    expect((await a.next("ack")).seq).toBe(1);
    expect((await b.next("message")).message.seq).toBe(1);

    await writes(room.id, false);
    a.send({ type: "send", clientId: "a2", content: "lost" });
    // Bob hears of it: it was sent before the write that failed.
    expect((await b.next("message", (f) => f.message.seq === 2)).message.content).toBe("lost");
    expect((await b.closed).code).toBe(1012);
    // Ann, the sender, hears only that it was not stored, and keeps her socket.
    expect((await a.next("error", (f) => f.clientId === "a2")).code).toBe("internal");
    expect(a.frames.some((f) => f.type === "message" && f.message.seq === 2)).toBe(false);
    expect(a.frames.some((f) => f.type === "ack" && f.clientId === "a2")).toBe(false);

    await writes(room.id, true);
    // Bob reconnects asking from before the message nothing followed: the room has not got it.
    const b2 = await connect(bob.token, room.id, null);
    b2.send({ type: "hello", afterSeq: 1 });
    expect((await b2.next("ready")).lastSeq).toBe(1);
    // Ann's resend is stored with the seq the lost one had; Bob gets it once, as live traffic.
    a.send({ type: "send", clientId: "a2", content: "lost" });
    expect((await a.next("ack", (f) => f.clientId === "a2")).seq).toBe(2);
    expect((await b2.next("message")).message).toMatchObject({ seq: 2, content: "lost", clientId: "a2" });
    const page = await api<{ messages: Message[] }>(`/rooms/${room.id}/messages`, { token: bob.token });
    expect(page.body.messages.map((m) => [m.seq, m.content])).toEqual([
      [1, "kept"],
      [2, "lost"],
    ]);
    a.close();
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
});
