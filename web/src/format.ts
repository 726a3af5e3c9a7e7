// Small display helpers shared by screens: times, names, and previews of messages as the plain
// text a reader sees (Markdown syntax gone, other characters kept). The Markdown parser is not
// in the first screen's bundle: the sidebar loads it (loadPlainText) alongside its first
// request for rooms, and previews show once it is there.
import { createSignal } from "solid-js";
import { searchTerms, truncate } from "../../shared/text";
import { type AiMode, type Member, type Message, type Room, type RoomListItem, USERNAME_PATTERN } from "../../shared/wire";

const minute = 60_000;
const day = 24 * 60 * minute;

/** "now", "5m", "3h", "Tue", "12 Mar": compact enough for the room list. */
export function shortTime(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "";
  const d = now - t;
  if (d < minute) return "now";
  if (d < 60 * minute) return `${Math.floor(d / minute)}m`;
  if (d < day && new Date(t).getDate() === new Date(now).getDate()) return `${Math.floor(d / (60 * minute))}h`;
  if (d < 6 * day) return new Date(t).toLocaleDateString(undefined, { weekday: "short" });
  return new Date(t).toLocaleDateString(undefined, { day: "numeric", month: "short" });
}

// One formatter each, made once: toLocale*String builds a new one per call, which adds up when
// a window of a hundred messages renders.
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/** "14:05" for a message timestamp. */
export function clockTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? "" : clockFormat.format(t);
}

/** When something waiting tries again: in seconds within the minute, else at a clock time. */
export function retryWhen(iso: string, now: number): string {
  const ms = Date.parse(iso) - now;
  if (Number.isNaN(ms)) return "";
  if (ms < 1000) return "Trying again now…";
  return ms < 60_000 ? `Trying again in ${Math.ceil(ms / 1000)} s.` : `Trying again at ${clockTime(iso)}.`;
}

/** A number that differs between local calendar days, cheap enough to compare per row. */
export function dayKey(iso: string): number {
  const d = new Date(iso);
  return d.getFullYear() * 10_000 + d.getMonth() * 100 + d.getDate();
}

/** "Today", "Yesterday" or a date, for day separators in the log. */
export function dayLabel(iso: string, now = new Date()): string {
  const t = new Date(iso);
  const start = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const diff = Math.round((start(now) - start(t)) / day);
  if (diff === 0) return "Today";
  if (diff === 1) return "Yesterday";
  return t.toLocaleDateString(undefined, {
    weekday: "long",
    day: "numeric",
    month: "long",
    year: t.getFullYear() === now.getFullYear() ? undefined : "numeric",
  });
}

const [toPlain, setToPlain] = createSignal<((markdown: string) => string) | null>(null);
let loading: Promise<void> | undefined;
const cache = new Map<string, string>();

/** Loads the Markdown parser for previews (once); previews re-render when it arrives. */
export function loadPlainText(): Promise<void> {
  loading ??= import("../../shared/markdown").then(
    (m) => void setToPlain(() => m.plainText),
    () => {
      loading = undefined;
    },
  );
  return loading;
}

/** The text a reader sees in a message, on one line; before the parser is loaded, the raw
 * text with its whitespace collapsed. */
export function plainOf(markdown: string): string {
  const parse = toPlain();
  if (!parse) return markdown.replace(/\s+/g, " ").trim();
  let plain = cache.get(markdown);
  if (plain === undefined) {
    plain = parse(markdown);
    // Previews are re-read on every list refresh; a bounded memo keeps that cheap.
    if (cache.size > 500) cache.clear();
    cache.set(markdown, plain);
  }
  return plain;
}

/** One line of plain text from Markdown, for previews. */
export function plainPreview(text: string, max = 90): string {
  return truncate(plainOf(text), max);
}

export type Snippet = { text: string; match: boolean }[];

/** The part of a message around the first word matching the search (matched the way the
 * server's search does: words starting with a query word), split so the matches can be marked. */
export function searchSnippet(markdown: string, query: string, max = 120): Snippet {
  const terms = searchTerms(query);
  const plain = plainOf(markdown);
  if (terms.length === 0) return [{ text: truncate(plain, max), match: false }];
  // Query words are letters and digits only, so they need no escaping in a pattern.
  const words = terms.map((t) => `${t.word}${t.prefix ? "[\\p{L}\\p{N}]*" : "(?![\\p{L}\\p{N}])"}`);
  const re = new RegExp(`(?<![\\p{L}\\p{N}])(?:${words.join("|")})`, "giu");
  const hit = re.exec(plain);
  const first = hit?.index ?? 0;
  // A match the first two lines of a hit show (about 60 characters, after the author's name)
  // keeps the message's start. Further in, start a little before it, at a word boundary, so it
  // is not at the very edge; a long token before it (an address, code) is cut instead, or it
  // would push the match out.
  const keep = first + (hit?.[0].length ?? 0) <= 60;
  const space = first > 30 ? plain.lastIndexOf(" ", first - 30) + 1 : 0;
  let start = keep ? 0 : first - space > 50 ? first - 30 : space;
  if (/[\uDC00-\uDFFF]/.test(plain[start] ?? "")) start++;
  const text = `${start > 0 ? "…" : ""}${truncate(plain.slice(start), max)}`;
  const out: Snippet = [];
  let at = 0;
  re.lastIndex = 0; // matchAll starts where the exec above left off
  for (const m of text.matchAll(re)) {
    if (m.index > at) out.push({ text: text.slice(at, m.index), match: false });
    out.push({ text: m[0], match: true });
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push({ text: text.slice(at), match: false });
  return out;
}

export function previewLine(m: Message | null, myId: string | undefined, myUsername?: string, peerId?: string): string {
  if (!m) return "No messages yet";
  const who = m.author.kind !== "ai" && m.author.id === myId ? "You" : m.author.name;
  // A change to the room reads as a sentence: "You renamed the room to …", "Ann added you".
  if (m.author.kind === "system") return `${who} ${noticeText(m.content, myUsername)}`;
  // A reply with no words (yet): what is happening, not "Assistant: …" or "Assistant:".
  const wordless = !m.deletedAt && !plainOf(m.content) && !m.attachments?.length;
  if (wordless && m.status !== "complete")
    return `${who} ${{ streaming: "is writing…", error: "couldn't reply", stopped: "stopped" }[m.status]}`;
  // A direct chat is called after the other person: their words need no name before them.
  return m.author.kind === "user" && m.author.id === peerId ? previewOf(m) : `${who}: ${previewOf(m)}`;
}

/** A room notice's words for its reader: the member "added @username", "removed @username" or
 * "left the room; @username owns it now" names is "you" to that member and, where `nameOf` knows them, their current name to others
 * (only there: a room's title may hold an @ of its own). */
export function noticeText(content: string, me?: string, nameOf?: (username: string) => string | undefined): string {
  const named = (username: string) => (username === me ? "you" : (nameOf?.(username) ?? `@${username}`));
  // An owner who left: "left the room; @bo owns it now".
  const heir = /^left the room; @(\S+) owns it now$/.exec(content)?.[1];
  if (heir !== undefined && USERNAME_PATTERN.test(heir)) return `left the room; ${named(heir)} ${heir === me ? "own" : "owns"} it now`;
  const [change, username = "", rest] = content.split(" @");
  if ((change !== "added" && change !== "removed") || rest !== undefined || !USERNAME_PATTERN.test(username)) return content;
  return `${change} ${named(username)}`;
}

/** What a room row says of its last message: never blank for one that is there. */
function previewOf(m: Message): string {
  if (m.deletedAt) return "Message deleted";
  const text = plainPreview(m.content);
  if (text) return text;
  const files = m.attachments ?? [];
  if (files.length > 0) return files.length === 1 ? (files[0]?.name ?? "1 file") : `${files.length} files`;
  return m.status === "streaming" ? "…" : "";
}

/** In a direct chat (two people, no title, no AI character), the other person. */
export function peerAmong(room: Pick<Room, "title" | "characterId"> | undefined, members: readonly Member[] = [], myId?: string) {
  const others = members.filter((m) => m.user.id !== myId);
  return room && !room.title && !room.characterId && others.length === 1 ? others[0]?.user : undefined;
}

const BROWSERS: [RegExp, string][] = [
  [/Edg\//, "Edge"],
  [/OPR\/|Opera/, "Opera"],
  [/Firefox\//, "Firefox"],
  [/Chrom(e|ium)\//, "Chrome"],
  [/Safari\//, "Safari"],
];
const SYSTEMS: [RegExp, string][] = [
  [/iPhone|iPad|iPod/, "iOS"],
  [/Android/, "Android"],
  [/CrOS/, "ChromeOS"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/Windows/, "Windows"],
  [/Linux/, "Linux"],
];

/** "Chrome on macOS", from the User-Agent a session signed in with. */
export function deviceLabel(agent: string | null): string {
  if (!agent) return "Unknown device";
  const [browser, os] = [BROWSERS, SYSTEMS].map((known) => known.find(([re]) => re.test(agent))?.[1]);
  return browser && os ? `${browser} on ${os}` : (browser ?? os ?? agent.slice(0, 40));
}

/** A room's name: its title, or in a direct chat the other person's name (`peer`). */
export const roomTitle = (r: (Pick<Room, "title"> & Pick<RoomListItem, "peer">) | null | undefined) =>
  r?.title?.trim() || r?.peer?.displayName || "Untitled room";

/** What an empty room suggests doing first, as its AI (if any) answers: to every message, to
 * its name, or not at all; a room of one with no AI says where to bring someone in. */
export function roomIntro(character: string | undefined, aiMode: AiMode | undefined, people = 2): string {
  const replies = "Replies stream in as they are written, and everyone here sees them.";
  if (character && aiMode === "mention") return `Mention @${character} to ask it anything. ${replies}`;
  if (character && aiMode !== "off") return `Ask ${character} anything. ${replies}`;
  if (people <= 1) return "It's just you here so far. Invite people, or give the room an AI character, in Room settings (the gear above).";
  return "Say hello. Everyone in the room sees messages the moment they are sent.";
}

/** The composer's hint, longest first (the first that fits is shown). `people`: the room's
 * members; in a group, a message goes to everyone, not to the AI alone. */
export function composerPlaceholders(character: string | undefined, aiMode: AiMode | undefined, title: string, people = 1): string[] {
  if (character && aiMode === "mention") {
    const at = `@${character}`;
    return [`Message the room, or ${at} for the AI`, `Message, or ${at} for the AI`, `${at} to ask the AI`, "Write a message"];
  }
  if (character && aiMode !== "off" && people <= 1) return [`Message ${character}`, "Write a message"];
  return title.length <= 24 ? [`Message ${title}`, "Write a message"] : ["Write a message"];
}
