// The history store's contract. This one suite runs twice: on D1 inside workerd (project
// worker-d1) and on the real Postgres through Hyperdrive's local connection string
// (project worker-pg), so both backends provably behave the same.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { storeRows } from "../../test/store-rows";
import { isUniqueViolation, openStore } from ".";
import { deriveTitle } from "./messages";

const store = openStore(env);
const now = Date.now();

const { user, room, msg } = storeRows(store, now);

describe(`history store (${store.dialect})`, () => {
  it("finds users case-insensitively and reports duplicate usernames as unique violations", async () => {
    const u = await user();
    expect((await store.users.byUsername(u.username.toUpperCase()))?.id).toBe(u.id);
    const clash = { ...u, id: crypto.randomUUID(), username: u.username.toUpperCase() };
    const err = await store.users.create(clash).catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
  });

  it("lists the built-in Assistant first, then only the user's own characters", async () => {
    const [a, b] = [await user(), await user()];
    await store.characters.create(crypto.randomUUID(), a.id, { name: "Zed", systemPrompt: "p" }, now);
    await store.characters.create(crypto.randomUUID(), b.id, { name: "Other", systemPrompt: "p" }, now);
    const list = await store.characters.list(a.id);
    expect(list[0]).toMatchObject({ id: "assistant", name: "Assistant", builtIn: true });
    expect(list.map((c) => c.name)).toEqual(["Assistant", "Zed"]);
  });

  it("upserts idempotently: repeats change nothing, newer versions win, older never do", async () => {
    const u = await user();
    const r = await room(u.id);
    const first = [msg(r.id, 1, "one"), msg(r.id, 2, "two", { authorKind: "ai", status: "streaming" })];
    expect(await store.messages.upsert(r.id, first)).toBe(true);
    expect(await store.messages.upsert(r.id, first)).toBe(true);
    await store.messages.upsert(r.id, [msg(r.id, 2, "two, finished", { authorKind: "ai", updatedAt: now + 100 })]);
    await store.messages.upsert(r.id, [msg(r.id, 2, "stale", { authorKind: "ai", status: "streaming", updatedAt: now + 50 })]);
    const { messages } = await store.messages.page(r.id, { limit: 10 });
    expect(messages.map((m) => [m.seq, m.content, m.status])).toEqual([
      [1, "one", "complete"],
      [2, "two, finished", "complete"],
    ]);
    expect(messages[0]?.author).toEqual({ kind: "user", id: "someone", name: "Someone", username: "someone" });
    const fresh = await store.rooms.byId(r.id);
    expect(fresh?.lastSeq).toBe(2);
    expect(fresh?.title).toBe("one");
  });

  it("writes batches larger than one statement can bind", async () => {
    const u = await user();
    const r = await room(u.id);
    const rows = Array.from({ length: 45 }, (_, i) => msg(r.id, i + 1, `bulk ${i + 1}`));
    await store.messages.upsert(r.id, rows);
    const all: number[] = [];
    for await (const page of store.messages.all(r.id, 10)) all.push(...page.map((m) => m.seq));
    expect(all).toEqual(rows.map((x) => x.seq));
  });

  it("pages by seq in both directions", async () => {
    const u = await user();
    const r = await room(u.id);
    await store.messages.upsert(
      r.id,
      [1, 2, 3, 4, 5].map((s) => msg(r.id, s, `m${s}`)),
    );
    expect(await store.messages.page(r.id, { limit: 2 })).toMatchObject({ hasMore: true });
    expect((await store.messages.page(r.id, { limit: 2 })).messages.map((m) => m.seq)).toEqual([4, 5]);
    expect((await store.messages.page(r.id, { before: 3, limit: 5 })).messages.map((m) => m.seq)).toEqual([1, 2]);
    const fwd = await store.messages.page(r.id, { after: 3, limit: 5 });
    expect(fwd).toMatchObject({ hasMore: false });
    expect(fwd.messages.map((m) => m.seq)).toEqual([4, 5]);
  });

  it("reports a deleted room to the flush, and cascades its messages and members", async () => {
    const [u, v] = [await user(), await user()];
    const r = await room(u.id, [v.id]);
    await store.messages.upsert(r.id, [msg(r.id, 1, "bye")]);
    await store.rooms.delete(r.id);
    expect(await store.messages.upsert(r.id, [msg(r.id, 2, "late")])).toBe(false);
    expect((await store.messages.page(r.id, { limit: 5 })).messages).toEqual([]);
    expect(await store.rooms.members(r.id)).toEqual([]);
  });

  it("lists rooms by activity with unread counts, and marks read monotonically", async () => {
    const [u, v] = [await user(), await user()];
    const older = await room(u.id, [v.id], "older");
    const newer = await room(u.id, [v.id], "newer");
    await store.messages.upsert(older.id, [msg(older.id, 1, "hi", { authorId: u.id, createdAt: now + 10_000 })]);
    const list = await store.rooms.list(v.id, { limit: 10 });
    expect(list.rooms.map((x) => x.title)).toEqual(["older", "newer"]);
    expect(list.rooms[0]).toMatchObject({ unread: 1, lastMessage: { content: "hi" } });
    await store.rooms.markRead(older.id, v.id, 1);
    await store.rooms.markRead(older.id, v.id, 0);
    expect((await store.rooms.list(v.id, { limit: 10 })).rooms[0]?.unread).toBe(0);
    expect(newer.id).toBeTruthy();
  });

  it("filters rooms by any part of their title and people by the start of their names, however long the text and whatever it holds", async () => {
    const [u, v] = [await user(), await user()];
    const title = "Plans: 100% of the_budget, and a title longer than fifty bytes — ünïcode";
    await room(u.id, [v.id], title);
    await room(u.id, [v.id], "Plans for 100 days");
    const titles = async (q: string) => (await store.rooms.list(v.id, { q, limit: 10 })).rooms.map((r) => r.title);
    // Longer than the 50-byte LIKE pattern D1 allows; case ignored; % and _ only themselves.
    expect(await titles("100% OF THE_BUDGET, AND A TITLE LONGER THAN FIFTY BYTES — ünïcode")).toEqual([title]);
    expect(await titles("100%")).toEqual([title]);
    expect(await titles("the_b")).toEqual([title]);
    expect(await titles("x".repeat(100))).toEqual([]);
    expect((await titles("plans")).sort()).toEqual([title, "Plans for 100 days"].sort());
    const names = async (prefix: string) => (await store.users.sharingRooms(u.id, prefix, 10)).map((p) => p.id);
    expect(await names(v.username.toUpperCase())).toEqual([v.id]);
    expect(await names("store t")).toContain(v.id);
    expect(await names("tore")).toEqual([]);
    expect(await names("%")).toEqual([]);
    expect(await names("s".repeat(64))).toEqual([]);
  });

  it("finds a person's direct chats, each with the other person: not a titled room, one with a character, or a group", async () => {
    const [u, v, w] = [await user(), await user(), await user()];
    const direct = await room(u.id, [v.id]);
    await room(u.id, [v.id], "titled");
    await room(u.id, [v.id, w.id]);
    await store.rooms.update((await room(w.id, [u.id])).id, { characterId: "assistant" }, now);
    const withW = await room(w.id, [u.id]);
    const found = await store.rooms.directChats(u.id, 10);
    expect(found.map((d) => [d.room.id, d.peerId]).sort()).toEqual(
      [
        [direct.id, v.id],
        [withW.id, w.id],
      ].sort(),
    );
    expect(found.find((d) => d.room.id === direct.id)?.room).toMatchObject({ id: direct.id, title: null, ownerId: u.id });
    expect((await store.rooms.directChats(v.id, 10)).map((d) => d.peerId)).toEqual([u.id]);
    // The one between two people, asked for from either side; none between a group's members.
    expect((await store.rooms.directChatBetween(u.id, v.id))?.id).toBe(direct.id);
    expect((await store.rooms.directChatBetween(v.id, u.id))?.id).toBe(direct.id);
    expect((await store.rooms.directChatBetween(v.id, w.id))?.id).toBeUndefined();
  });

  it("counts each author's own messages as read by them, for many authors in one batch, never lowering a mark", async () => {
    const authors = await Promise.all(Array.from({ length: 45 }, () => user("own")));
    const r = await room(
      authors[0]!.id,
      authors.slice(1).map((a) => a.id),
    );
    // Author i wrote seq i: each has read up to their own message, and the later ones are unread.
    await store.messages.upsert(
      r.id,
      authors.map((a, i) => msg(r.id, i + 1, `from ${i + 1}`, { authorId: a.id })),
    );
    const unread = async (i: number) => (await store.rooms.list(authors[i]!.id, { limit: 5 })).rooms.find((x) => x.id === r.id)?.unread;
    expect(await unread(0)).toBe(44);
    expect(await unread(39)).toBe(5);
    expect(await unread(44)).toBe(0);
    // A later copy of an early message (an edit) does not move its author's mark back.
    await store.rooms.markRead(r.id, authors[0]!.id, 45);
    await store.messages.upsert(r.id, [msg(r.id, 1, "from 1, edited", { authorId: authors[0]!.id, updatedAt: now + 1000 })]);
    expect(await unread(0)).toBe(0);
  });

  it("shows a title stored before the rules of names without the characters they refuse", async () => {
    const u = await user();
    const spoofed = await room(u.id, [], "\u202Egnp.exe\u202C plans\u200B for \u2066Oslo\u2069 👩\u200D💻");
    expect((await store.rooms.byId(spoofed.id))?.title).toBe("gnp.exe plans for Oslo 👩\u200D💻");
    const blank = await room(u.id, [], "\u200B\u200E");
    expect((await store.rooms.byId(blank.id))?.title).toBe("New chat");
  });

  it("hands a room over to the member who joined first, never removes its owner, and never leaves it without one, even racing", async () => {
    const [a, b, c] = [await user(), await user(), await user()];
    const r = await room(a.id, [b.id, c.id]);
    expect(await store.rooms.removeMember(r.id, a.id, now + 1)).toBeUndefined();
    const heir = [b.id, c.id].sort()[0] as string;
    const handed = await store.rooms.handOver(r.id, a.id, now + 2);
    expect(handed).toMatchObject({ ownerId: heir, room: { ownerId: heir, updatedAt: new Date(now + 2).toISOString() } });
    expect((await store.rooms.members(r.id)).map((m) => [m.user.id, m.role]).sort()).toEqual(
      [
        [b.id, b.id === heir ? "owner" : "member"],
        [c.id, c.id === heir ? "owner" : "member"],
      ].sort(),
    );
    expect(await store.rooms.handOver(r.id, a.id, now + 3)).toBeUndefined();
    // The owner leaving while the member who would take over leaves too: whichever wins, the
    // room keeps one owner, who is a member.
    for (let i = 0; i < 12; i++) {
      const [o, p, q] = [await user(), await user(), await user()];
      const raced = await room(o.id, [p.id, q.id]);
      const next = [p.id, q.id].sort()[0] as string;
      await Promise.all([store.rooms.handOver(raced.id, o.id, now + 10), store.rooms.removeMember(raced.id, next, now + 10)]);
      const members = await store.rooms.members(raced.id);
      const owners = members.filter((m) => m.role === "owner");
      expect(owners).toHaveLength(1);
      expect((await store.rooms.byId(raced.id))?.ownerId).toBe(owners[0]?.user.id);
    }
  });

  it("answers a ping", async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});

describe("deriveTitle", () => {
  it("uses the first line of the first message, shortened with an ellipsis", () => {
    expect(deriveTitle("  Plan the\n trip  ")).toBe("Plan the trip");
    expect(deriveTitle("x".repeat(100))).toHaveLength(60);
    expect(deriveTitle("   ")).toBe("New chat");
  });

  it("drops Markdown syntax but keeps characters that are only text", () => {
    expect(deriveTitle("## **Trip** to _Oslo_")).toBe("Trip to Oslo");
    expect(deriveTitle("Alice #59 renamed my_var_name > 3 ~ 4")).toBe("Alice #59 renamed my_var_name > 3 ~ 4");
    expect(deriveTitle("- one\n- two\n\n> quoted `code`")).toBe("one two quoted code");
  });

  it("drops the characters names may not contain, as a title set by hand may not", () => {
    expect(deriveTitle("\u202Egnp.exe\u200B\u0007 **bold**\u2066x")).toBe("gnp.exe boldx");
    expect(deriveTitle("a\u0001b \u200E\u061C\u2060\uFEFF\u180E c\uD800")).toBe("ab c");
    expect(deriveTitle("👩\u200D💻 team\u200D")).toBe("👩\u200D💻 team");
    expect(deriveTitle("\u202E\u2066\u200B")).toBe("New chat");
    expect(deriveTitle(`${"\u200B".repeat(50)}${"y".repeat(70)}`)).toBe(`${"y".repeat(59)}…`);
  });
});
