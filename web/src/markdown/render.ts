// Turns a message's Markdown syntax tree (CommonMark + GFM, parsed by micromark in
// shared/markdown.ts) into DOM nodes. Every element and attribute is chosen here from a fixed
// list, and every piece of message text goes in through createTextNode/textContent, so there
// is no path by which a message can create markup: raw HTML in a message shows as the text it
// is. A line break the author typed is a line break (<br>), as in Slack or a GitHub comment,
// not CommonMark's space; a table cell breaks its lines at spaces only. Links are http(s) or
// mailto only (parsed with URL) and open in a new tab without opener or referrer; images are
// not loaded (a link to them instead), so a message cannot make every reader's browser fetch a
// URL. Re-rendering keeps the DOM of top-level blocks whose source did not change, so a
// streaming reply only rebuilds its last block. Given the room's names (`MentionStyle`), an
// @mention of one of them in running text is a span of its own, marked when it names you.
import type { Definition, Nodes, Parents, RootContent, TableCell } from "mdast";
import { parseMarkdown } from "../../../shared/markdown";
import type { MentionStyle } from "../mentions";
import { codeBlock, el } from "./code-block";

export const LINK_REL = "noopener noreferrer nofollow ugc";
const SCHEMES = new Set(["http:", "https:", "mailto:"]);

/** The URL to link to, or null for anything but http(s) and mailto (javascript:, data:, relative). */
export function safeHref(raw: string): string | null {
  try {
    const u = new URL(raw.trim());
    return SCHEMES.has(u.protocol) ? u.href : null;
  } catch {
    return null;
  }
}

/** A block of running text, laid out in the direction of its first strong letter: Arabic or
 * Hebrew right to left, from the right, with its punctuation on the proper side. */
function textBlock<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string): HTMLElementTagNameMap[K] {
  const block = el(tag, className);
  block.dir = "auto";
  return block;
}

/** `cell`: inside a table cell, whose words and numbers are kept whole (see cellText). */
type Ctx = { defs: Map<string, Definition>; tight: boolean; cell?: boolean; mentions?: MentionStyle };

function withChildren<T extends Node>(parent: T, node: Parents, ctx: Ctx): T {
  for (const child of node.children) {
    const dom = render(child, ctx);
    if (dom) parent.appendChild(dom);
  }
  return parent;
}

/** Text with each line ending in it shown as a line break: a newline typed in a message (a
 * CommonMark soft break) breaks the line, as the author saw it in the composer. Code spans keep
 * CommonMark's space; code blocks are whole lines of their own. */
function withLineBreaks(value: string, ctx: Ctx): Node {
  const lines = value.split(/\r\n?|\n/);
  if (lines.length === 1 && !ctx.mentions) return document.createTextNode(value);
  const frag = document.createDocumentFragment();
  lines.forEach((line, i) => {
    if (i > 0) frag.appendChild(el("br"));
    if (line) frag.appendChild(ctx.mentions ? withMentions(line, ctx.mentions) : document.createTextNode(line));
  });
  return frag;
}

/** A line with each @mention of a name the room knows in a span (`is-me` when it names you). */
function withMentions(line: string, style: MentionStyle): Node {
  const frag = document.createDocumentFragment();
  let from = 0;
  for (const match of line.matchAll(style.pattern)) {
    const at = (match.index ?? 0) + (match[1]?.length ?? 0);
    const name = match[2] ?? "";
    if (at > from) frag.appendChild(document.createTextNode(line.slice(from, at)));
    const span = frag.appendChild(el("span", name.toLowerCase() === style.me ? "md-mention is-me" : "md-mention"));
    span.textContent = `@${name}`;
    from = at + name.length + 1;
  }
  if (from < line.length) frag.appendChild(document.createTextNode(line.slice(from)));
  return frag;
}

/** A run of non-space that a browser could break inside: a number (`1,234.50`, `10%`), or a
 * word with a hyphen, dash or slash in it (`2025-07-14`, `10–12`, `and/or`). */
const BREAKABLE = /[\d/\u2010-\u2015-]/;

/** A table cell's text, with each breakable run in a span kept on one line: a cell's lines
 * break at spaces only, so its words and numbers stay whole (the bubble's own text may break
 * anywhere), and a table wider than the bubble scrolls instead. */
function cellText(value: string): Node {
  if (!BREAKABLE.test(value)) return document.createTextNode(value);
  const frag = document.createDocumentFragment();
  let text = "";
  for (const part of value.split(/(\s+)/)) {
    if (!BREAKABLE.test(part)) {
      text += part;
      continue;
    }
    if (text) frag.appendChild(document.createTextNode(text));
    text = "";
    frag.appendChild(el("span", "md-nowrap", part));
  }
  if (text) frag.appendChild(document.createTextNode(text));
  return frag;
}

function link(url: string, node: Parents | null, text: string, ctx: Ctx): Node {
  const href = safeHref(url);
  // Not a URL we link to: the words alone.
  const a = href ? el("a") : el("span");
  if (href && a instanceof HTMLAnchorElement) {
    a.href = href;
    a.target = "_blank";
    a.rel = LINK_REL;
  }
  // A link's words are the link's: no mention inside it.
  if (node && node.children.length > 0) withChildren(a, node, { ...ctx, mentions: undefined });
  else a.textContent = text;
  return a;
}

function taskMark(checked: boolean): HTMLElement {
  const mark = el("span", `md-task${checked ? " is-done" : ""}`);
  mark.setAttribute("role", "img");
  mark.setAttribute("aria-label", checked ? "Done" : "Not done");
  return mark;
}

/** The most characters a table cell keeps on one line ("Backordered until 2025-07-14"). */
const SHORT_CELL = 32;

function table(node: Extract<Nodes, { type: "table" }>, ctx: Ctx): HTMLElement {
  // A wide table scrolls inside the bubble; keyboards can scroll it too.
  const wrap = el("div", "md-table");
  wrap.tabIndex = 0;
  wrap.setAttribute("role", "region");
  wrap.setAttribute("aria-label", "Table");
  const t = el("table");
  const body = el("tbody");
  node.children.forEach((row, r) => {
    const tr = el("tr");
    row.children.forEach((cell: TableCell, c) => {
      const align = node.align?.[c];
      const dom = withChildren(textBlock(r === 0 ? "th" : "td", align ? `align-${align}` : undefined), cell, { ...ctx, cell: true });
      // A short cell on one line: in a table wider than the bubble, which scrolls anyway, its
      // words would otherwise wrap into tall, mostly empty rows.
      if ((dom.textContent ?? "").length <= SHORT_CELL) dom.classList.add("md-nowrap");
      tr.appendChild(dom);
    });
    if (r === 0) t.appendChild(el("thead")).appendChild(tr);
    else body.appendChild(tr);
  });
  if (body.childNodes.length > 0) t.appendChild(body);
  wrap.appendChild(t);
  return wrap;
}

function render(node: RootContent, ctx: Ctx): Node | null {
  switch (node.type) {
    case "text":
    case "html":
      return ctx.cell ? cellText(node.value) : withLineBreaks(node.value, ctx);
    case "paragraph":
      // A tight list's items hold their text directly, as a browser would render them.
      return ctx.tight ? withChildren(document.createDocumentFragment(), node, ctx) : withChildren(textBlock("p"), node, ctx);
    case "heading": {
      // Headings in a message sit below the page's own h1 and h2.
      const level = Math.min(node.depth + 2, 6) as 3 | 4 | 5 | 6;
      return withChildren(textBlock(`h${level}`, `md-h md-h${Math.min(node.depth, 3)}`), node, { ...ctx, tight: false });
    }
    case "thematicBreak":
      return el("hr");
    case "blockquote":
      return withChildren(el("blockquote"), node, { ...ctx, tight: false });
    case "list": {
      const list = el(node.ordered ? "ol" : "ul", node.children.some((i) => typeof i.checked === "boolean") ? "md-tasks" : undefined);
      if (node.ordered && node.start !== null && node.start !== undefined && node.start !== 1)
        list.setAttribute("start", String(node.start));
      const inner = { ...ctx, tight: !node.spread };
      for (const item of node.children) {
        const li = textBlock("li");
        if (typeof item.checked === "boolean") li.appendChild(taskMark(item.checked));
        list.appendChild(withChildren(li, item, inner));
      }
      return list;
    }
    case "code":
      return codeBlock(node.lang, node.value);
    case "table":
      return table(node, { ...ctx, tight: false });
    case "emphasis":
      return withChildren(el("em"), node, ctx);
    case "strong":
      return withChildren(el("strong"), node, ctx);
    case "delete":
      return withChildren(el("del"), node, ctx);
    case "inlineCode": {
      const code = el("code", "md-code");
      if (ctx.cell) code.appendChild(cellText(node.value));
      else code.textContent = node.value;
      return code;
    }
    case "break":
      return el("br");
    case "link":
      return link(node.url, node, node.url, ctx);
    case "linkReference": {
      const def = ctx.defs.get(node.identifier);
      return def ? link(def.url, node, "", ctx) : withChildren(document.createDocumentFragment(), node, ctx);
    }
    case "image":
      return link(node.url, null, node.alt || node.url, ctx);
    case "imageReference": {
      const def = ctx.defs.get(node.identifier);
      return def ? link(def.url, null, node.alt || def.url, ctx) : document.createTextNode(node.alt ?? "");
    }
    case "footnoteReference": {
      const sup = el("sup", "md-fn");
      sup.textContent = `[${node.label ?? node.identifier}]`;
      return sup;
    }
    case "footnoteDefinition": {
      const div = el("div", "md-footnote");
      const sup = div.appendChild(el("sup", "md-fn"));
      sup.textContent = `[${node.label ?? node.identifier}]`;
      return withChildren(div, node, { ...ctx, tight: false });
    }
    case "definition":
      // Used by the references that name it; shows nothing itself.
      return null;
    default:
      return "children" in node ? withChildren(document.createDocumentFragment(), node as Parents, ctx) : null;
  }
}

/** The DOM of each top-level block from the last render, keyed by that block's source. */
export type BlockCache = { key: string; nodes: Node[] }[];

/** Renders `src` into `container`, reusing the nodes of blocks whose source is unchanged (the
 * caller drops the cache when `mentions` changes). */
export function renderInto(container: HTMLElement, src: string, cache: BlockCache, mentions?: MentionStyle): BlockCache {
  const tree = parseMarkdown(src);
  const defs = new Map<string, Definition>();
  for (const node of tree.children) if (node.type === "definition") defs.set(node.identifier, node);
  // A block's rendering depends on the definitions its links use: a change to them is a change.
  const defsKey = [...defs.values()].map((d) => `${d.identifier}=${d.url}`).join("\n");
  const ctx: Ctx = { defs, tight: false, mentions };
  const next: BlockCache = tree.children.map((node, i) => {
    const key = `${defsKey}\u0000${src.slice(node.position?.start.offset ?? 0, node.position?.end.offset ?? src.length)}`;
    const old = cache[i];
    if (old && old.key === key) return old;
    const dom = render(node, ctx);
    return { key, nodes: dom ? (dom instanceof DocumentFragment ? [...dom.childNodes] : [dom]) : [] };
  });
  const wanted = next.flatMap((b) => b.nodes);
  // Leave the nodes that stay where they are; only what changed is removed and inserted.
  let i = 0;
  while (i < wanted.length && container.childNodes[i] === wanted[i]) i++;
  while (container.childNodes.length > i) container.lastChild?.remove();
  container.append(...wanted.slice(i));
  // Markdown that draws no text (a lone `---`, `#`, `>` or `[]()`, an `&nbsp;`) would leave an
  // empty bubble: what was typed is shown as typed instead.
  if (!container.textContent?.trim() && src.trim()) {
    const typed = textBlock("p");
    typed.textContent = src.trim();
    container.replaceChildren(typed);
    return [];
  }
  return next;
}

/** A one-off render (tests, places without a cache). */
export function renderMarkdown(src: string): DocumentFragment {
  const host = document.createElement("div");
  renderInto(host, src, []);
  const frag = document.createDocumentFragment();
  frag.append(...host.childNodes);
  return frag;
}
