// Search in the history store, on D1 (project worker-d1) and on the real Postgres (worker-pg):
// words by prefix, only in the user's rooms, newest first, paged by a cursor that holds its
// place while messages arrive, change and go.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { storeRows } from "../../test/store-rows";
import { openStore } from ".";
import { cursorAfter, parseCursor } from "./search";

const store = openStore(env);
const now = Date.now();
const { user, room, msg } = storeRows(store, now);

/** One page: "roomId/seq" keys and the cursor to the next. */
async function page(userId: string, q: string, limit: number, cursor: string | null = null) {
  const after = cursor === null ? undefined : (parseCursor(cursor) ?? undefined);
  expect(cursor === null || after !== undefined, `cursor ${cursor}`).toBe(true);
  const r = await store.messages.search(userId, q, { after, limit });
  return { keys: r.results.map((x) => `${x.room.id}/${x.message.seq}`), next: r.nextCursor };
}

/** Every page from the first, following the cursors: the pages' keys in order. */
async function walk(userId: string, q: string, limit: number) {
  const pages: string[][] = [];
  let cursor: string | null = null;
  do {
    const p = await page(userId, q, limit, cursor);
    pages.push(p.keys);
    cursor = p.next;
  } while (cursor !== null && pages.length < 1000);
  return pages;
}

describe(`search (${store.dialect})`, () => {
  it("searches words by prefix, only in the user's rooms, newest first", async () => {
    const [u, v] = [await user(), await user()];
    const mine = await room(u.id);
    const other = await room(v.id);
    await store.messages.upsert(mine.id, [msg(mine.id, 1, "Platypus facts"), msg(mine.id, 2, "more about the platypus")]);
    await store.messages.upsert(other.id, [msg(other.id, 1, "platypus elsewhere")]);
    const first = await page(u.id, "platyp", 1);
    expect(first.keys).toEqual([`${mine.id}/2`]);
    expect(await page(u.id, "platyp", 1, first.next)).toEqual({ keys: [`${mine.id}/1`], next: null });
    expect((await page(u.id, "\"' OR 1=1 --", 5)).keys).toEqual([]);
    expect((await page(u.id, "***", 5)).keys).toEqual([]);
  });

  it("finds a single letter or digit only as a word of its own: c++ is not every word starting with c", async () => {
    const u = await user();
    const mine = await room(u.id);
    await store.messages.upsert(mine.id, [
      msg(mine.id, 1, "a chat about code"),
      msg(mine.id, 2, "I write C++ daily"),
      msg(mine.id, 3, "Plan B"),
    ]);
    expect((await page(u.id, "c++", 5)).keys).toEqual([`${mine.id}/2`]);
    expect((await page(u.id, "b", 5)).keys).toEqual([`${mine.id}/3`]);
    expect((await page(u.id, "ch", 5)).keys).toEqual([`${mine.id}/1`]);
  });

  it("pages across rooms newest first, for a word in a few messages and one in more than a thousand", async () => {
    const [u, v] = [await user(), await user()];
    const [older, newer, other] = [await room(u.id), await room(u.id), await room(v.id)];
    // The rooms' times do not overlap and the older room is written first, so "newest first"
    // is one order on both backends (D1 orders by arrival at the store, Postgres by time).
    const rows = (roomId: string, count: number, from: number) =>
      Array.from({ length: count }, (_, i) =>
        msg(roomId, i + 1, `walrus ${i + 1}${(i + 1) % 100 === 0 ? " narwhal" : ""}`, { createdAt: from + i }),
      );
    await store.messages.upsert(older.id, rows(older.id, 600, now));
    await store.messages.upsert(newer.id, rows(newer.id, 500, now + 10_000));
    await store.messages.upsert(other.id, rows(other.id, 50, now + 20_000));
    const expected = (every: number) => [
      ...Array.from({ length: 500 / every }, (_, i) => `${newer.id}/${500 - i * every}`),
      ...Array.from({ length: 600 / every }, (_, i) => `${older.id}/${600 - i * every}`),
    ];
    // 11 matches: all of them sorted.
    const rare = await walk(u.id, "narwhal", 4);
    expect(rare.map((p) => p.length)).toEqual([4, 4, 3]);
    expect(rare.flat()).toEqual(expected(100));
    // 1,100 matches: every room walked newest first; a page meets where the rooms do (497–503).
    const common = await walk(u.id, "walrus", 7);
    expect(common).toHaveLength(Math.ceil(1100 / 7));
    expect(common[71]).toEqual(expected(1).slice(497, 504));
    expect(common.flat()).toEqual(expected(1));
  });

  it("finds a word common only in older messages, and one frequent only among the newest", async () => {
    const u = await user();
    const r = await room(u.id);
    // "kelp" in the first 1,020 messages, none in the newest 30; "orca" in 10 of the newest 12.
    const text = (seq: number) => (seq <= 1020 ? `kelp ${seq}` : seq > 1040 ? `orca ${seq}` : `plain ${seq}`);
    await store.messages.upsert(
      r.id,
      Array.from({ length: 1050 }, (_, i) => msg(r.id, i + 1, text(i + 1), { createdAt: now + i })),
    );
    const seqs = (pages: string[][]) => pages.flat().map((k) => Number(k.split("/")[1]));
    const kelp = await walk(u.id, "kelp", 100);
    expect(kelp).toHaveLength(11);
    expect(seqs(kelp)).toEqual(Array.from({ length: 1020 }, (_, i) => 1020 - i));
    expect(seqs(await walk(u.id, "orca", 3))).toEqual([1050, 1049, 1048, 1047, 1046, 1045, 1044, 1043, 1042, 1041]);
  });

  it("holds its place while matches arrive, change and go between two pages", async () => {
    const u = await user();
    const r = await room(u.id);
    await store.messages.upsert(
      r.id,
      Array.from({ length: 6 }, (_, i) => msg(r.id, i + 1, `dugong ${i + 1}`, { createdAt: now + i })),
    );
    const first = await page(u.id, "dugong", 3);
    expect(first.keys).toEqual([`${r.id}/6`, `${r.id}/5`, `${r.id}/4`]);
    // A new match and an edited one (still matching) before the next page: an offset would
    // repeat 4 (the new match pushed it down); the cursor continues right after it.
    await store.messages.upsert(r.id, [msg(r.id, 7, "dugong 7", { createdAt: now + 100 })]);
    await store.messages.revise(r.id, 3, { content: "dugong 3, edited", editedAt: now + 200 });
    expect(await page(u.id, "dugong", 3, first.next)).toEqual({ keys: [`${r.id}/3`, `${r.id}/2`, `${r.id}/1`], next: null });
    // One deleted on the first page: an offset would skip 5; the cursor does not.
    const again = await page(u.id, "dugong", 2);
    expect(again.keys).toEqual([`${r.id}/7`, `${r.id}/6`]);
    await store.messages.revise(r.id, 6, { content: "", deletedAt: now + 300 });
    expect((await page(u.id, "dugong", 2, again.next)).keys).toEqual([`${r.id}/5`, `${r.id}/4`]);
    expect((await walk(u.id, "dugong", 2)).flat()).toEqual([7, 5, 4, 3, 2, 1].map((s) => `${r.id}/${s}`));
  });
});

describe("search cursors", () => {
  it("reads back what a page hands out, and nothing it could not have issued", () => {
    const cursor = cursorAfter({ pos: "1733456789012", seq: 42, room_id: "0b8e0f5e-5f0a-4c3e-9b4e-1c2d3e4f5a6b" });
    expect(parseCursor(cursor)).toEqual({ pos: 1733456789012, seq: 42, roomId: "0b8e0f5e-5f0a-4c3e-9b4e-1c2d3e4f5a6b" });
    const refused = ["20", "1e300", "1.2", "1.2.", "1.2.a b", "-1.2.r", "99999999999999999.1.r", "1.2147483648.r", `1.1.${"r".repeat(65)}`];
    for (const text of refused) expect(parseCursor(text), text).toBeNull();
  });
});
