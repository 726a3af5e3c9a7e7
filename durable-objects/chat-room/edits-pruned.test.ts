// Edits and deletes of messages the room no longer keeps itself (this project keeps only the
// newest five): the room, still the single writer, changes them in the history store, tells
// every socket, and a reconnecting client catching up from before the change gets the current
// version read from the store.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { openStore } from "../../shared/store";
import type { Message } from "../../shared/wire";
import { api, post, roomWith } from "../../test/helpers";
import { connect } from "../../test/ws";
import { chatRoom } from "./chat-room";
import type { RoomLog } from "./room-log";

/** Waits (bounded) until the room's flush has pruned its log up to `firstSeq`. */
async function prunedTo(roomId: string, firstSeq: number) {
  let seen = 0;
  for (let i = 0; i < 100 && seen < firstSeq; i++) {
    await new Promise((r) => setTimeout(r, 100));
    seen = await runInDurableObject(chatRoom(env, roomId), (instance) => (instance as unknown as { p: { log: RoomLog } }).p.log.firstSeq);
  }
  expect(seen).toBe(firstSeq);
}

describe("editing and deleting pruned messages", () => {
  it("changes them in the history store, broadcasts them, and catch-up reads the current version", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    for (let i = 1; i <= 12; i++) await post(ann, room.id, `m${i} kangaroo`);
    await prunedTo(room.id, 8);
    const b = await connect(bob.token, room.id, { afterSeq: 12 });
    const lastChange = (b.frames.find((f) => f.type === "ready") as { lastChange: number }).lastChange;
    b.close();
    const live = await connect(ann.token, room.id);

    const edited = await api<{ message: Message }>(`/rooms/${room.id}/messages/2`, {
      method: "PATCH",
      token: ann.token,
      body: { content: "m2 wallaby" },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.message).toMatchObject({ seq: 2, content: "m2 wallaby" });
    expect((await live.next("message_updated")).message).toEqual(edited.body.message);
    expect((await api(`/rooms/${room.id}/messages/3`, { method: "DELETE", token: bob.token })).status).toBe(403);
    expect((await api(`/rooms/${room.id}/messages/3`, { method: "DELETE", token: ann.token })).status).toBe(200);

    const store = openStore(env);
    expect((await store.messages.get(room.id, 2))?.content).toBe("m2 wallaby");
    expect(await store.messages.get(room.id, 3)).toMatchObject({ content: "" });
    const hits = await api<{ results: { message: Message }[] }>("/search?q=kangaroo", { token: ann.token });
    expect(hits.body.results.map((r) => r.message.seq).sort((x, y) => x - y)).toEqual([1, 4, 5, 6, 7, 8, 9, 10, 11, 12]);

    const back = await connect(bob.token, room.id, { afterSeq: 12, afterChange: lastChange });
    const changed = [(await back.next("message")).message, (await back.next("message")).message];
    expect(changed.map((m) => [m.seq, m.content, Boolean(m.deletedAt)])).toEqual([
      [2, "m2 wallaby", false],
      [3, "", true],
    ]);
    back.close();
    live.close();
  });
});
