// Markdown as Parlor reads it, on both sides of the wire: CommonMark with GitHub's extensions
// (tables, task lists, strikethrough, autolinks, footnotes), parsed by micromark into an mdast
// syntax tree. The web app builds DOM from that tree (web/src/markdown/render.ts); the app and
// the Worker both take plain text from it for previews, search snippets and room titles, so a
// `#`, `_` or `*` that is not Markdown syntax ("Alice #59", snake_case) survives, and one that
// is (`**bold**`) goes. Imports only the parser packages and the wire contract (the rules of
// names, which titles follow): nothing from worker/ or web/.
import type { Nodes, Root } from "mdast";
import { fromMarkdown, type Options } from "mdast-util-from-markdown";
import { gfmFromMarkdown } from "mdast-util-gfm";
import { gfm } from "micromark-extension-gfm";
import { nameProblem, truncate, withoutUnsafeNameChars } from "./text";

// Built once, on first use rather than at import (a Worker isolate may never parse Markdown):
// the extension objects are plain data the parser only reads.
let options: Options | undefined;

export function parseMarkdown(src: string): Root {
  options ??= { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] };
  return fromMarkdown(src, options);
}

/** Nodes whose text is set apart from its neighbours by a space in plain text. */
const SEPARATED = new Set(["paragraph", "heading", "blockquote", "list", "listItem", "code", "table", "tableRow", "tableCell", "html"]);

function collect(node: Nodes, out: string[]) {
  switch (node.type) {
    case "text":
    case "inlineCode":
    case "code":
    case "html":
      out.push(node.value);
      break;
    case "break":
    case "thematicBreak":
      out.push(" ");
      break;
    case "image":
    case "imageReference":
      out.push(node.alt ?? "");
      break;
    case "definition":
    case "footnoteDefinition":
      // Invisible in a rendered message, so not in its preview either.
      break;
    default:
      if ("children" in node) {
        for (const child of node.children) {
          if (SEPARATED.has(child.type)) out.push(" ");
          collect(child, out);
        }
      }
  }
}

/** The text a reader sees in a message, on one line: the syntax gone, every character of the
 * content kept (code included), whitespace collapsed. */
export function plainText(src: string): string {
  const out: string[] = [];
  collect(parseMarkdown(src), out);
  return out.join("").replace(/\s+/g, " ").trim();
}

const TITLE_CHARS = 60;

/** The name an untitled room gets from its first message (the server stores it; the app shows
 * the same until it arrives). Only the start of a long message is read. A title obeys the
 * rules of names (nameProblem) like one set by hand: the characters a name may not contain
 * (controls, direction overrides, zero-width characters) are dropped from the text. */
export function titleFrom(content: string): string {
  const text = withoutUnsafeNameChars(plainText(content.slice(0, 2000)))
    .replace(/\s+/g, " ")
    .trim();
  const title = truncate(text, TITLE_CHARS);
  return title && !nameProblem(title) ? title : "New chat";
}

/** The name a message gives an untitled room: from its text, or, for files alone, the first
 * file's name. */
export function titleOfMessage(m: { content: string; attachments?: readonly { name: string }[] }): string {
  const first = m.attachments?.[0];
  return titleFrom(m.content.trim() || !first ? m.content : first.name);
}
