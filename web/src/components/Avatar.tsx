// A round avatar: initials on a colour derived from the person's id (stable across sessions
// and clients); for an AI character its own avatar (an emoji, or initials of a text one) or a
// sparkle. Decorative: names
// are always shown beside it.
import { Show } from "solid-js";
import { Icon } from "./Icon";

export function hue(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h % 360;
}

/** What may stand for a word: a letter, a digit or an emoji (not "@" or "#" before a name). */
const MARK = /[\p{L}\p{N}]|\p{Extended_Pictographic}/u;

export function initials(name: string): string {
  // By code point, so an emoji is never cut in half; a word of symbols alone counts for nothing.
  const words = name.split(/[\s_.-]+/).map((w) => Array.from(w).filter((c) => MARK.test(c)));
  const marked = words.filter((w) => w.length > 0);
  const letters = marked.length > 1 ? (marked[0]?.[0] ?? "") + (marked[1]?.[0] ?? "") : (marked[0] ?? []).slice(0, 2).join("");
  return letters.toUpperCase() || "?";
}

const graphemes = (text: string) => Array.from(new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text), (g) => g.segment);

/** What a character's avatar shows in its circle: its first emoji whole, or, for text (the API
 * takes "short text" too), initials as a person's (a word or two would spill out of it). */
export function face(avatar: string): string {
  const first = graphemes(avatar.trim())[0] ?? "";
  return /\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(first) ? first : initials(avatar);
}

export function Avatar(props: { id: string; name: string; ai?: boolean; emoji?: string | null; size?: number; ring?: boolean }) {
  const size = () => props.size ?? 32;
  return (
    <span
      class="avatar"
      classList={{ "avatar-ai": props.ai, "avatar-ring": props.ring }}
      style={{ "--h": String(hue(props.id)), "--size": `${size()}px` }}
      aria-hidden="true"
    >
      <Show when={props.ai} fallback={initials(props.name)}>
        <Show when={props.emoji} fallback={<Icon name="sparkles" />}>
          <span class="avatar-emoji">{face(props.emoji ?? "")}</span>
        </Show>
      </Show>
    </span>
  );
}
