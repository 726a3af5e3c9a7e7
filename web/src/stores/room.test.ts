// The room store against a scripted WebSocket: hello on every (re)connect, a fresh token per
// attempt, close codes that end the session, offline sends, rate limits, typing and presence.
import { createRoot, createSignal } from "solid-js";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Message } from "../../../shared/wire";
import { ApiError } from "../api";
import { FakeSocket } from "../test/fake-socket";
import { createRoomStore } from "./room";

const me = { kind: "user" as const, id: "u1", name: "Ada" };
const bob = { id: "u2", username: "bob", displayName: "Bob" };
const msg = (seq: number, extra: Partial<Message> = {}): Message => ({
  id: `m${seq}`,
  roomId: "r1",
  seq,
  author: { kind: "user", id: "u2", name: "Bob" },
  content: `message ${seq}`,
  status: "complete",
  createdAt: "2026-01-01T00:00:00.000Z",
  ...extra,
});

let disposers: (() => void)[] = [];
afterEach(() => {
  for (const d of disposers) d();
  disposers = [];
  FakeSocket.reset();
});

type SetupOptions = {
  page?: Message[];
  fetchPage?: () => Promise<{ messages: Message[]; hasMore: boolean }>;
  expired?: boolean;
  otherTabs?: () => boolean;
};

function setup(opts: SetupOptions = {}) {
  let token = "t1";
  const fetchPage = vi.fn(opts.fetchPage ?? (async () => ({ messages: opts.page ?? [msg(1), msg(2)], hasMore: true })));
  const room = createRoot((dispose) => {
    disposers.push(dispose);
    return createRoomStore({
      roomId: "r1",
      me: () => me,
      token: () => token,
      sessionExpired: () => opts.expired ?? false,
      fetchPage,
      wsUrl: (id) => `ws://test/api/rooms/${id}/ws`,
      socket: { WebSocket: FakeSocket, delay: () => 0, heartbeatMs: 0 },
      otherTabs: opts.otherTabs,
    });
  });
  return { room, fetchPage, setToken: (t: string) => (token = t) };
}

async function connected(n = 1) {
  await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(n));
  const ws = FakeSocket.last();
  ws.open();
  return ws;
}

describe("room connection", () => {
  it("sends hello from one before the last seq from history as the first frame, then goes live", async () => {
    const { room } = setup();
    await room.start();
    const ws = await connected();
    expect(ws.frames()[0]).toEqual({ type: "hello", afterSeq: 1 });
    expect(room.state.connection).toBe("connecting");
    ws.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [bob] });
    expect(room.state.connection).toBe("live");
    expect(room.state.online).toEqual([bob]);
  });

  it("tells the room this person has other tabs open, on every connect and whenever that changes", async () => {
    const [otherTabs, setOtherTabs] = createSignal(true);
    const { room } = setup({ otherTabs });
    await room.start();
    const ws = await connected();
    ws.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    expect(ws.frames().slice(1)).toEqual([{ type: "other_tabs", open: true }]);
    setOtherTabs(false);
    expect(ws.frames().slice(1)).toEqual([
      { type: "other_tabs", open: true },
      { type: "other_tabs", open: false },
    ]);
    // A new socket starts as the person's only tab: nothing to say until there is another.
    ws.drop(1006);
    const next = await connected(2);
    next.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    expect(next.frames().filter((f) => (f as { type: string }).type === "other_tabs")).toEqual([]);
    setOtherTabs(true);
    expect(next.frames().filter((f) => (f as { type: string }).type === "other_tabs")).toEqual([{ type: "other_tabs", open: true }]);
  });

  it("asks for the latest messages, not the whole room, when history could not be loaded", async () => {
    const { room } = setup({
      fetchPage: async () => {
        throw new Error("offline");
      },
    });
    await room.start();
    expect(room.state.loadError).toBe("offline");
    const ws = await connected();
    expect(ws.frames()[0]).toEqual({ type: "hello" });
    ws.receive({ type: "ready", roomId: "r1", lastSeq: 100, online: [] });
    for (let seq = 51; seq <= 100; seq++) ws.receive({ type: "message", message: msg(seq) });
    // Older messages exist (seqs start at 1), to be loaded on scroll.
    expect(room.messages.state.hasMoreBefore).toBe(true);
    expect(room.messages.state.lastSeq).toBe(100);
    // A reconnect then continues from what it has.
    ws.drop(1006);
    const next = await connected(2);
    expect(next.frames()[0]).toEqual({ type: "hello", afterSeq: 99 });
  });

  it("loads the history page again once connected, when it could not be loaded as the room opened", async () => {
    let offline = true;
    const { room, fetchPage } = setup({
      fetchPage: async () => {
        if (offline) throw new Error("Couldn't reach Parlor.");
        return { messages: [msg(1), msg(2), msg(3)], hasMore: false };
      },
    });
    await room.start();
    expect(room.state.loadError).toBe("Couldn't reach Parlor.");
    offline = false;
    const ws = await connected();
    ws.receive({ type: "message", message: msg(3) });
    ws.receive({ type: "ready", roomId: "r1", lastSeq: 3, online: [] });
    // The banner that said history would come over the socket goes, and the page is whole.
    await vi.waitFor(() => expect(room.state.loadError).toBeNull());
    expect(fetchPage).toHaveBeenCalledTimes(2);
    expect(room.messages.state.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(room.messages.state.hasMoreBefore).toBe(false);
  });

  it("applies edits, deletes and versions as they come, and asks for changes since the last one on a reconnect", async () => {
    const { room } = setup();
    await room.start();
    const ws = await connected();
    ws.receive({ type: "ready", roomId: "r1", lastSeq: 2, lastChange: 4, online: [] });
    ws.receive({ type: "message_updated", message: msg(1, { content: "fixed", editedAt: "2026-01-01T00:01:00.000Z" }), change: 5 });
    ws.receive({ type: "message_updated", message: msg(2, { content: "", deletedAt: "2026-01-01T00:02:00.000Z" }), change: 6 });
    expect(room.messages.state.messages.map((m) => [m.content, Boolean(m.editedAt), Boolean(m.deletedAt)])).toEqual([
      ["fixed", true, false],
      ["", false, true],
    ]);
    room.edit(1, "  fixed again ");
    room.remove(2);
    room.selectVersion(2, 1);
    expect(ws.frames().slice(1)).toEqual([
      { type: "edit", seq: 1, content: "fixed again" },
      { type: "delete", seq: 2 },
      { type: "select_version", seq: 2, version: 1 },
    ]);
    ws.drop(1006);
    const next = await connected(2);
    expect(next.frames()[0]).toEqual({ type: "hello", afterSeq: 1, afterChange: 6 });
  });

  it("asks for the changes made since the first page was read, even before the socket said anything", async () => {
    const { room } = setup({ fetchPage: async () => ({ messages: [msg(1)], hasMore: false, lastChange: 3 }) });
    await room.start();
    const ws = await connected();
    expect(ws.frames()[0]).toEqual({ type: "hello", afterSeq: 0, afterChange: 3 });
  });

  it("catches up from 0 in a room whose history loaded empty", async () => {
    const { room } = setup({ page: [] });
    await room.start();
    const ws = await connected();
    expect(ws.frames()[0]).toEqual({ type: "hello", afterSeq: 0 });
  });

  it("reconnects with a fresh token and says hello from one before the newest seq it saw", async () => {
    const { room, setToken } = setup();
    await room.start();
    const ws = await connected();
    ws.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    ws.receive({ type: "message", message: msg(3) });
    room.send("are you there?");
    setToken("t2");
    ws.drop(1006);
    expect(room.state.connection).toBe("reconnecting");
    expect(room.messages.state.pending[0]).toMatchObject({ status: "pending", waiting: true });
    const next = await connected(2);
    // The token travels as a subprotocol, never in the URL.
    expect(next.protocols).toEqual(["parlor", "bearer.t2"]);
    expect(next.url).not.toContain("t2");
    expect(next.frames()[0]).toEqual({ type: "hello", afterSeq: 2 });
  });

  it("after a crash, drops a message the room lost and takes the one it kept in its place", async () => {
    const { room } = setup();
    await room.start();
    const ws = await connected();
    ws.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    // Sent to us just before the room wrote it, and the room went down before the write.
    ws.receive({ type: "message", message: msg(3, { content: "never stored" }) });
    ws.drop(1012);
    const next = await connected(2);
    expect(next.frames()[0]).toEqual({ type: "hello", afterSeq: 2 });
    next.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    expect(room.messages.state.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(room.messages.state.lastSeq).toBe(2);
    // Someone else's message then takes seq 3; a later reconnect gets it again, in place.
    next.receive({ type: "message", message: msg(3, { content: "stored" }) });
    next.drop(1006);
    const third = await connected(3);
    expect(third.frames()[0]).toEqual({ type: "hello", afterSeq: 2 });
    third.receive({ type: "ready", roomId: "r1", lastSeq: 3, online: [] });
    third.receive({ type: "message", message: msg(3, { content: "stored" }) });
    expect(room.messages.state.messages.map((m) => [m.seq, m.content])).toEqual([
      [1, expect.any(String)],
      [2, expect.any(String)],
      [3, "stored"],
    ]);
  });

  it.each([
    [4004, "This room was deleted"],
    [4003, "You were removed from this room"],
  ])("stays closed after close code %i and explains it", async (code, title) => {
    const { room } = setup();
    await room.start();
    const ws = await connected();
    ws.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    ws.drop(code);
    expect(room.state.connection).toBe("closed");
    expect(room.state.ended?.title).toBe(title);
    await new Promise((r) => setTimeout(r, 20));
    expect(FakeSocket.all).toHaveLength(1);
  });

  it("tells the user to sign in again when the token expired (1008)", async () => {
    const { room } = setup({ expired: true });
    await room.start();
    const ws = await connected();
    ws.drop(1008);
    expect(room.state.ended).toMatchObject({ title: "Your session expired", canRetry: false });
  });

  it("explains an overloaded server while it keeps reconnecting", async () => {
    const { room } = setup();
    await room.start();
    const ws = await connected();
    ws.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    ws.drop(1013);
    expect(room.state.connection).toBe("reconnecting");
    expect(room.state.trouble?.title).toBe("The room is busy");
    const next = await connected(2);
    next.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    expect(room.state.trouble).toBeNull();
  });

  it("says a room that is not there was not found, not that it was deleted, and does not connect", async () => {
    const { room } = setup({
      fetchPage: async () => {
        throw new ApiError(404, "not_found", "Room not found");
      },
    });
    await room.start();
    expect(room.state.ended?.title).toBe("Room not found");
    expect(FakeSocket.all).toHaveLength(0);
  });

  it("tells someone opening a room they are not in to ask for an invite", async () => {
    const { room } = setup({
      fetchPage: async () => {
        throw new ApiError(403, "not_a_member", "You are not a member of this room.");
      },
    });
    await room.start();
    expect(room.state.ended?.title).toBe("You're not in this room");
  });
});

describe("sending", () => {
  it("sends with a clientId and shows the message as pending", async () => {
    const { room } = setup();
    await room.start();
    const ws = await connected();
    ws.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    expect(room.send("  hi there  ")).toBeNull();
    const frame = ws.frames()[1] as { type: string; clientId: string; content: string };
    expect(frame).toMatchObject({ type: "send", content: "hi there" });
    expect(room.messages.state.pending[0]).toMatchObject({ clientId: frame.clientId, status: "pending" });
  });

  it("sends attachments by id, with or without text, and shows them on the pending message", async () => {
    const { room } = setup();
    await room.start();
    const ws = await connected();
    ws.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    const chart = { id: "a1", name: "chart.png", mimeType: "image/png" as const, size: 9, url: "/api/rooms/r1/attachments/a1" };
    expect(room.send("", [chart])).toBeNull();
    expect(ws.frames()[1]).toMatchObject({ type: "send", content: "", attachments: ["a1"] });
    expect(room.messages.state.pending[0]?.attachments).toEqual([chart]);
  });

  it("refuses empty and oversized messages with a reason", async () => {
    const { room } = setup();
    expect(room.send("   ")).toMatch(/Write something/);
    expect(room.send("\u200B\u200D")).toMatch(/Write something/);
    expect(room.send("x".repeat(8001))).toMatch(/at most 8,000/);
    expect(room.messages.state.pending).toHaveLength(0);
  });

  it("holds a message written while connecting and sends it once the room is ready", async () => {
    const { room } = setup();
    await room.start();
    const ws = await connected();
    room.send("written early");
    const early = room.messages.state.pending[0];
    expect(early).toMatchObject({ status: "pending", waiting: true });
    ws.drop(1006);
    expect(room.messages.state.pending[0]?.status).toBe("pending");
    const next = await connected(2);
    expect(next.frames()).toEqual([{ type: "hello", afterSeq: 1 }]);
    next.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    expect(next.frames()[1]).toEqual({ type: "send", clientId: early?.clientId, content: "written early" });
    expect(room.messages.state.pending[0]?.waiting).toBeUndefined();
  });

  it("sends again, by itself and with the same clientId, what the socket carried when it closed before the ack", async () => {
    const { room } = setup();
    await room.start();
    const ws = await connected();
    ws.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    room.send("in flight");
    const sent = room.messages.state.pending[0];
    ws.drop(1006);
    // Not failed: waiting for the connection, to go again (the room acks it if it has it).
    expect(room.messages.state.pending[0]).toMatchObject({ status: "pending", waiting: true });
    const next = await connected(2);
    next.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    expect(next.frames().at(-1)).toEqual({ type: "send", clientId: sent?.clientId, content: "in flight" });
    next.receive({ type: "ack", clientId: sent?.clientId as string, seq: 3 });
    expect(room.messages.state.pending).toEqual([]);
    expect(room.messages.state.messages.map((m) => [m.seq, m.content])).toContainEqual([3, "in flight"]);
  });

  it("keeps an own message shown before its ack shown once when the socket closes, and sends it again: stored anew if the room lost it, acked if it has it", async () => {
    const { room } = setup();
    await room.start();
    const ws = await connected();
    ws.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    room.send("lost");
    const lost = room.messages.state.pending[0];
    // A quiet room sends our message just before writing it; the room then goes down.
    ws.receive({ type: "message", message: msg(3, { author: me, content: "lost", clientId: lost?.clientId }) });
    ws.drop(1012);
    // Shown once, as it was: no second, failed copy beside it.
    expect(room.messages.state.pending).toEqual([]);
    expect(room.messages.state.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    const next = await connected(2);
    next.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    // The room lost it: it is taken back, and sent again.
    expect(room.messages.state.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(next.frames().at(-1)).toEqual({ type: "send", clientId: lost?.clientId, content: "lost" });
    next.receive({ type: "message", message: msg(3, { author: me, content: "lost", clientId: lost?.clientId }) });
    // This time the room wrote it, but the socket closed before the ack.
    next.drop(1006);
    const third = await connected(3);
    third.receive({ type: "ready", roomId: "r1", lastSeq: 3, online: [] });
    expect(third.frames().at(-1)).toEqual({ type: "send", clientId: lost?.clientId, content: "lost" });
    third.receive({ type: "ack", clientId: lost?.clientId as string, seq: 3 });
    third.receive({ type: "message", message: msg(3, { author: me, content: "lost", clientId: lost?.clientId }) });
    expect(room.messages.state.pending).toEqual([]);
    expect(room.messages.state.messages.map((m) => [m.seq, m.content])).toEqual([
      [1, "message 1"],
      [2, "message 2"],
      [3, "lost"],
    ]);
    // Acked: a later close sends nothing again.
    third.drop(1006);
    const fourth = await connected(4);
    fourth.receive({ type: "ready", roomId: "r1", lastSeq: 3, online: [] });
    expect(fourth.frames()).toEqual([{ type: "hello", afterSeq: 2 }]);
  });

  it("fails sends at once when the room has ended", async () => {
    const { room } = setup();
    await room.start();
    const ws = await connected();
    ws.drop(4004);
    room.send("anyone?");
    expect(room.messages.state.pending[0]).toMatchObject({ status: "failed", error: "Not sent: this room was deleted." });
  });

  it("keeps at most five sends unacked, so a long queue written offline never floods the room; a refusal lets the next one go", async () => {
    const { room } = setup();
    await room.start();
    const ws = await connected();
    const texts = Array.from({ length: 12 }, (_, i) => `m${i + 1}`);
    for (const text of texts) room.send(text);
    ws.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    const sent = () => ws.frames().flatMap((f) => ((f as { type: string }).type === "send" ? [(f as { content: string }).content] : []));
    expect(sent()).toEqual(texts.slice(0, 5));
    // The ones behind are waiting for their turn, not for the connection.
    expect(room.messages.state.pending.slice(5).every((p) => p.waiting && p.held)).toBe(true);
    const id = (text: string) => room.messages.state.pending.find((p) => p.content === text)?.clientId as string;
    ws.receive({ type: "ack", clientId: id("m1"), seq: 3 });
    expect(sent()).toEqual(texts.slice(0, 6));
    ws.receive({ type: "error", code: "invalid_content", message: "Refused.", clientId: id("m2") });
    expect(sent()).toEqual(texts.slice(0, 7));
    expect(room.messages.state.pending.find((p) => p.content === "m2")?.status).toBe("failed");
  });

  it("waits out the send limit: refused sends go again by themselves, in order, one at a time after each ack", async () => {
    const { room } = setup();
    await room.start();
    const ws = await connected();
    // Written offline, then all sent as the room is ready.
    for (const text of ["a", "b", "c", "d"]) room.send(text);
    ws.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    const sent = () => ws.frames().flatMap((f) => ((f as { type: string }).type === "send" ? [(f as { content: string }).content] : []));
    expect(sent()).toEqual(["a", "b", "c", "d"]);
    const id = (text: string) => room.messages.state.pending.find((p) => p.content === text)?.clientId as string;
    const [a, b, c, d] = ["a", "b", "c", "d"].map(id) as [string, string, string, string];
    ws.receive({ type: "ack", clientId: a, seq: 3 });
    ws.receive({ type: "ack", clientId: b, seq: 4 });
    ws.receive({ type: "rate_limited", retryAfterMs: 40, clientId: c });
    ws.receive({ type: "rate_limited", retryAfterMs: 40, clientId: d });
    expect(room.state.rateLimitedUntil).toBeGreaterThan(Date.now());
    // Nothing failed: both wait their turn, and one written meanwhile waits behind them.
    expect(room.messages.state.pending.map((p) => [p.content, p.status, p.waiting])).toEqual([
      ["c", "pending", true],
      ["d", "pending", true],
    ]);
    room.send("e");
    expect(sent()).toEqual(["a", "b", "c", "d"]);
    await vi.waitFor(() => expect(sent()).toEqual(["a", "b", "c", "d", "c"]));
    ws.receive({ type: "ack", clientId: c, seq: 5 });
    // Each paced send goes the room's wait after the one before, not at once.
    expect(sent()).toEqual(["a", "b", "c", "d", "c"]);
    await vi.waitFor(() => expect(sent()).toEqual(["a", "b", "c", "d", "c", "d"]));
    ws.receive({ type: "ack", clientId: d, seq: 6 });
    await vi.waitFor(() => expect(sent()).toEqual(["a", "b", "c", "d", "c", "d", "e"]));
    ws.receive({ type: "ack", clientId: id("e"), seq: 7 });
    expect(room.messages.state.pending).toEqual([]);
    expect(room.messages.state.messages.map((m) => m.content).slice(2)).toEqual(["a", "b", "c", "d", "e"]);
    // The pace ends with the queue: the next send goes at once.
    room.send("f");
    expect(sent().at(-1)).toBe("f");
  });

  it("shows an error frame without a clientId as a notice", async () => {
    const { room } = setup();
    await room.start();
    const ws = await connected();
    ws.receive({ type: "error", code: "not_streaming", message: "That reply already finished." });
    expect(room.state.notice).toBe("That reply already finished.");
  });

  it("shows an error frame naming a send on that send, not as a notice", async () => {
    const { room } = setup();
    await room.start();
    const ws = await connected();
    ws.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    room.send("   x");
    const clientId = room.messages.state.pending[0]?.clientId;
    ws.receive({ type: "error", code: "invalid_content", message: "A message can be at most 8000 characters.", clientId });
    expect(room.messages.state.pending[0]).toMatchObject({ status: "failed", error: "A message can be at most 8000 characters." });
    expect(room.state.notice).toBeNull();
  });

  it("ignores frames that are not JSON objects with a type, and pongs", async () => {
    const { room } = setup();
    await room.start();
    const ws = await connected();
    ws.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    ws.receiveRaw("not json");
    ws.receiveRaw('{"no":"type"}');
    ws.receive({ type: "pong" });
    ws.receive({ type: "message", message: msg(3) });
    expect(room.messages.state.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(room.state).toMatchObject({ connection: "live", notice: null });
  });

  it("sends stop and regenerate as frames", async () => {
    const { room } = setup();
    await room.start();
    const ws = await connected();
    ws.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    room.control("stop", 2);
    room.control("regenerate", 2);
    // A double click asks once.
    room.control("regenerate", 2);
    room.control("regenerate", 5);
    expect(ws.frames().slice(1)).toEqual([
      { type: "stop", seq: 2 },
      { type: "regenerate", seq: 2 },
      { type: "regenerate", seq: 5 },
    ]);
    expect(room.state.notice).toBeNull();
  });

  it("says a change made offline could not go, and stops saying so once the room is back", async () => {
    const { room } = setup();
    await room.start();
    const ws = await connected();
    ws.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    ws.drop(1006);
    expect(room.edit(1, "fixed")).toBe(false);
    expect(room.state.notice).toBe("You are offline; try again once reconnected.");
    const next = await connected(2);
    next.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    expect(room.state.notice).toBeNull();
    // Another notice (the server refused something) stays until dismissed.
    next.receive({ type: "error", code: "forbidden", message: "You can only edit your own messages." });
    next.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    expect(room.state.notice).toBe("You can only edit your own messages.");
  });
});

describe("typing, presence and history", () => {
  it("shows who is typing until their message arrives, but never me", async () => {
    const { room } = setup();
    await room.start();
    const ws = await connected();
    ws.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    ws.receive({ type: "typing", user: bob });
    ws.receive({ type: "typing", user: { id: "u1", username: "ada", displayName: "Ada" } });
    expect(room.typing().map((t) => t.user.id)).toEqual(["u2"]);
    ws.receive({ type: "message", message: msg(3) });
    expect(room.typing()).toHaveLength(0);
  });

  it("throttles its own typing frames", async () => {
    const { room } = setup();
    await room.start();
    const ws = await connected();
    ws.receive({ type: "ready", roomId: "r1", lastSeq: 2, online: [] });
    room.typed();
    room.typed();
    expect(ws.frames().filter((f) => (f as { type: string }).type === "typing")).toHaveLength(1);
  });

  it("updates who is online from presence frames", async () => {
    const { room } = setup();
    await room.start();
    const ws = await connected();
    ws.receive({ type: "presence", online: [bob] });
    expect(room.state.online).toEqual([bob]);
  });

  it("keeps each member's latest name from renamed frames, online or not", async () => {
    const { room } = setup();
    await room.start();
    const ws = await connected();
    const cy = { id: "u3", username: "cy", displayName: "Cy" };
    for (const user of [{ ...bob, displayName: "Bobby" }, cy, { ...bob, displayName: "Robert" }]) ws.receive({ type: "renamed", user });
    expect(room.state.renamed).toEqual([cy, { ...bob, displayName: "Robert" }]);
    expect(room.state.online).toEqual([]);
  });

  it("loads the page before the oldest message it has", async () => {
    const { room, fetchPage } = setup({ page: [msg(51), msg(52)] });
    await room.start();
    fetchPage.mockResolvedValueOnce({ messages: [msg(49), msg(50)], hasMore: false });
    await room.loadOlder();
    expect(fetchPage).toHaveBeenLastCalledWith({ before: 51, limit: 100 });
    expect(room.messages.state.messages.map((m) => m.seq)).toEqual([49, 50, 51, 52]);
    await room.loadOlder();
    expect(fetchPage).toHaveBeenCalledTimes(2);
  });
});
