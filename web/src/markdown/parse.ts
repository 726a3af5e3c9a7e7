// A small Markdown parser for chat messages: paragraphs, headings, code fences, lists,
// quotes, rules, inline code, bold/italic/strikethrough and links. It produces a tree, never
// HTML, so message text can only ever reach the page as text nodes (see render.ts). An
// unclosed fence runs to the end, which is what an AI reply looks like mid-stream.

export type Inline =
  | { t: "text"; v: string }
  | { t: "code"; v: string }
  | { t: "strong" | "em" | "del"; c: Inline[] }
  | { t: "link"; href: string; c: Inline[] }
  | { t: "br" };

export type Block =
  | { t: "p"; c: Inline[] }
  | { t: "h"; level: number; c: Inline[] }
  | { t: "code"; lang: string; v: string }
  | { t: "list"; ordered: boolean; start: number; items: Block[][] }
  | { t: "quote"; c: Block[] }
  | { t: "hr" };

const FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*([^\s`]*)/;
const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$/;
const RULE = /^ {0,3}([-*_])([ \t]*\1){2,}[ \t]*$/;
const ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])([ \t]+|$)(.*)$/;
const QUOTE = /^ {0,3}> ?(.*)$/;

/** Only absolute http(s) URLs become links; anything else (javascript:, data:, relative) stays text. */
export function safeHref(raw: string): string | null {
  try {
    const u = new URL(raw.trim());
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

function startsBlock(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || ITEM.test(line);
}

export function parseBlocks(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, "\n").split("\n");
  const out: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (!line.trim()) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1] as string;
      const body: string[] = [];
      i++;
      while (i < lines.length) {
        const l = lines[i] as string;
        const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(l);
        if (close && close[1]?.[0] === marker[0] && (close[1]?.length ?? 0) >= marker.length) break;
        body.push(l);
        i++;
      }
      i++;
      out.push({ t: "code", lang: (fence[2] ?? "").toLowerCase(), v: body.join("\n") });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      out.push({ t: "h", level: heading[1]?.length ?? 1, c: parseInline(heading[2] ?? "") });
      i++;
      continue;
    }
    if (RULE.test(line)) {
      out.push({ t: "hr" });
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const body: string[] = [];
      for (let m = QUOTE.exec(line); m; m = QUOTE.exec(lines[++i] ?? "")) body.push(m[1] ?? "");
      out.push({ t: "quote", c: parseBlocks(body.join("\n")) });
      continue;
    }
    const item = ITEM.exec(line);
    if (item) {
      i = parseList(lines, i, out);
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && (lines[i] as string).trim() && (para.length === 0 || !startsBlock(lines[i] as string))) {
      para.push((lines[i] as string).trim());
      i++;
    }
    out.push({ t: "p", c: parseInline(para.join("\n")) });
  }
  return out;
}

/** Parses the list starting at lines[i] into out; returns the index after it. */
function parseList(lines: string[], i: number, out: Block[]): number {
  const first = ITEM.exec(lines[i] as string) as RegExpExecArray;
  const ordered = /\d/.test(first[2] as string);
  const start = ordered ? Number.parseInt(first[2] as string, 10) : 1;
  const items: Block[][] = [];
  while (i < lines.length) {
    const m = ITEM.exec(lines[i] as string);
    if (!m || /\d/.test(m[2] as string) !== ordered) break;
    const indent = (m[1]?.length ?? 0) + (m[2]?.length ?? 0) + Math.max(1, m[3]?.length ?? 1);
    const body = [m[4] ?? ""];
    i++;
    while (i < lines.length) {
      const l = lines[i] as string;
      const lead = l.length - l.trimStart().length;
      if (!l.trim()) {
        // A blank line continues the item only if indented content follows it.
        const next = lines[i + 1];
        if (next?.trim() && next.length - next.trimStart().length >= indent) {
          body.push("");
          i++;
          continue;
        }
        break;
      }
      if (lead >= Math.min(indent, 4)) body.push(l.slice(Math.min(lead, indent)));
      else if (!startsBlock(l) && body[body.length - 1]?.trim()) body.push(l.trim());
      else break;
      i++;
    }
    items.push(parseBlocks(body.join("\n")));
    // Blank lines between items keep the list going.
    while (i < lines.length && !(lines[i] as string).trim() && ITEM.test(lines[i + 1] ?? "")) i++;
  }
  out.push({ t: "list", ordered, start, items });
  return i;
}

const URL_RE = /^https?:\/\/[^\s<>"'`]*[^\s<>"'`.,:;!?)\]]/i;

export function parseInline(src: string): Inline[] {
  const out: Inline[] = [];
  let text = "";
  const flush = () => {
    if (text) out.push({ t: "text", v: text });
    text = "";
  };
  let i = 0;
  while (i < src.length) {
    const ch = src[i] as string;
    const rest = src.slice(i);

    if (ch === "\\" && i + 1 < src.length && /[\\`*_~[\]()#>+\-.!]/.test(src[i + 1] as string)) {
      text += src[i + 1];
      i += 2;
      continue;
    }
    if (ch === "\n") {
      flush();
      out.push({ t: "br" });
      i++;
      continue;
    }
    if (ch === "`") {
      const run = /^`+/.exec(rest)?.[0] as string;
      const end = src.indexOf(run, i + run.length);
      if (end > 0) {
        flush();
        let v = src.slice(i + run.length, end);
        if (/^ .* $/.test(v)) v = v.slice(1, -1);
        out.push({ t: "code", v });
        i = end + run.length;
        continue;
      }
      text += run;
      i += run.length;
      continue;
    }
    const delim = /^(\*\*|__|~~|\*|_)/.exec(rest)?.[1];
    if (delim) {
      // Intraword underscores (snake_case) are not emphasis.
      const intraword = delim[0] === "_" && /\w/.test(src[i - 1] ?? "");
      const close = intraword ? -1 : findClose(src, delim, i + delim.length);
      if (close > 0) {
        flush();
        const kind = delim === "~~" ? "del" : delim.length === 2 ? "strong" : "em";
        out.push({ t: kind, c: parseInline(src.slice(i + delim.length, close)) });
        i = close + delim.length;
        continue;
      }
      text += delim;
      i += delim.length;
      continue;
    }
    if (ch === "[") {
      const m = /^\[([^\]\n]+)\]\(\s*<?([^\s)>]+)>?(?:\s+"[^"]*")?\s*\)/.exec(rest);
      const href = m ? safeHref(m[2] as string) : null;
      if (m && href) {
        flush();
        out.push({ t: "link", href, c: parseInline(m[1] as string) });
        i += m[0].length;
        continue;
      }
    }
    if ((ch === "h" || ch === "H") && !/\w/.test(src[i - 1] ?? "")) {
      const m = URL_RE.exec(rest);
      const href = m ? safeHref(m[0]) : null;
      if (m && href) {
        flush();
        out.push({ t: "link", href, c: [{ t: "text", v: m[0] }] });
        i += m[0].length;
        continue;
      }
    }
    text += ch;
    i++;
  }
  flush();
  return out;
}

/** Where the closing delimiter is: not directly after the opener, not preceded by a space. */
function findClose(src: string, delim: string, from: number): number {
  if (/\s/.test(src[from] ?? " ")) return -1;
  let j = from;
  while ((j = src.indexOf(delim, j + 1)) > 0) {
    if (/\s/.test(src[j - 1] as string)) continue;
    // `**` must not be mistaken for the end of a single `*`.
    if (delim.length === 1 && src[j + 1] === delim) {
      j++;
      continue;
    }
    if (delim[0] === "_" && /\w/.test(src[j + delim.length] ?? "")) continue;
    if (src.slice(from, j).includes("\n\n")) return -1;
    return j;
  }
  return -1;
}
