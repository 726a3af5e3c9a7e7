// The channel's frames applied to the room list: other rooms' activity raising unread counts
// and reordering, mentions, reads from other tabs, invitations, removals, and a snapshot that
// arrives after a newer frame not undoing it. Also the unread count in the tab's title.
import { createRoot } from "solid-js";
import { describe, expect, it, vi } from "vitest";
import { CloseCode, type Message, type Room, type RoomListItem } from "../../../shared/wire";
import { mentions } from "../mentions";
import { withUnread } from "../tab-title";
import { FakeSocket } from "../test/fake-socket";
import { applyChannelFrame, createChannel } from "./channel";
import { createRoomListStore, PREVIEW_DELAY_MS } from "./rooms";

const at = (day: number) => `2026-01-0${day}T00:00:00Z`;
const room = (id: string, day: number, lastSeq = 1, unread = 0): RoomListItem => ({
  id,
  title: id,
  ownerId: "owner",
  characterId: null,
  aiMode: "off",
  createdAt: at(day),
  updatedAt: at(day),
  lastSeq,
  unread,
  lastMessage: null,
});
const message = (roomId: string, seq: number, content: string, authorId = "bob"): Message => ({
  id: `${roomId}-${seq}`,
  roomId,
  seq,
  author: { kind: "user", id: authorId, name: authorId },
  content,
  status: "complete",
  createdAt: at(5),
});

function setup(rooms: RoomListItem[]) {
  let page = rooms;
  const list = vi.fn(async () => ({ rooms: page, nextCursor: null }));
  const search = vi.fn(async () => ({ results: [], nextCursor: null }));
  const onMention = vi.fn();
  const store = createRoomListStore({ list, search, me: () => ({ id: "me", username: "ann" }), onMention });
  return { store, list, onMention, setPage: (next: RoomListItem[]) => (page = next) };
}

describe("channel frames on the room list", () => {
  it("raises another room's unread count by its new messages and moves it to the top", async () => {
    const { store } = setup([room("a", 2), room("b", 1, 3, 1)]);
    await store.refresh();
    applyChannelFrame(store, { type: "activity", rooms: [{ roomId: "b", lastSeq: 6, lastMessage: message("b", 6, "hi") }] });
    expect(store.state.rooms.map((r) => [r.id, r.unread])).toEqual([
      ["b", 4],
      ["a", 0],
    ]);
    // Your own message (sent from another tab) leaves nothing unread.
    applyChannelFrame(store, { type: "activity", rooms: [{ roomId: "b", lastSeq: 7, lastMessage: message("b", 7, "me", "me") }] });
    expect(store.state.rooms[0]?.unread).toBe(0);
    // Yours, then the AI's reply to it, in one update: only the reply is unread.
    const reply = { ...message("b", 9, "an answer"), author: { kind: "ai" as const, id: "assistant", name: "Assistant" } };
    applyChannelFrame(store, { type: "activity", rooms: [{ roomId: "b", lastSeq: 9, lastMessage: reply, readSeq: 8 }] });
    expect(store.state.rooms[0]?.unread).toBe(1);
  });

  it("hands a mention of you to onMention, not someone else's nor your own", async () => {
    const { store, onMention } = setup([room("a", 1)]);
    await store.refresh();
    const named = message("a", 2, "hey @ann look");
    applyChannelFrame(store, { type: "activity", rooms: [{ roomId: "a", lastSeq: 2, lastMessage: named, mention: named }] });
    expect(onMention).toHaveBeenCalledWith(expect.objectContaining({ id: "a" }), named);
    store.noteMessage("a", message("a", 3, "@annie and @ann2"));
    store.noteMessage("a", message("a", 4, "note to self @ann", "me"));
    expect(onMention).toHaveBeenCalledTimes(1);
    // The open room's own traffic (its socket, not the channel) is checked the same way, once.
    const inOpenRoom = message("a", 5, "ping @ann");
    store.noteMessage("a", inOpenRoom);
    store.noteMessage("a", { ...inOpenRoom, content: "ping @ann (edited)" });
    expect(onMention).toHaveBeenCalledTimes(2);
    expect(onMention).toHaveBeenLastCalledWith(expect.objectContaining({ id: "a" }), inOpenRoom);
    expect([mentions("mail ann@x.org", "ann"), mentions("(@Ann)", "ann"), mentions("@ann_b", "ann")]).toEqual([false, true, false]);
  });

  it("lowers the count on a read from another tab, adds invitations, removes rooms that are gone", async () => {
    const { store } = setup([room("a", 1, 5, 5)]);
    await store.refresh();
    applyChannelFrame(store, { type: "read", roomId: "a", seq: 4 });
    expect(store.state.rooms[0]?.unread).toBe(1);
    const invited: Room = { ...room("c", 3, 2), ownerId: "bob" };
    applyChannelFrame(store, { type: "room", room: invited });
    // What came before you were added counts as read: only the notice saying so is new.
    expect(store.state.rooms.find((r) => r.id === "c")?.unread).toBe(1);
    applyChannelFrame(store, { type: "room", room: { ...invited, title: "Renamed" } });
    expect(store.state.rooms.find((r) => r.id === "c")?.title).toBe("Renamed");
    applyChannelFrame(store, { type: "room_gone", roomId: "a", reason: "deleted" });
    expect(store.state.rooms.map((r) => r.id)).toEqual(["c"]);
  });

  it("counts the person's tabs, and leaves the open room to its own socket when another tab asks for its activity", async () => {
    const { store, onMention } = setup([room("a", 1, 2, 0), room("b", 2, 1, 0)]);
    await store.refresh();
    expect(store.state.tabs).toBe(1);
    applyChannelFrame(store, { type: "ready", userId: "me", tabs: 2 });
    expect(store.state.tabs).toBe(2);
    applyChannelFrame(store, { type: "tabs", count: 3 });
    expect(store.state.tabs).toBe(3);
    // The open room's socket brought its message and marked it read; the channel's copy of it
    // (sent for the other tabs' lists) neither counts it again nor notifies of the mention twice.
    store.setOpen("a");
    const named = message("a", 3, "hey @ann");
    store.noteMessage("a", named);
    store.setClosed("a", 2);
    store.setOpen("a");
    applyChannelFrame(store, { type: "activity", rooms: [{ roomId: "a", lastSeq: 3, lastMessage: named, mention: named }] });
    expect(onMention).toHaveBeenCalledTimes(1);
    expect(store.state.rooms.find((r) => r.id === "a")?.unread).toBe(0);
  });

  it("replaces the preview when the room's newest message is edited or deleted, counting nothing new", async () => {
    const { store } = setup([room("a", 1, 1, 0)]);
    await store.refresh();
    applyChannelFrame(store, { type: "activity", rooms: [{ roomId: "a", lastSeq: 2, lastMessage: message("a", 2, "hunter2") }] });
    const gone = { ...message("a", 2, ""), deletedAt: at(6) };
    applyChannelFrame(store, { type: "activity", rooms: [{ roomId: "a", lastSeq: 2, lastMessage: gone }] });
    expect(store.state.rooms[0]).toMatchObject({ unread: 1, lastMessage: { seq: 2, content: "", deletedAt: at(6) } });
  });

  it("reads the list again a moment after each ready, for a message the history store did not have yet", async () => {
    vi.useFakeTimers();
    try {
      const { store, setPage } = setup([room("a", 2, 1)]);
      applyChannelFrame(store, { type: "ready", userId: "me", tabs: 1 });
      await vi.advanceTimersByTimeAsync(0);
      expect(store.state.rooms[0]).toMatchObject({ id: "a", lastSeq: 1, unread: 0 });
      // Posted just before this tab connected: in the store a moment later, with no frame to say so.
      setPage([{ ...room("a", 2, 2, 1), lastMessage: message("a", 2, "just in") }]);
      await vi.advanceTimersByTimeAsync(PREVIEW_DELAY_MS);
      expect(store.state.rooms[0]).toMatchObject({ lastSeq: 2, unread: 1, lastMessage: { content: "just in" } });
    } finally {
      vi.useRealTimers();
    }
  });

  it("leaves a search begun meanwhile alone: the second read is of the list, not of the search's pages", async () => {
    vi.useFakeTimers();
    try {
      const { store, list } = setup([room("a", 2, 1)]);
      applyChannelFrame(store, { type: "ready", userId: "me", tabs: 1 });
      await vi.advanceTimersByTimeAsync(0);
      store.setQuery("herons");
      await vi.advanceTimersByTimeAsync(300);
      // The search's own read; then none: a read now would drop the search's later pages.
      const reads = list.mock.calls.length;
      await vi.advanceTimersByTimeAsync(PREVIEW_DELAY_MS);
      expect(list.mock.calls.length).toBe(reads);
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps a newer live state when an older snapshot arrives after it", async () => {
    const { store, setPage } = setup([room("a", 1, 1, 0)]);
    await store.refresh();
    applyChannelFrame(store, { type: "activity", rooms: [{ roomId: "a", lastSeq: 3, lastMessage: message("a", 3, "new") }] });
    setPage([room("a", 1, 2, 1)]); // the history store has not caught up with seq 3 yet
    await store.refresh();
    expect(store.state.rooms[0]).toMatchObject({ lastSeq: 3, unread: 2, lastMessage: { seq: 3 } });
  });
});

describe("the tab title", () => {
  it("carries the unread count in front, replacing an earlier one", () => {
    expect(withUnread("Room · Parlor", 3)).toBe("(3) Room · Parlor");
    expect(withUnread("(3) Room · Parlor", 0)).toBe("Room · Parlor");
    expect(withUnread("(3) Parlor", 120)).toBe("(99+) Parlor");
  });
});

describe("the channel's socket", () => {
  it("stops reconnecting and signs the tab out once its session was ended (4001), and reconnects after a drop", async () => {
    FakeSocket.reset();
    const { store } = setup([]);
    const ended = vi.fn();
    createRoot(() =>
      createChannel({ rooms: store, token: () => "t", ended, socket: { WebSocket: FakeSocket, delay: () => 0, heartbeatMs: 0 } }),
    );
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    FakeSocket.last().open();
    FakeSocket.last().drop(1006);
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(2));
    expect(ended).not.toHaveBeenCalled();
    FakeSocket.last().open();
    FakeSocket.last().drop(CloseCode.sessionEnded);
    await new Promise((r) => setTimeout(r, 30));
    expect(FakeSocket.all).toHaveLength(2);
    expect(ended).toHaveBeenCalledTimes(1);
    FakeSocket.reset();
  });
});
