// Unsent messages across a reload: what the outbox keeps, what comes back and how, and that the
// room sends it again once (or not at all when its history already has it).
import { createRoot } from "solid-js";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Message } from "../../../shared/wire";
import { FakeSocket } from "../test/fake-socket";
import { createMessageStore } from "./messages";
import { outboxKey, storedOutbox } from "./outbox";
import { createRoomStore } from "./room";

const me = { kind: "user" as const, id: "u1", name: "Ada" };

function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    key: (i) => [...items.keys()][i] ?? null,
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, String(v)),
    removeItem: (k) => void items.delete(k),
    clear: () => items.clear(),
  };
}

const mine = (seq: number, clientId: string, content: string): Message => ({
  id: `m${seq}`,
  roomId: "r1",
  seq,
  author: me,
  content,
  clientId,
  status: "complete",
  createdAt: new Date().toISOString(),
});

function tab(storage: Storage, who = me) {
  return createMessageStore({ roomId: "r1", me: () => who, outbox: storedOutbox(storage, outboxKey(who.id, "r1")) });
}

const kept = (storage: Storage) => JSON.parse(storage.getItem(outboxKey("u1", "r1")) ?? "[]") as { clientId: string }[];

describe("the outbox", () => {
  it("keeps each send until it is acked, and brings back what was not", () => {
    const storage = memoryStorage();
    const before = tab(storage);
    const a = before.addLocal("first");
    const b = before.addLocal("second");
    before.fail(b.clientId, "Not sent: the server refused this message.");
    before.ack(a.clientId, 1);
    expect(kept(storage).map((s) => s.clientId)).toEqual([b.clientId]);
    const c = before.addLocal("third");

    const after = tab(storage);
    expect(after.state.pending.map((p) => [p.clientId, p.content, p.status, p.waiting])).toEqual([
      [b.clientId, "second", "failed", undefined],
      [c.clientId, "third", "pending", true],
    ]);
    expect(after.state.pending[0]?.error).toBe("Not sent: the server refused this message.");
  });

  it("keeps one shown before its ack (a crash then could lose it) until the ack", () => {
    const storage = memoryStorage();
    const s = tab(storage);
    const a = s.addLocal("hello");
    s.receive(mine(1, a.clientId, "hello"));
    expect(s.state.pending).toHaveLength(0);
    expect(kept(storage).map((x) => x.clientId)).toEqual([a.clientId]);
    s.ack(a.clientId, 1);
    expect(storage.getItem(outboxKey("u1", "r1"))).toBeNull();
  });

  it("drops a send the room's history already has, kept or brought back", () => {
    const storage = memoryStorage();
    const before = tab(storage);
    const a = before.addLocal("stored before the reload");
    const b = before.addLocal("never reached the room");
    const after = tab(storage);
    after.addPage([mine(7, a.clientId, "stored before the reload")], false, "latest");
    expect(after.state.pending.map((p) => p.clientId)).toEqual([b.clientId]);
    expect(kept(storage).map((x) => x.clientId)).toEqual([b.clientId]);
  });

  it("is the person's own: someone else signed in on the tab sees none of it", () => {
    const storage = memoryStorage();
    tab(storage).addLocal("mine");
    expect(tab(storage, { kind: "user", id: "u2", name: "Bob" }).state.pending).toEqual([]);
    expect(tab(storage).state.pending.map((p) => p.content)).toEqual(["mine"]);
  });

  it("brings back a send older than the server's resend window as failed, and ignores what it cannot read", () => {
    const storage = memoryStorage();
    const old = new Date(Date.now() - 30 * 3600_000).toISOString();
    storage.setItem(
      outboxKey("u1", "r1"),
      JSON.stringify([{ clientId: "c-old", content: "yesterday", status: "pending", createdAt: old }, { content: 5 }, null]),
    );
    const s = tab(storage);
    expect(s.state.pending.map((p) => [p.clientId, p.status, p.error])).toEqual([
      ["c-old", "failed", "Not sent before the page was closed."],
    ]);
    storage.setItem(outboxKey("u1", "r1"), "{not json");
    expect(tab(storage).state.pending).toEqual([]);
  });
});

describe("a room opened again with an outbox", () => {
  afterEach(() => FakeSocket.reset());

  it("sends what was not confirmed once the room is ready, with the same clientId, and not what it already has", async () => {
    const storage = memoryStorage();
    const before = tab(storage);
    const stored = before.addLocal("made it");
    const lost = before.addLocal("lost with the page");
    const room = createRoot(() =>
      createRoomStore({
        roomId: "r1",
        me: () => me,
        token: () => "t1",
        sessionExpired: () => false,
        fetchPage: vi.fn(async () => ({ messages: [mine(3, stored.clientId, "made it")], hasMore: false })),
        wsUrl: (id) => `ws://test/api/rooms/${id}/ws`,
        socket: { WebSocket: FakeSocket, delay: () => 0, heartbeatMs: 0 },
        outbox: storedOutbox(storage, outboxKey("u1", "r1")),
      }),
    );
    expect(room.messages.state.pending).toHaveLength(2);
    await room.start();
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    const ws = FakeSocket.last();
    ws.open();
    ws.receive({ type: "ready", roomId: "r1", lastSeq: 3, online: [] });
    expect(ws.frames().filter((f) => (f as { type: string }).type === "send")).toEqual([
      { type: "send", clientId: lost.clientId, content: "lost with the page" },
    ]);
    ws.receive({ type: "ack", clientId: lost.clientId, seq: 4 });
    expect(room.messages.state.messages.map((m) => m.seq)).toEqual([3, 4]);
    expect(storage.getItem(outboxKey("u1", "r1"))).toBeNull();
  });
});
