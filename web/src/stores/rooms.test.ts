// The sidebar's room list store: search, live previews reordering the list, unread counts.
import { describe, expect, it, vi } from "vitest";
import type { Message, RoomListItem } from "../../../shared/wire";
import { createRoomListStore, PREVIEW_DELAY_MS } from "./rooms";

const room = (id: string, at: string, unread = 0): RoomListItem => ({
  id,
  title: id,
  ownerId: "u1",
  characterId: null,
  aiMode: "off",
  createdAt: at,
  updatedAt: at,
  lastSeq: 1,
  unread,
  lastMessage: null,
});
const message = (roomId: string, seq: number, at: string): Message => ({
  id: `m${seq}`,
  roomId,
  seq,
  author: { kind: "user", id: "u2", name: "Bob" },
  content: "hi",
  status: "complete",
  createdAt: at,
});

function setup(rooms: RoomListItem[]) {
  // Each read answers with fresh copies, as a response does (the store keeps what it is given).
  const list = vi.fn(async () => ({ rooms: rooms.map((r) => ({ ...r })), nextCursor: null }));
  const search = vi.fn(async () => ({ results: [], nextCursor: null }));
  return { store: createRoomListStore({ list, search }), list, search };
}

describe("room list store", () => {
  it("moves a room with new traffic to the top with its preview", async () => {
    const { store } = setup([room("a", "2026-01-02T00:00:00Z"), room("b", "2026-01-01T00:00:00Z")]);
    await store.refresh();
    store.noteMessage("b", message("b", 5, "2026-01-03T00:00:00Z"));
    expect(store.state.rooms.map((r) => r.id)).toEqual(["b", "a"]);
    expect(store.state.rooms[0]?.lastMessage?.seq).toBe(5);
    // An older message (catch-up) does not replace a newer preview.
    store.noteMessage("b", message("b", 4, "2026-01-02T12:00:00Z"));
    expect(store.state.rooms[0]?.lastMessage?.seq).toBe(5);
  });

  it("names an untitled room after its first message as the server will, without direction overrides", async () => {
    const { store } = setup([{ ...room("a", "2026-01-02T00:00:00Z"), title: null, lastSeq: 0 }]);
    await store.refresh();
    store.noteMessage("a", { ...message("a", 1, "2026-01-03T00:00:00Z"), content: "\u202Egnp.exe\u202C trip\u200B plans" });
    expect(store.state.rooms[0]?.title).toBe("gnp.exe trip plans");
  });

  it("leaves a direct chat untitled: it is called after the other person", async () => {
    const peer = { id: "u2", username: "bob", displayName: "Bob" };
    const { store } = setup([{ ...room("a", "2026-01-02T00:00:00Z"), title: null, lastSeq: 0, peer }]);
    await store.refresh();
    store.noteMessage("a", message("a", 1, "2026-01-03T00:00:00Z"));
    expect(store.state.rooms[0]).toMatchObject({ title: null, peer });
  });

  it("keeps the open room's newer preview over a snapshot read before its last message was stored", async () => {
    // A new copy each time: the store's own are changed in place.
    const list = vi.fn(async () => ({ rooms: [room("a", "2026-01-02T00:00:00Z")], nextCursor: null }));
    const store = createRoomListStore({ list, search: async () => ({ results: [], nextCursor: null }) });
    await store.refresh();
    store.setOpen("a");
    store.noteMessage("a", message("a", 2, "2026-01-03T00:00:00Z"));
    await store.refresh();
    expect(store.state.rooms[0]).toMatchObject({ lastSeq: 2, lastMessage: { seq: 2 }, unread: 0 });
  });

  it("loads the next page of message hits by its cursor, and drops one that answers after the query changed", async () => {
    const hit = (seq: number) => ({ room: room("a", "2026-01-02T00:00:00Z"), message: message("a", seq, "2026-01-02T00:00:00Z") });
    const list = vi.fn(async () => ({ rooms: [], nextCursor: null }));
    type Page = { results: ReturnType<typeof hit>[]; nextCursor: string | null };
    const search = vi.fn(
      async (_q: string, _signal?: AbortSignal, cursor?: string): Promise<Page> =>
        cursor === "c1" ? { results: [hit(3), hit(2)], nextCursor: "c2" } : { results: [hit(5), hit(4), hit(3)], nextCursor: "c1" },
    );
    const store = createRoomListStore({ list, search });
    store.setQuery("hi");
    await store.refresh();
    expect(store.state.hitsCursor).toBe("c1");
    await store.loadMoreHits();
    expect(search).toHaveBeenLastCalledWith("hi", expect.any(AbortSignal), "c1");
    expect(store.state.hits.map((h) => h.message.seq)).toEqual([5, 4, 3, 2]);
    expect(store.state.hitsCursor).toBe("c2");
    // A page asked for before the query changed is not added to the new query's hits.
    let answer: (v: Page) => void = () => {};
    search.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
    const late = store.loadMoreHits();
    store.setQuery("other");
    await store.refresh();
    answer({ results: [hit(1)], nextCursor: null });
    await late;
    expect(store.state.hits.map((h) => h.message.seq)).toEqual([5, 4, 3]);
    expect(store.state.loadingHits).toBe(false);
  });

  it("keeps the open room's unread count at zero, even across refreshes", async () => {
    const { store } = setup([room("a", "2026-01-02T00:00:00Z", 4)]);
    await store.refresh();
    expect(store.state.rooms[0]?.unread).toBe(4);
    store.setOpen("a");
    expect(store.state.rooms[0]?.unread).toBe(0);
    await store.refresh();
    expect(store.state.rooms[0]?.unread).toBe(0);
  });

  it("counts what a room left had not shown on screen, whichever room opened first", async () => {
    const { store } = setup([room("a", "2026-01-02T00:00:00Z"), room("b", "2026-01-01T00:00:00Z")]);
    await store.refresh();
    store.setOpen("a");
    store.noteMessage("a", message("a", 5, "2026-01-03T00:00:00Z"));
    expect(store.state.rooms.find((r) => r.id === "a")?.unread).toBe(0);
    // The next room opens before the last one is closed: each keeps its own state.
    store.setOpen("b");
    store.setClosed("a", 2);
    expect(store.state.rooms.map((r) => [r.id, r.unread])).toEqual([
      ["a", 3],
      ["b", 0],
    ]);
    // b is still the open one: its new messages are read.
    store.noteMessage("b", message("b", 2, "2026-01-04T00:00:00Z"));
    expect(store.state.rooms.find((r) => r.id === "b")?.unread).toBe(0);
  });

  it("searches rooms and messages with a debounced query", async () => {
    vi.useFakeTimers();
    const { store, list, search } = setup([]);
    store.setQuery("pa");
    store.setQuery("pasta");
    await vi.advanceTimersByTimeAsync(300);
    vi.useRealTimers();
    expect(list).toHaveBeenCalledTimes(1);
    expect(list).toHaveBeenCalledWith({ q: "pasta" }, expect.any(AbortSignal));
    expect(search).toHaveBeenCalledWith("pasta", expect.any(AbortSignal));
  });

  it("keeps a room a channel frame added while a snapshot was on its way, and drops one it removed", async () => {
    let answer: (v: { rooms: RoomListItem[]; nextCursor: null }) => void = () => {};
    const list = vi.fn(() => new Promise<{ rooms: RoomListItem[]; nextCursor: null }>((resolve) => (answer = resolve)));
    const search = vi.fn(async () => ({ results: [], nextCursor: null }));
    const store = createRoomListStore({ list, search });
    const pending = store.refresh();
    // The snapshot was read before "new" existed and while "old" still did.
    store.upsertRoom({ ...room("new", "2026-01-03T00:00:00Z"), lastSeq: 0 });
    store.removeRoom("old");
    answer({ rooms: [room("old", "2026-01-01T00:00:00Z"), room("kept", "2026-01-02T00:00:00Z")], nextCursor: null });
    await pending;
    expect(store.state.rooms.map((r) => r.id)).toEqual(["new", "kept"]);
  });

  it("reads the list again when a room's character changes, or an untitled room changes: a frame carries no avatar, no peer", async () => {
    vi.useFakeTimers();
    const chef = { ...room("r1", "2026-01-01T00:00:00Z"), characterId: "c1", characterAvatar: "🧑‍🍳" };
    const list = vi.fn(async () => ({ rooms: [chef], nextCursor: null }));
    const store = createRoomListStore({ list, search: async () => ({ results: [], nextCursor: null }) });
    await store.refresh();
    const { characterAvatar: _, lastMessage: __, unread: ___, ...frame } = chef;
    store.upsertRoom({ ...frame, title: "Renamed" });
    expect(store.state.rooms[0]?.characterAvatar).toBe("🧑‍🍳");
    store.upsertRoom({ ...frame, characterId: "c2" });
    expect(store.state.rooms[0]?.characterAvatar).toBeNull();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(list).toHaveBeenCalledTimes(2);
    // An untitled room's frame (someone joined a direct chat, say): who its peer is may change.
    store.upsertRoom({ ...frame, characterId: "c2", title: null });
    await vi.advanceTimersByTimeAsync(5_000);
    vi.useRealTimers();
    expect(list).toHaveBeenCalledTimes(3);
  });

  it("counts a change's notice as unread once, whether its room frame or its activity comes first", async () => {
    const { store } = setup([{ ...room("a", "2026-01-02T00:00:00Z"), lastSeq: 5 }]);
    await store.refresh();
    // Someone was added: the room frame carries the room's lastSeq with the notice in it.
    store.upsertRoom({ ...room("a", "2026-01-02T00:00:00Z"), updatedAt: "2026-01-03T00:00:00Z", lastSeq: 6 });
    store.noteActivity({
      roomId: "a",
      lastSeq: 6,
      lastMessage: { ...message("a", 6, "2026-01-03T00:00:00Z"), author: { kind: "system", id: "u2", name: "Bob" } },
    });
    expect(store.state.rooms[0]).toMatchObject({ lastSeq: 6, unread: 1 });
    // Added to a room with history: only the notice saying so is new to you.
    store.upsertRoom({ ...room("b", "2026-01-04T00:00:00Z"), ownerId: "u2", lastSeq: 40 });
    expect(store.state.rooms.find((r) => r.id === "b")?.unread).toBe(1);
  });

  it("counts only what came after a read in another tab that had the room open (and so had no activity)", async () => {
    const { store } = setup([{ ...room("a", "2026-01-02T00:00:00Z"), lastSeq: 5, unread: 2 }]);
    await store.refresh();
    // Another tab had the room open: three messages came and were read there, with no activity here.
    store.noteRead("a", 8);
    expect(store.state.rooms[0]).toMatchObject({ lastSeq: 8, unread: 0 });
    // That tab left the room; one more message is the one unread.
    store.noteActivity({ roomId: "a", lastSeq: 9, lastMessage: message("a", 9, "2026-01-03T00:00:00Z") });
    expect(store.state.rooms[0]).toMatchObject({ lastSeq: 9, unread: 1 });
    // A snapshot from a history store still behind the room adds nothing that was read.
    await store.refresh();
    expect(store.state.rooms[0]).toMatchObject({ lastSeq: 9, unread: 1 });
    // A read behind what is known leaves the rest unread.
    store.noteActivity({ roomId: "a", lastSeq: 12, lastMessage: message("a", 12, "2026-01-03T00:01:00Z") });
    store.noteRead("a", 10);
    expect(store.state.rooms[0]).toMatchObject({ lastSeq: 12, unread: 2 });
  });

  it("reads the list again a moment after a room was read past its preview in another tab: once the tab is shown, not under a search", async () => {
    vi.useFakeTimers();
    try {
      const rows = [{ ...room("a", "2026-01-01T00:00:00Z"), lastSeq: 5 }, room("b", "2026-01-02T00:00:00Z")];
      const { store, list } = setup(rows);
      await store.refresh();
      expect(store.state.rooms.map((r) => r.id)).toEqual(["b", "a"]);
      // Read up to 8 elsewhere; meanwhile the history store caught up with the room.
      rows[0] = { ...rows[0], lastSeq: 8, lastMessage: message("a", 8, "2026-01-03T00:00:00Z") } as RoomListItem;
      store.noteRead("a", 8);
      store.noteRead("a", 8);
      await vi.advanceTimersByTimeAsync(PREVIEW_DELAY_MS);
      expect(list).toHaveBeenCalledTimes(2);
      expect(store.state.rooms.map((r) => r.id)).toEqual(["a", "b"]);
      expect(store.state.rooms[0]?.lastMessage?.seq).toBe(8);
      // A read of what the list already shows asks for nothing.
      store.noteRead("a", 8);
      await vi.advanceTimersByTimeAsync(PREVIEW_DELAY_MS);
      expect(list).toHaveBeenCalledTimes(2);
      // In a hidden tab it waits until the tab is shown.
      const hidden = vi.spyOn(document, "hidden", "get").mockReturnValue(true);
      store.noteRead("a", 9);
      await vi.advanceTimersByTimeAsync(PREVIEW_DELAY_MS * 3);
      expect(list).toHaveBeenCalledTimes(2);
      hidden.mockReturnValue(false);
      document.dispatchEvent(new Event("visibilitychange"));
      await vi.advanceTimersByTimeAsync(0);
      expect(list).toHaveBeenCalledTimes(3);
      // Under a search the list is the search's.
      store.setQuery("trip");
      await vi.advanceTimersByTimeAsync(300);
      const calls = list.mock.calls.length;
      store.noteRead("a", 12);
      await vi.advanceTimersByTimeAsync(PREVIEW_DELAY_MS);
      expect(list).toHaveBeenCalledTimes(calls);
    } finally {
      vi.useRealTimers();
    }
  });

  it("counts the open room's new messages as unread while its tab is hidden, in the title's total too, until the tab shows", async () => {
    const { store } = setup([room("a", "2026-01-02T00:00:00Z"), room("b", "2026-01-01T00:00:00Z")]);
    await store.refresh();
    store.setOpen("a");
    store.noteMessage("a", message("a", 2, "2026-01-03T00:00:00Z"));
    expect(store.state.rooms.find((r) => r.id === "a")?.unread).toBe(0);
    const shown = vi.spyOn(document, "visibilityState", "get").mockReturnValue("hidden");
    try {
      store.noteMessage("a", message("a", 3, "2026-01-03T00:01:00Z"));
      store.noteMessage("a", message("a", 4, "2026-01-03T00:02:00Z"));
      expect(store.state.rooms.find((r) => r.id === "a")?.unread).toBe(2);
      // A snapshot read meanwhile keeps them unread too.
      await store.refresh();
      expect(store.state.rooms.find((r) => r.id === "a")?.unread).toBeGreaterThan(0);
      shown.mockReturnValue("visible");
      document.dispatchEvent(new Event("visibilitychange"));
      expect(store.state.rooms.find((r) => r.id === "a")?.unread).toBe(0);
    } finally {
      shown.mockRestore();
    }
  });

  it("reports a failed load in words", async () => {
    const store = createRoomListStore({
      list: async () => {
        throw new Error("offline");
      },
      search: async () => ({ results: [], nextCursor: null }),
    });
    await store.refresh();
    expect(store.state.error).toBe("offline");
  });
});
