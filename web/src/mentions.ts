// Mentions as the composer completes them. A person is mentioned by their @username (what
// their notification looks for), a room's AI character by its whole name (what wakes it in a
// room whose AI answers only when mentioned). The mention being typed runs from an `@` that
// starts a word up to the caret, on one line; a character's name may hold spaces, so the
// query may too.
import { createContext, createMemo } from "solid-js";
import type { Member, OnlineUser, RoomCharacter } from "../../shared/wire";

export type Mentionable = {
  kind: "user" | "ai";
  /** Whose avatar to show. */
  id: string;
  /** What follows the `@` once picked: the username, or the character's name. */
  insert: string;
  /** What people read: the display name, or the character's name. */
  name: string;
  /** The character's own avatar, if it has one. */
  emoji?: string | null;
};

export type MentionQuery = { start: number; end: number; query: string };

/** Longer than any username or character name: past it nobody is still typing a mention. */
const MAX_QUERY = 41;

export function mentionAt(text: string, caret: number): MentionQuery | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf("@");
  if (at < 0) return null;
  if (at > 0 && /[\p{L}\p{N}_@.]/u.test(before[at - 1] ?? "")) return null; // mail@host, @@
  const query = before.slice(at + 1);
  if (query.length > MAX_QUERY || /[\n\r@]/.test(query) || /^\s/.test(query)) return null;
  return { start: at, end: caret, query };
}

/** Lowercase, without accents: "Zoë Núñez" is found by "zoe nunez". */
const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

/** Who the query could mean, best first: the one whose `@` text it is, those whose `@` text
 * starts with it, then whose name does, then whose name has a word that does; among equals the
 * AI character first (what a room that answers mentions is there for), then by name. None when
 * the query is already a whole mention, alone or followed by a space, so Enter then sends
 * instead of picking what is typed. */
export function mentionMatches(all: readonly Mentionable[], query: string, limit = 6): Mentionable[] {
  const q = fold(query);
  if (q !== q.trimEnd() && all.some((m) => fold(m.insert) === q.trimEnd())) return [];
  const rank = (m: Mentionable): number => {
    const insert = fold(m.insert);
    if (insert === q) return 0;
    if (insert.startsWith(q)) return 1;
    const name = fold(m.name);
    if (name.startsWith(q)) return 2;
    return name.split(/\s+/).some((word) => word.startsWith(q)) ? 3 : -1;
  };
  const ranked = all
    .map((m) => ({ m, r: rank(m) }))
    .filter((x) => x.r >= 0)
    .sort((a, b) => a.r - b.r || Number(b.m.kind === "ai") - Number(a.m.kind === "ai") || a.m.name.localeCompare(b.m.name))
    .slice(0, limit)
    .map((x) => x.m);
  const exact = ranked.length === 1 && fold(ranked[0]?.insert ?? "") === q;
  return exact ? [] : ranked;
}

/** The text with the query replaced by the pick and a space, and where the caret goes. */
export function applyMention(text: string, at: MentionQuery, pick: Mentionable): { text: string; caret: number } {
  const inserted = `@${pick.insert} `;
  const rest = text.slice(at.end).replace(/^ /, "");
  return { text: text.slice(0, at.start) + inserted + rest, caret: at.start + inserted.length };
}

/** Whom a room's composer offers: its character first, then the other members, as fetched
 * with the room and as they come online since (someone who joined while it was open). Who is
 * online carries their current name; the member list, the one they had when it was fetched. */
export function mentionables(
  members: readonly Member[],
  myId: string | undefined,
  character: RoomCharacter | undefined,
  online: readonly OnlineUser[] = [],
): Mentionable[] {
  const people = new Map<string, Mentionable>();
  // A later entry replaces an earlier one in its place: the order stays the members'.
  for (const u of [...members.map((m) => m.user), ...online])
    if (u.id !== myId) people.set(u.id, { kind: "user", id: u.id, insert: u.username, name: u.displayName });
  const ai: Mentionable[] = character
    ? [{ kind: "ai", id: character.id, insert: character.name, name: character.name, emoji: character.avatar }]
    : [];
  return [...ai, ...people.values()];
}

/** How a room's messages show mentions: `pattern` finds `@name` of anyone the room knows
 * (group 1 what precedes it, group 2 the name); `me` is your username, lowercased. */
export type MentionStyle = { pattern: RegExp; me?: string; key: string };

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The style for these names (longest first, so a two-word name wins over its first word);
 * undefined when there is nobody to mention. */
export function mentionStyle(names: readonly string[], me?: string): MentionStyle | undefined {
  const all = [...new Set([...names, ...(me ? [me] : [])])].sort((a, b) => b.length - a.length);
  if (!all.length) return undefined;
  const pattern = new RegExp(`(^|[^\\p{L}\\p{N}_@.])@(${all.map(literal).join("|")})(?![\\p{L}\\p{N}_])`, "giu");
  return { pattern, me: me?.toLowerCase(), key: pattern.source };
}

/** The open room's people, for the messages in it (none elsewhere): how mentions show, the
 * current name of whoever `id` is (people change theirs; a message keeps the one it was sent
 * with, shown when the room does not know them), and the character's avatar. */
export type RoomPeople = {
  style: () => MentionStyle | undefined;
  nameOf: (id: string) => string | undefined;
  /** A person's current name by username, and yours (for "you"). */
  nameOfUser?: (username: string) => string | undefined;
  me?: () => string | undefined;
  avatarOf: (id: string) => string | null | undefined;
};
export const RoomPeople = createContext<RoomPeople>();

/** An open room's people: its members as fetched and everyone seen online here since it
 * opened (someone who joined meanwhile stays after leaving; who is online now, as they are
 * now), and its character. */
export function createRoomPeople(
  members: () => readonly Member[],
  me: () => Pick<OnlineUser, "id" | "username"> | null | undefined,
  character: () => RoomCharacter | undefined,
  online: () => readonly OnlineUser[],
): RoomPeople & { mentioned: () => Mentionable[] } {
  const seen = createMemo<readonly OnlineUser[]>((was) => {
    const now = online();
    const news = now.some((u) => !was.some((w) => w.id === u.id && w.displayName === u.displayName));
    return news ? [...now, ...was.filter((w) => !now.some((u) => u.id === w.id))] : was;
  }, []);
  const mentioned = createMemo(() => mentionables(members(), me()?.id, character(), seen()));
  const byId = createMemo(() => new Map(mentioned().map((m) => [m.id, m])));
  const style = createMentionStyle(
    () => mentioned().map((m) => m.insert),
    () => me()?.username,
  );
  const byUsername = createMemo(() => new Map(mentioned().flatMap((m) => (m.kind === "user" ? [[m.insert, m.name] as const] : []))));
  return {
    mentioned,
    style,
    nameOf: (id) => byId().get(id)?.name,
    avatarOf: (id) => byId().get(id)?.emoji,
    nameOfUser: (username) => byUsername().get(username),
    me: () => me()?.username,
  };
}

/** mentionStyle() of what `names` and `me` give, kept while they name the same people: a
 * refreshed session (a new `me` object, the same username) re-renders no message. */
export function createMentionStyle(names: () => readonly string[], me: () => string | undefined) {
  return createMemo(() => mentionStyle(names(), me()), undefined, { equals: (a, b) => a?.key === b?.key && a?.me === b?.me });
}

/** Whether `content` names @username (as a word, not inside an address). */
export function mentions(content: string, username: string): boolean {
  const escaped = username.replace(/[^a-z0-9_]/gi, "");
  return new RegExp(`(?:^|[^\\w@])@${escaped}(?![\\w])`, "i").test(content);
}
