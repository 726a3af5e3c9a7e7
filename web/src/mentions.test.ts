// What the composer's @mention list offers and what picking puts in the box.
import { createRoot, createSignal } from "solid-js";
import { describe, expect, it } from "vitest";
import type { Member, OnlineUser, RoomCharacter } from "../../shared/wire";
import { applyMention, createRoomPeople, type Mentionable, mentionAt, mentionables, mentionMatches } from "./mentions";

const ada: Mentionable = { kind: "ai", id: "c1", insert: "Ada Lovelace", name: "Ada Lovelace" };
const adam: Mentionable = { kind: "user", id: "u1", insert: "adam_k", name: "Adam Kowalski" };
const bea: Mentionable = { kind: "user", id: "u2", insert: "bea", name: "Beatrice Ada Smith" };
const all = [bea, adam, ada];

describe("mentionAt", () => {
  it("finds the @ that starts a word, up to the caret", () => {
    expect(mentionAt("hi @ad", 6)).toEqual({ start: 3, end: 6, query: "ad" });
    expect(mentionAt("@", 1)).toEqual({ start: 0, end: 1, query: "" });
    expect(mentionAt("(@Ada Lo", 8)).toEqual({ start: 1, end: 8, query: "Ada Lo" });
    expect(mentionAt("hi @ad and more", 6)?.query).toBe("ad");
  });

  it("ignores addresses, other lines, a space after the @ and long runs", () => {
    expect(mentionAt("mail me@host", 12)).toBeNull();
    expect(mentionAt("@@ad", 4)).toBeNull();
    expect(mentionAt("@ad\nnext", 8)).toBeNull();
    expect(mentionAt("@ hello", 7)).toBeNull();
    expect(mentionAt("no mention", 10)).toBeNull();
    expect(mentionAt(`@${"x".repeat(42)}`, 43)).toBeNull();
  });
});

describe("mentionMatches", () => {
  it("ranks the @ text, then the name, then a word of the name", () => {
    expect(mentionMatches(all, "ad")).toEqual([ada, adam, bea]);
    expect(mentionMatches(all, "ADA L")).toEqual([ada]);
    expect(mentionMatches(all, "")).toEqual([ada, adam, bea]);
    expect(mentionMatches(all, "zed")).toEqual([]);
    expect(mentionMatches(all, "", 2)).toHaveLength(2);
  });

  it("offers the AI first among equals, however many people, and finds names without their accents", () => {
    const many: Mentionable[] = Array.from({ length: 12 }, (_, i) => ({ kind: "user", id: `p${i}`, insert: `p${i}`, name: `Person ${i}` }));
    const zephyr: Mentionable = { kind: "ai", id: "c9", insert: "Zephyr Wise", name: "Zephyr Wise" };
    expect(mentionMatches([...many, zephyr], "")[0]).toBe(zephyr);
    const zoe: Mentionable = { kind: "user", id: "u5", insert: "zoe_n", name: "Zoë Núñez" };
    expect(mentionMatches([zoe], "nunez")).toEqual([zoe]);
    expect(mentionMatches([zoe], "ZOË")).toEqual([zoe]);
  });

  it("closes after a picked username whose name starts with it, so Enter sends", () => {
    const kim: Mentionable = { kind: "user", id: "u6", insert: "kim86260", name: "Kim86260 Park" };
    expect(mentionMatches([kim], "kim86260 ")).toEqual([]);
    // A two-word name is still being typed.
    expect(mentionMatches([ada], "ada ")).toEqual([ada]);
  });

  it("closes once the query is a whole mention nothing longer starts with", () => {
    expect(mentionMatches(all, "bea")).toEqual([]);
    expect(mentionMatches(all, "ada lovelace")).toEqual([]);
    expect(mentionMatches(all, "adam")).toEqual([adam]);
    // A whole @ text comes first, so Enter keeps what was typed rather than a longer name.
    const al: Mentionable = { kind: "user", id: "u3", insert: "al", name: "Zed" };
    const alice: Mentionable = { kind: "user", id: "u4", insert: "alice", name: "Alice" };
    expect(mentionMatches([alice, al], "al")).toEqual([al, alice]);
  });
});

describe("applyMention", () => {
  it("replaces the query with the pick and one space, and puts the caret after it", () => {
    const text = "hey @ad what";
    const at = mentionAt(text, 7);
    expect(at).not.toBeNull();
    if (!at) return;
    expect(applyMention(text, at, ada)).toEqual({ text: "hey @Ada Lovelace what", caret: 18 });
    expect(applyMention("@b", { start: 0, end: 2, query: "b" }, bea)).toEqual({ text: "@bea ", caret: 5 });
  });
});

describe("mentionables", () => {
  const member = (id: string, username: string, displayName: string): Member => ({
    user: { id, username, displayName, createdAt: "2026-01-01T00:00:00.000Z" },
    role: "member",
    joinedAt: "2026-01-01T00:00:00.000Z",
    lastReadSeq: 0,
  });
  const character: RoomCharacter = { id: "c1", name: "Ada Lovelace", description: "", avatar: "🧮", builtIn: false };

  it("offers the character first and everyone but me", () => {
    const members = [member("me", "me_myself", "Me"), member("u1", "adam_k", "Adam Kowalski")];
    expect(mentionables(members, "me", character)).toEqual([{ ...ada, emoji: "🧮" }, { ...adam }]);
    expect(mentionables(members, "me", undefined)).toEqual([adam]);
    // Someone who joined while the room was open, once online; nobody twice.
    const online = [
      { id: "u1", username: "adam_k", displayName: "Adam Kowalski" },
      { id: "u9", username: "newcomer", displayName: "New Comer" },
    ];
    expect(mentionables(members, "me", undefined, online).map((m) => m.insert)).toEqual(["adam_k", "newcomer"]);
  });

  it("names people as they are now: a name changed while the room was open, kept after they leave", () => {
    createRoot((dispose) => {
      const [online, setOnline] = createSignal<OnlineUser[]>([]);
      const members = [member("u1", "adam_k", "Adam Kowalski")];
      const people = createRoomPeople(
        () => members,
        () => ({ id: "me", username: "me_myself" }),
        () => character,
        online,
      );
      expect([people.nameOf("u1"), people.nameOf("c1"), people.nameOf("nobody")]).toEqual(["Adam Kowalski", "Ada Lovelace", undefined]);
      setOnline([{ id: "u1", username: "adam_k", displayName: "Adam K." }]);
      expect(people.nameOf("u1")).toBe("Adam K.");
      setOnline([]);
      expect(people.nameOf("u1")).toBe("Adam K.");
      expect(people.mentioned().map((m) => m.name)).toEqual(["Ada Lovelace", "Adam K."]);
      dispose();
    });
  });
});
