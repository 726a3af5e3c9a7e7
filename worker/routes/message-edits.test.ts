// Editing and deleting messages, over REST and WebSocket frames, against the real history
// store (this file runs in worker-d1 and again in worker-pg): who may, what everyone sees, what
// the store, search and export hold afterwards, catch-up after a reconnect, and an edit that
// races the flush.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { chatRoom } from "../../durable-objects/chat-room/chat-room";
import type { Edits } from "../../durable-objects/chat-room/edits";
import type { Flush } from "../../durable-objects/chat-room/flush";
import { flushAll } from "../../durable-objects/chat-room/test-support";
import { openStore } from "../../shared/store";
import type { Message } from "../../shared/wire";
import { connectChannel } from "../../test/channel";
import { type Account, api, post, roomWith } from "../../test/helpers";
import { connect } from "../../test/ws";

type One = { message: Message };

const flush = flushAll;

const edit = (who: Account, roomId: string, seq: number, content: string) =>
  api<One>(`/rooms/${roomId}/messages/${seq}`, { method: "PATCH", token: who.token, body: { content } });
const remove = (who: Account, roomId: string, seq: number) =>
  api<One>(`/rooms/${roomId}/messages/${seq}`, { method: "DELETE", token: who.token });
const stored = (roomId: string, seq: number) => openStore(env).messages.get(roomId, seq);
const search = async (who: Account, q: string) =>
  (await api<{ results: { message: Message }[] }>(`/search?q=${q}`, { token: who.token })).body.results.map((r) => r.message.seq);

describe("editing and deleting messages", () => {
  it("lets the author edit a message not yet flushed; everyone sees the new version, then the store and search", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const b = await connect(bob.token, room.id);
    const sent = await post(ann, room.id, "the wombat sleeps");
    const r = await edit(ann, room.id, sent.body.message.seq, "the platypus sleeps");
    expect(r.status).toBe(200);
    expect(r.body.message).toMatchObject({ seq: 1, content: "the platypus sleeps", id: sent.body.message.id });
    expect(Date.parse(r.body.message.editedAt ?? "")).toBeGreaterThan(0);
    const seen = await b.next("message_updated");
    expect(seen.message).toEqual(r.body.message);
    expect(seen.change).toBe(1);
    // REST pages overlay the unflushed edit; then the flush brings it to the store.
    const page = await api<{ messages: Message[] }>(`/rooms/${room.id}/messages`, { token: bob.token });
    expect(page.body.messages).toEqual([r.body.message]);
    await flush(room.id);
    expect(await stored(room.id, 1)).toEqual(r.body.message);
    expect(await search(bob, "platyp")).toEqual([1]);
    expect(await search(bob, "wombat")).toEqual([]);
    b.close();
  });

  it("edits and deletes a message already in the store; the store, search and export follow", async () => {
    const [room, ann] = await roomWith("ann");
    await post(ann, room.id, "secret bilby title");
    await post(ann, room.id, "keep this quokka");
    await post(ann, room.id, "secret numbat plan");
    await flush(room.id);
    expect(await search(ann, "numbat")).toEqual([3]);
    expect((await api<{ room: { title: string } }>(`/rooms/${room.id}`, { token: ann.token })).body.room.title).toBe("secret bilby title");
    expect((await remove(ann, room.id, 1)).status).toBe(200);
    expect((await edit(ann, room.id, 2, "keep this echidna")).status).toBe(200);
    const gone = await remove(ann, room.id, 3);
    expect(gone.status).toBe(200);
    expect(gone.body.message).toMatchObject({ seq: 3, content: "" });
    expect(gone.body.message.deletedAt).toBeDefined();
    await flush(room.id);
    expect((await stored(room.id, 2))?.content).toBe("keep this echidna");
    expect(await stored(room.id, 3)).toEqual(gone.body.message);
    expect(await search(ann, "numbat")).toEqual([]);
    expect(await search(ann, "echidna")).toEqual([2]);
    const json = await api<{ messages: Message[] }>(`/rooms/${room.id}/export?format=json`, { token: ann.token });
    expect(json.body.messages.map((m) => [m.seq, m.content, Boolean(m.deletedAt)])).toEqual([
      [1, "", true],
      [2, "keep this echidna", false],
      [3, "", true],
    ]);
    const md = await api<string>(`/rooms/${room.id}/export?format=markdown`, { token: ann.token });
    expect(md.body).not.toContain("numbat");
    // The room was named after its first message, which is gone: so is the name (the one it
    // took next followed the edit; see the test below).
    expect(md.body).not.toContain("bilby");
    expect(md.body).not.toContain("quokka");
    // When, as every other time in the file: "2026-12-07 12:49 UTC", not an ISO timestamp.
    expect(md.body).toMatch(/ _\(deleted \d{4}-\d\d-\d\d \d\d:\d\d UTC\)_\n/);
    expect(md.body).not.toMatch(/deleted \d{4}-\d\d-\d\dT/);
    // Deleting again changes nothing; editing a tombstone is refused.
    expect((await remove(ann, room.id, 3)).body.message).toEqual(gone.body.message);
    expect((await edit(ann, room.id, 3, "back again")).body).toMatchObject({ error: { code: "deleted" } });
  });

  it("renames a room named after its first message when that message is edited or deleted, and tells every member at once", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob", "cy");
    await post(ann, room.id, "**Secret** plan: meet at noon");
    await post(bob, room.id, "count me in");
    await post(ann, room.id, "bring snacks");
    await flush(room.id);
    const title = async () => (await openStore(env).rooms.byId(room.id))?.title;
    expect(await title()).toBe("Secret plan: meet at noon");
    const channel = await connectChannel(bob.token);
    const renamed = (to: string | null) => channel.waitFor("room", (f) => f.room.id === room.id && f.room.title === to);
    // Edited: the name follows the new text.
    expect((await edit(ann, room.id, 1, "Plan: meet at one")).status).toBe(200);
    await renamed("Plan: meet at one");
    // Deleted: named after the first message still there, at once (no flush waited for).
    expect((await remove(ann, room.id, 1)).status).toBe(200);
    await renamed("count me in");
    expect(await title()).toBe("count me in");
    // The rest deleted: no name left; the next message names it again.
    expect((await remove(bob, room.id, 2)).status).toBe(200);
    await renamed("bring snacks");
    expect((await remove(ann, room.id, 3)).status).toBe(200);
    await renamed(null);
    await post(bob, room.id, "fresh start");
    await flush(room.id);
    expect(await title()).toBe("fresh start");
    // A name set by hand stays whatever happens to the message it may match.
    const set = await api(`/rooms/${room.id}`, { method: "PATCH", token: ann.token, body: { title: "Lunch" } });
    expect(set.status).toBe(200);
    await post(ann, room.id, "Lunch");
    expect((await remove(ann, room.id, 5)).status).toBe(200);
    expect((await edit(bob, room.id, 4, "fresh start, again")).status).toBe(200);
    expect(await title()).toBe("Lunch");
    channel.close();
  });

  it("lets the owner delete anyone's message, and nobody else edit or delete it", async () => {
    const [room, owner, bob, cat] = await roomWith("own", "bob", "cat");
    await post(bob, room.id, "bob's words");
    await post(owner, room.id, "owner's words");
    expect((await edit(cat, room.id, 1, "cat was here")).status).toBe(403);
    expect((await remove(cat, room.id, 1)).body).toMatchObject({ error: { code: "forbidden" } });
    expect((await edit(owner, room.id, 1, "owner rewrote it")).status).toBe(403);
    expect((await remove(bob, room.id, 2)).status).toBe(403);
    expect((await remove(owner, room.id, 1)).status).toBe(200);
    const page = await api<{ messages: Message[] }>(`/rooms/${room.id}/messages`, { token: cat.token });
    expect(page.body.messages.map((m) => m.content)).toEqual(["", "owner's words"]);
    // Someone outside the room does not reach it at all.
    const [, stranger] = await roomWith("str");
    expect((await remove(stranger, room.id, 2)).status).toBe(403);
  });

  it("refuses bad edits with the error shape and changes nothing", async () => {
    const [room, ann] = await roomWith("ann");
    await post(ann, room.id, "original");
    expect((await edit(ann, room.id, 1, "   ")).body).toMatchObject({ error: { code: "invalid_content" } });
    expect((await edit(ann, room.id, 1, "x".repeat(8001))).status).toBe(400);
    expect((await edit(ann, room.id, 9, "no such")).status).toBe(404);
    expect((await api(`/rooms/${room.id}/messages/1`, { method: "PATCH", token: ann.token, body: { text: "x" } })).status).toBe(400);
    // The same content again is not a new version.
    const same = await edit(ann, room.id, 1, "original");
    expect(same.status).toBe(200);
    expect(same.body.message.editedAt).toBeUndefined();
  });

  it("takes edits and deletes as WebSocket frames, acked by clientId or refused like sends", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const a = await connect(ann.token, room.id);
    const b = await connect(bob.token, room.id);
    await post(ann, room.id, "typo teh");
    a.send({ type: "edit", seq: 1, content: "typo the", clientId: "e1" });
    expect(await a.next("ack", (f) => f.clientId === "e1")).toMatchObject({ seq: 1 });
    expect((await b.next("message_updated")).message.content).toBe("typo the");
    b.send({ type: "delete", seq: 1, clientId: "d1" });
    expect(await b.next("error", (f) => f.clientId === "d1")).toMatchObject({ code: "forbidden" });
    a.send({ type: "delete", seq: 1 });
    expect((await b.next("message_updated")).message.deletedAt).toBeDefined();
    a.send({ type: "edit", seq: 0, content: "x" });
    expect(await a.next("error")).toMatchObject({ code: "invalid_frame" });
    a.close();
    b.close();
  });

  it("gives a reconnecting client the current version of what changed while it was away", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    await post(ann, room.id, "one");
    await post(ann, room.id, "two");
    const b = await connect(bob.token, room.id, { afterSeq: 0 });
    const ready = b.frames.find((f) => f.type === "ready");
    await b.next("message", (f) => f.message.seq === 2);
    b.close();
    await edit(ann, room.id, 1, "one, edited");
    await remove(ann, room.id, 2);
    await flush(room.id);
    const again = await connect(bob.token, room.id, { afterSeq: 2, afterChange: ready?.type === "ready" ? ready.lastChange : -1 });
    expect((await again.next("message", (f) => f.message.seq === 1)).message.content).toBe("one, edited");
    expect((await again.next("message", (f) => f.message.seq === 2)).message.deletedAt).toBeDefined();
    expect(again.frames.find((f) => f.type === "ready")).toMatchObject({ lastChange: 2 });
    // Each once: the edited and the deleted message are not sent a second time.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const resent = (c: typeof again) => c.frames.flatMap((f) => (f.type === "message" ? [f.message.seq] : []));
    expect(resent(again)).toEqual([1, 2]);
    again.close();
    // A client that has seen every change gets none of them again.
    const upToDate = await connect(bob.token, room.id, { afterSeq: 2, afterChange: 2 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(resent(upToDate)).toEqual([]);
    upToDate.close();
    // A history page says which change it reflects, for a client that starts from REST.
    const page = await api<{ messages: Message[]; lastChange: number }>(`/rooms/${room.id}/messages`, { token: bob.token });
    expect(page.body.lastChange).toBe(2);
    expect(page.body.messages.map((m) => m.content)).toEqual(["one, edited", ""]);
  });

  it("loses nothing when an edit lands while the flush is copying the old version", async () => {
    const [room, ann] = await roomWith("ann");
    await post(ann, room.id, "before the race");
    await runInDurableObject(chatRoom(env, room.id), async (instance) => {
      const { flush, edits } = (instance as unknown as { p: { flush: Flush; edits: Edits } }).p;
      const copying = flush.run();
      // The flush has read the row and is waiting on the store: the edit lands now.
      const edited = await edits.edit(
        { id: ann.user.id, username: ann.user.username, displayName: ann.user.displayName },
        1,
        "after the race",
      );
      await copying;
      expect(edited.ok).toBe(true);
    });
    await flush(room.id);
    expect((await stored(room.id, 1))?.content).toBe("after the race");
  });
});
