// A room's hot log pruned down to its newest rows (this project runs with HOT_LOG_ROWS=5 and
// HOT_LOG_HOURS=0): catch-up still delivers every message once and in seq order, reading what
// the room no longer keeps from the history store, and only a clean prefix is ever pruned.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Message } from "../../shared/wire";
import { api, post, roomWith } from "../../test/helpers";
import { type Client, connect } from "../../test/ws";
import { chatRoom } from "./chat-room";
import type { RoomLog } from "./room-log";

/** The room object's log, from inside it (the field is private to the class). */
const logOf = (instance: unknown) => (instance as { p: { log: RoomLog } }).p.log;

/** Seqs of the `message` frames a socket gets until it has seen `lastSeq`. */
async function seqsUntil(client: Client, lastSeq: number): Promise<number[]> {
  const seqs: number[] = [];
  for (;;) {
    const { message } = await client.next("message");
    seqs.push(message.seq);
    if (message.seq >= lastSeq) return seqs;
  }
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Ann's room with Bob in it and `count` messages from Ann, pruned to the newest five. */
async function prunedRoom(count: number) {
  const [room, ann, bob] = await roomWith("ann", "bob");
  for (let i = 1; i <= count; i++) await post(ann, room.id, `m${i}`);
  await prunedTo(room.id, count - 4);
  return { bob, room };
}

/** Waits (bounded) until the room's flush has pruned its log up to `firstSeq`. */
async function prunedTo(roomId: string, firstSeq: number) {
  let seen = 0;
  for (let i = 0; i < 100 && seen < firstSeq; i++) {
    await new Promise((r) => setTimeout(r, 100));
    seen = await runInDurableObject(chatRoom(env, roomId), (instance) => logOf(instance).firstSeq);
  }
  expect(seen).toBe(firstSeq);
}

describe("the hot log, pruned", () => {
  it("catches clients up across the pruned part from the history store, and never reuses a seq", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    for (let i = 1; i <= 60; i++) expect((await post(ann, room.id, `m${i}`, `c${i}`)).status).toBe(201);

    // The flush copies the rows to D1 and then prunes all but the newest five.
    await prunedTo(room.id, 56);
    const kept = await runInDurableObject(chatRoom(env, room.id), (_i, state) =>
      state.storage.sql
        .exec<{ seq: number }>("SELECT seq FROM messages ORDER BY seq")
        .toArray()
        .map((r) => r.seq),
    );
    expect(kept).toEqual(range(56, 60));

    // Everything after 0, and after 17: the store's part, then the room's, once each, in order.
    const all = await connect(bob.token, room.id, { afterSeq: 0 });
    expect(await seqsUntil(all, 60)).toEqual(range(1, 60));
    const some = await connect(bob.token, room.id, { afterSeq: 17 });
    expect(await seqsUntil(some, 60)).toEqual(range(18, 60));
    // A client without afterSeq gets the latest 50, most of them from the store.
    const fresh = await connect(bob.token, room.id);
    const recent: Message[] = [];
    for (let i = 0; i < 50; i++) recent.push((await fresh.next("message")).message);
    expect(recent.map((m) => m.seq)).toEqual(range(11, 60));
    expect(recent.map((m) => m.content)).toEqual(range(11, 60).map((n) => `m${n}`));

    // Live traffic continues after the catch-up, with the next seq, for everyone.
    all.send({ type: "send", clientId: "after", content: "after the prune" });
    expect(await all.next("ack", (f) => f.clientId === "after")).toMatchObject({ seq: 61 });
    expect((await some.next("message", (f) => f.message.seq === 61)).message.content).toBe("after the prune");
    expect((await fresh.next("message", (f) => f.message.seq === 61)).message.content).toBe("after the prune");
    for (const c of [all, some, fresh]) c.close();

    // The REST history is whole.
    const page = await api<{ messages: Message[] }>(`/rooms/${room.id}/messages?limit=100`, { token: bob.token });
    expect(page.body.messages.map((m) => m.seq)).toEqual(range(1, 61));
  });

  it("resends an AI reply the client saw before it was pruned, in its final version from the store", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    for (let i = 1; i <= 10; i++) await post(ann, room.id, `m${i}`);
    // An AI reply at seq 11 that ended (as if it had streamed), copied by the next flush.
    await runInDurableObject(chatRoom(env, room.id), (instance) => {
      const log = logOf(instance);
      log.append({ author: { kind: "ai", id: "char-1", name: "Bot" }, content: "", status: "streaming" });
      log.update(11, { content: "the final answer", status: "complete" });
    });
    for (let i = 12; i <= 51; i++) await post(ann, room.id, `m${i}`);
    await prunedTo(room.id, 47);

    // Bob last saw seq 20 (the reply included, maybe still streaming): it comes again first.
    const bobs = await connect(bob.token, room.id, { afterSeq: 20 });
    const first = (await bobs.next("message")).message;
    expect(first).toMatchObject({ seq: 11, content: "the final answer", status: "complete" });
    expect(await seqsUntil(bobs, 51)).toEqual(range(21, 51));
    bobs.close();
  });

  it("refuses a second hello while the first one's catch-up is still reading the store", async () => {
    const { bob, room } = await prunedRoom(20);
    const bobs = await connect(bob.token, room.id, null);
    bobs.send({ type: "hello", afterSeq: 0 });
    bobs.send({ type: "hello", afterSeq: 0 });
    expect(await seqsUntil(bobs, 20)).toEqual(range(1, 20));
    // Refused while the first was waiting on the store: its error came before the messages.
    expect(bobs.frames.filter((f) => f.type === "error")).toEqual([expect.objectContaining({ code: "invalid_frame" })]);
    expect(bobs.frames.filter((f) => f.type === "ready")).toHaveLength(1);
    expect(bobs.frames.filter((f) => f.type === "message")).toHaveLength(20);
    bobs.close();
  });

  it("refuses to skip what the history store is missing: the socket closes with 1013 instead", async () => {
    const { bob, room } = await prunedRoom(30);
    await env.DB.prepare("DELETE FROM messages WHERE room_id = ? AND seq BETWEEN 10 AND 12").bind(room.id).run();

    const bobs = await connect(bob.token, room.id, { afterSeq: 0 });
    expect((await bobs.closed).code).toBe(1013);
    const seqs = bobs.frames.flatMap((f) => (f.type === "message" ? [f.message.seq] : []));
    expect(seqs).toEqual(range(1, 9));
  });

  it("prunes only a prefix of clean rows: nothing from the first unflushed, streaming or recent row on", async () => {
    await runInDurableObject(chatRoom(env, `unit-${crypto.randomUUID()}`), (instance) => {
      const log = logOf(instance);
      const author = { kind: "user" as const, id: "u1", name: "Ann" };
      const t0 = 1_000_000;
      for (let i = 1; i <= 60; i++) log.append({ author, content: `m${i}`, status: "complete" }, t0 + i);
      const flushAll = () => log.markFlushed(log.dirty(1000).map(({ message, version }) => ({ seq: message.seq, version })));

      flushAll();
      log.update(30, { content: "edited" }); // dirty again: the store has an older version
      expect(log.prune(5, t0 + 1000, 1000)).toBe(29);
      expect(log.firstSeq).toBe(30);

      flushAll();
      log.update(40, { status: "streaming" });
      flushAll(); // copied, but still streaming
      expect(log.prune(5, t0 + 1000, 1000)).toBe(10);
      expect(log.firstSeq).toBe(40);

      log.update(40, { status: "complete" });
      flushAll();
      // Rows written after t0 + 50 (seq 51 on) are recent enough to stay.
      expect(log.prune(5, t0 + 50, 1000)).toBe(11);
      expect(log.firstSeq).toBe(51);
      // At most maxRows at a time, and never the newest five.
      expect(log.prune(5, t0 + 1000, 3)).toBe(3);
      expect(log.prune(5, t0 + 1000, 1000)).toBe(2);
      expect(log.firstSeq).toBe(56);
      expect(log.prune(5, t0 + 1000, 1000)).toBe(0);
      expect(log.after(0, 100).map((m) => m.seq)).toEqual(range(56, 60));
      expect(log.lastSeq).toBe(60);
      expect(log.append({ author, content: "next", status: "complete" }, t0 + 61).seq).toBe(61);
    });
  });
});
