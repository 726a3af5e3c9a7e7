// Text helpers both sides use, apart from the Markdown parser so that the web app's first
// screen can have them without loading the parser.
import { LONE_SURROGATE, UNSAFE_NAME_CHARS } from "./wire";

/** At most `max` characters, ending in "…" when cut, never mid-way through a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = Array.from(text.slice(0, max)).slice(0, -1).join("");
  return `${cut.trimEnd()}…`;
}

const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, "g");
const UNSAFE_NAME_CHARS_ALL = new RegExp(UNSAFE_NAME_CHARS.source, "gu");
/** A zero-width joiner at `lastIndex` that joins two emoji (👩‍💻): names may keep it. */
const EMOJI_JOIN_AT = /(?<=\p{Extended_Pictographic}\uFE0F?)\u200D(?=\p{Extended_Pictographic})/uy;

/** `text` without the characters a name may not contain (nameProblem in wire.ts): what a name
 * taken from free text keeps, such as a room's title from its first message or file. */
export function withoutUnsafeNameChars(text: string): string {
  return text.replace(LONE_SURROGATES, "").replace(UNSAFE_NAME_CHARS_ALL, (ch: string, at: number, whole: string) => {
    if (ch !== "\u200D") return "";
    EMOJI_JOIN_AT.lastIndex = at;
    return EMOJI_JOIN_AT.test(whole) ? ch : "";
  });
}
