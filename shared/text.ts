// Text helpers both sides use, apart from the Markdown parser so that the web app's first
// screen can have them without loading the parser.
import { EMOJI_PARTS, LONE_SURROGATE, UNSAFE_NAME_CHARS } from "./wire";

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

/** `text` without the characters a name may not contain (nameProblem in wire.ts): what a name
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
