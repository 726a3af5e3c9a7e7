// Text helpers both sides use, apart from the Markdown parser so that the web app's first
// screen can have them without loading the parser; and the rule for names (display names,
// character names, room titles), part of the wire contract.
/** Characters refused in names (display names, character names, room titles): controls, line
 * separators, bidi overrides and isolates, and invisible ones that make two names look alike:
 * zero-width, soft hyphen, blank fillers, tags (except as EMOJI_PARTS). Lone surrogates too. */
export const UNSAFE_NAME_CHARS =
  /[\p{Cc}\u00AD\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B-\u200F\u2028-\u202E\u2060-\u206F\u2800\u3164\uFEFF\uFFA0\uFFF9-\uFFFB\u{E0000}-\u{E007F}]/u;

/** Invisible parts of one emoji, which names keep: a joiner between two (👩‍💻), a flag's tags. For `replace`. */
export const EMOJI_PARTS =
  /(?<=\p{Extended_Pictographic}\uFE0F?)\u200D(?=\p{Extended_Pictographic})|(?<=\u{1F3F4}[\u{E0020}-\u{E007E}]*)[\u{E0020}-\u{E007F}]/gu;

/** A high surrogate not followed by a low one, or a low one not preceded by a high one:
 * text that is not valid UTF-16 (stored, each would become U+FFFD). */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether `text` is valid UTF-16 (String.prototype.isWellFormed, for older runtimes too). */
export function isWellFormedText(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** Why `name` cannot be a name, or null if it can. */
export function nameProblem(name: string): string | null {
  if (!isWellFormedText(name)) return "contains an invalid character (a lone surrogate)";
  if (UNSAFE_NAME_CHARS.test(name.replace(EMOJI_PARTS, ""))) return "contains control, direction-override or invisible characters";
  if (!name.trim() || /[^\p{White_Space}\p{M}\p{Cf}]/u.test(name)) return null; // blank: the length rule's to say
  return "must contain a visible character";
}

/** At most `max` characters, ending in "…" when cut, never mid-way through a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = Array.from(text.slice(0, max)).slice(0, -1).join("");
  return `${cut.trimEnd()}…`;
}

const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, "g");
const UNSAFE_NAME_CHARS_ALL = new RegExp(UNSAFE_NAME_CHARS.source, "gu");
/** A part of an emoji at `lastIndex` (a joiner, a flag's tag): names may keep it. */
const EMOJI_PART_AT = new RegExp(EMOJI_PARTS.source, "uy");

/** `text` without the characters a name may not contain (nameProblem above): what a name
 * taken from free text keeps, such as a room's title from its first message or file. */
export function withoutUnsafeNameChars(text: string): string {
  return text.replace(LONE_SURROGATES, "").replace(UNSAFE_NAME_CHARS_ALL, (ch: string, at: number, whole: string) => {
    EMOJI_PART_AT.lastIndex = at;
    return EMOJI_PART_AT.test(whole) ? ch : "";
  });
}

/** Characters that draw nothing: format characters (zero-width spaces and joiners, bidirectional
 * controls, the byte-order mark, the soft hyphen), the Hangul fillers and the Braille blank. */
const BLANK = /^[\s\p{Cf}\u115F\u1160\u3164\uFFA0\u2800]*$/u;

/** Whether `text` would show nothing at all: a message of it would be an empty bubble. */
export const isBlank = (text: string): boolean => BLANK.test(text);

/** A word a search looks for; `prefix`: it also finds the words it starts. */
export type SearchTerm = { word: string; prefix: boolean };

/** The words a search looks for (letters and digits, lowercased, at most 8). Each also finds the
 * words it starts ("plan" finds "planning"), but a single Latin letter or digit only itself:
 * the "c" of "c++" would otherwise find every word starting with c. */
export function searchTerms(q: string): SearchTerm[] {
  const words =
    q
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu)
      ?.slice(0, 8) ?? [];
  return words.map((word) => ({ word, prefix: !/^[a-z0-9]$/.test(word) }));
}

/** A size as the upload limit is said: "10 MB", "11.4 MB". */
export const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
