// The room's own member list (MemberList): one table for the list the Worker hands over and
// the members it vouched for since, kept across eviction, merged from the two tables rooms
// kept before, and filled from the history store only when no change raced the read. Driven
// inside a real room object.
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { chatRoom } from "./chat-room";
import { MemberList } from "./member-list";

const ann = { userId: "u-ann", username: "ann" };
const bob = { userId: "u-bob", username: "bob" };
const cat = { userId: "u-cat", username: "cat" };
const listOf = (instance: unknown) => (instance as { p: { members: MemberList } }).p.members;
const sorted = (list: { userId: string }[] | undefined) => list && [...list].sort((a, b) => a.userId.localeCompare(b.userId));

describe("a room's member list", () => {
  it("is whole once handed over, follows adds and removals, and survives eviction", async () => {
    const room = chatRoom(env, crypto.randomUUID());
    const before = await runInDurableObject(room, (instance) => {
      const list = listOf(instance);
      const unknown = { all: list.all(), count: list.count() };
      list.apply({ set: [ann, bob] });
      list.apply({ add: cat });
      list.apply({ remove: bob.userId });
      return unknown;
    });
    expect(before).toEqual({ all: undefined, count: Number.POSITIVE_INFINITY });
    await evictDurableObject(room);
    const after = await runInDurableObject(room, (instance) => {
      const list = listOf(instance);
      return { all: sorted(list.all()), count: list.count(), bob: list.has(bob.userId) };
    });
    expect(after).toEqual({ all: [ann, cat], count: 2, bob: false });
  });

  it("lets in those vouched for before the whole list is known, without calling it whole", async () => {
    const room = chatRoom(env, crypto.randomUUID());
    await runInDurableObject(room, (instance) => listOf(instance).vouch(ann));
    await evictDurableObject(room);
    const seen = await runInDurableObject(room, (instance) => {
      const list = listOf(instance);
      return { ann: list.has(ann.userId), bob: list.has(bob.userId), all: list.all() };
    });
    expect(seen).toEqual({ ann: true, bob: false, all: undefined });
  });

  it("keeps a list read from the store unless the list changed during the read", async () => {
    const kept = await runInDurableObject(chatRoom(env, crypto.randomUUID()), (instance) => {
      const list = listOf(instance);
      const raced = list.version;
      list.vouch(cat);
      const first = list.fill([ann, bob], raced);
      const second = list.fill([ann, bob, cat], list.version);
      return { first, second, all: sorted(list.all()) };
    });
    expect(kept).toEqual({ first: false, second: true, all: [ann, bob, cat] });
  });

  it("merges the two tables rooms kept before: the handed-over list and the members seen", async () => {
    const merged = await runInDurableObject(chatRoom(env, crypto.randomUUID()), (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE members");
      sql.exec("CREATE TABLE member_list (user_id TEXT PRIMARY KEY, username TEXT NOT NULL)");
      sql.exec("CREATE TABLE known (user_id TEXT PRIMARY KEY)");
      sql.exec("INSERT INTO member_list VALUES (?, ?), (?, ?)", ann.userId, ann.username, bob.userId, bob.username);
      sql.exec("INSERT INTO known VALUES (?), (?)", bob.userId, cat.userId);
      sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('members_loaded', '1')");
      const list = new MemberList(sql);
      const tables = sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('member_list', 'known')")
        .toArray();
      return { all: sorted(list.all()), tables: tables.length };
    });
    expect(merged).toEqual({ all: [ann, bob, { userId: cat.userId, username: "" }], tables: 0 });
  });
});
