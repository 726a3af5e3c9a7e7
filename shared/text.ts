// Text helpers both sides use, apart from the Markdown parser so that the web app's first
// screen can have them without loading the parser.

/** At most `max` characters, ending in "…" when cut, never mid-way through a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = Array.from(text.slice(0, max)).slice(0, -1).join("");
  return `${cut.trimEnd()}…`;
}
