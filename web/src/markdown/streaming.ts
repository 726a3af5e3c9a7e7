// Half-written Markdown, as an AI reply looks mid-stream, made to render the way it will once
// finished, so the bubble does not flicker between raw syntax and formatting as text arrives:
// an opened `**`, `~~` or backtick is closed for now, a link whose URL is still arriving shows
// its words, and a last line that is only the start of syntax (a bullet, `#`, a table row
// before its `|---|` line) waits for the next chunk. An unclosed code fence already renders
// as code to the end of the text, which is what it will be.

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
/** A last line that is only the beginning of some syntax, so far. */
const PARTIAL_LINE = /^\s*([-*+=#>|`~_]+|\d{1,9}[.)]?)\s*$/;
const TABLE_ROW = /^\s*\|/;
const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-*:?\s*)*\|?\s*$/;

/** Whether the text ends inside an unclosed fenced code block. */
function inFence(lines: string[]): boolean {
  let open: string | null = null;
  for (const line of lines) {
    const m = FENCE.exec(line);
    if (!m) continue;
    const marker = m[1] as string;
    if (open === null) open = marker;
    else if (marker[0] === open[0] && marker.length >= open.length && line.trim() === marker) open = null;
  }
  return open !== null;
}

/** Table rows at the end with no delimiter row under the first yet would show as raw `| a |`. */
function dropHeaderlessRows(lines: string[]): string[] {
  let start = lines.length;
  while (start > 0 && TABLE_ROW.test(lines[start - 1] as string)) start--;
  if (start === lines.length) return lines;
  const rows = lines.slice(start);
  return rows.length >= 2 && TABLE_DELIMITER.test(rows[1] as string) ? lines : lines.slice(0, start);
}

/** Closes the inline syntax the last paragraph has opened but not yet closed. */
function closeInline(para: string): string {
  let text = para;
  // A link whose destination is still arriving: its words alone for now.
  text = text.replace(/!?\[([^\]\n]*)\]\([^)\s]*$/, "$1").replace(/!?\[([^\]\n]*)$/, "$1");
  const ticks = (text.match(/`/g) ?? []).length;
  if (ticks % 2 === 1) return `${text}\``;
  let suffix = "";
  for (const marker of ["~~", "**", "__"]) {
    if ((text.split(marker).length - 1) % 2 === 0) continue;
    // An opener with nothing after it yet goes; one with words after it is closed for now.
    if (text.endsWith(marker)) text = text.slice(0, -marker.length);
    else suffix = marker + suffix;
  }
  // A single `*` or `_` just typed after a space is an opener, not yet anything.
  text = text.replace(/(^|\s)[*_]$/, "$1");
  // A closer after a space closes nothing ("**a **" stays raw): it goes right after the words.
  return suffix ? text.trimEnd() + suffix : text;
}

export function stabilize(src: string): string {
  const lines = src.split("\n");
  if (inFence(lines)) return src;
  const last = lines[lines.length - 1] ?? "";
  if (PARTIAL_LINE.test(last)) lines.pop();
  const kept = dropHeaderlessRows(lines);
  const para = kept.pop() ?? "";
  return [...kept, closeInline(para)].join("\n");
}
