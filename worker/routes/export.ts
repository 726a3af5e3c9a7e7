// Export of a room's whole history as JSON or Markdown. Streamed page by page from the
// history store, so a long history never has to fit in memory; the few messages not yet
// flushed are taken from the room's hot log. In Markdown, a message keeps its own formatting
// (lists, tables, code, emphasis) inside a blockquote, every line of it quoted, and its raw HTML
// escaped; the other user text (title, names, file names, errors) is escaped. So only the export
// itself writes the document's structure: a message cannot forge a "**Name** · date" author
// line, a heading or raw HTML.
// Tombstones stay as a note (their content is gone); a regenerated reply keeps every version.

import type { Context } from "hono";
import type { Root } from "mdast";
import { contentDisposition } from "../../shared/attachments";
import type { Store } from "../../shared/store";
import type { Attachment, Message } from "../../shared/wire";
import { FILE_LINK_DAYS, fileLinkPath } from "../lib/file-links";
import type { AppEnv } from "../types";
import { unflushedFor } from "./room-access";

export async function exportRoom(c: Context<AppEnv>, format: "json" | "markdown"): Promise<Response> {
  const room = c.get("room");
  const store = c.get("store");
  const pending = new Map((await unflushedFor(c)).messages.map((m) => [m.seq, m]));
  const encoder = new TextEncoder();
  const title = room.title ?? (await untitledName(store, room.id, c.get("session").id));

  async function* messages(): AsyncGenerator<Message> {
    let last = 0;
    for await (const page of store.messages.all(room.id)) {
      for (const m of page) {
        last = m.seq;
        yield pending.get(m.seq) ?? m;
      }
    }
    for (const m of [...pending.values()].sort((a, b) => a.seq - b.seq)) if (m.seq > last) yield m;
  }

  async function* chunks(): AsyncGenerator<string> {
    if (format === "json") {
      yield `{"room":${JSON.stringify(room)},"exportedAt":"${new Date().toISOString()}","messages":[`;
      let first = true;
      for await (const m of messages()) {
        yield (first ? "" : ",") + JSON.stringify(m);
        first = false;
      }
      yield "]}\n";
    } else {
      // The Markdown parser is imported here: only a Markdown export needs it.
      const { parseMarkdown } = await import("../../shared/markdown");
      // Files are linked by signed links that need no token (a document is read where none
      // goes), for FILE_LINK_DAYS; the header says until when.
      const expires = Math.floor(Date.now() / 1000) + FILE_LINK_DAYS * 86_400;
      const origin = new URL(c.req.url).origin;
      const link = async (a: Attachment) => origin + (await fileLinkPath(c.env, room.id, a.id, expires));
      const until = new Date(expires * 1000).toISOString();
      yield `# ${escapeMarkdown(title)}\n\nExported ${readable(new Date().toISOString())}. Links to files work until ${readable(until)}.\n`;
      for await (const m of messages()) {
        const links = await Promise.all((m.attachments ?? []).map(link));
        yield markdownEntry(m, links, (text) => quoteMarkdown(text, parseMarkdown(text)));
      }
    }
  }

  const iterator = chunks();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (err) {
        controller.error(err);
      }
    },
  });
  // Letters and digits of any script ("Планы на выходные" is not "room"), at most 40 of them.
  const words = title
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-|-$/g, "");
  // Cut at the end of a word where one ends far enough in (not "…-june-2" of "june-25").
  const cut = Array.from(words).slice(0, 40).join("");
  const slug = (cut !== words && cut.lastIndexOf("-") > 15 ? cut.slice(0, cut.lastIndexOf("-")) : cut).replace(/-$/, "") || "room";
  const ext = format === "json" ? "json" : "md";
  return new Response(body, {
    headers: {
      "Content-Type": format === "json" ? "application/json; charset=utf-8" : "text/markdown; charset=utf-8",
      "Content-Disposition": contentDisposition("attachment", `parlor-${slug}.${ext}`),
    },
  });
}

/** One message in the Markdown export: an author line the export writes, then the body, then
 * its files at `links` (one per attachment); `quote` turns a message's Markdown into a quoted
 * block (quoteMarkdown). */
function markdownEntry(m: Message, links: string[], quote: (text: string) => string): string {
  // A change to the room ("Ann renamed the room to …") is one line of the room's own.
  if (m.author.kind === "system") return `\n_${escapeMarkdown(`${m.author.name} ${m.content}`)}_ · ${readable(m.createdAt)}\n`;
  const handle = m.author.username ? ` (@${m.author.username})` : "";
  const who =
    m.author.kind === "ai" ? `${escapeMarkdown(m.author.name)} (AI)` : `${escapeMarkdown(m.author.name)}${escapeMarkdown(handle)}`;
  // Names are the uploader's text; the link and type are the server's own.
  const files = (m.attachments ?? [])
    .map((a, i) => `\n- Attachment: [${escapeMarkdown(a.name)}](${links[i]}) (${a.mimeType}, ${a.size} bytes)`)
    .join("");
  return `\n**${who}** · ${readable(m.createdAt)}${markdownBody(m, quote)}\n${files ? `${files}\n` : ""}`;
}

/** "2026-12-06 22:57 UTC": a time people read, the same for every reader of the file. */
const readable = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

/** What an untitled room is called in its export: after the people in it besides the exporter
 * (a direct chat after the other person). */
async function untitledName(store: Store, roomId: string, me: string): Promise<string> {
  const others = (await store.rooms.members(roomId)).filter((m) => m.user.id !== me).map((m) => m.user.displayName);
  if (others.length === 0) return "Untitled room";
  return `Chat with ${others.length <= 3 ? others.join(", ") : `${others.slice(0, 2).join(", ")} and ${others.length - 2} others`}`;
}

/** A message's Markdown after its heading line: a tombstone's note, the content with its status,
 * or every version of a regenerated reply (the current one marked). */
function markdownBody(m: Message, quote: (text: string) => string): string {
  if (m.deletedAt) return ` _(deleted ${readable(m.deletedAt)})_\n`;
  const edited = m.editedAt ? ` _(edited ${readable(m.editedAt)})_` : "";
  const note = (v: Pick<Message, "status" | "error">) =>
    v.status === "complete" ? "" : ` _(${v.status}${v.error ? `: ${escapeMarkdown(v.error)}` : ""})_`;
  if (!m.versions) return `${edited}${note(m)}\n\n${quote(m.content)}`;
  return m.versions
    .map(
      (v, i) => `\n\n_Version ${i + 1} of ${m.versions?.length}${i + 1 === m.version ? ", shown" : ""}_${note(v)}\n\n${quote(v.content)}`,
    )
    .join("");
}

/**
 * Text that reads the same but has no Markdown meaning: emphasis, code, links, images, raw
 * HTML and entities escaped everywhere; headings, quotes, lists, rules and setext underlines
 * at the start of a line.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]<>&~|!]/g, "\\$&")
    .replace(/^(\s*)([#+=-])/gm, "$1\\$2")
    .replace(/^(\s*\d+)([.)])/gm, "$1\\$2");
}

/**
 * A message's Markdown as a blockquote: every line quoted, so its lists, tables, code and
 * emphasis render as the app shows them, inside the quote, and nothing in it reaches the
 * document's top level (a code fence left open ends with the quote). Raw HTML (`tree`'s html
 * nodes, never inside code) gets its `<` escaped: it reads as the text the app shows, never as
 * markup.
 */
export function quoteMarkdown(text: string, tree: Root): string {
  const spans: [number, number][] = [];
  const walk = (node: { type: string; position?: Root["position"]; children?: unknown[] }) => {
    const at = node.position;
    if (node.type === "html" && at?.start.offset !== undefined && at.end.offset !== undefined) spans.push([at.start.offset, at.end.offset]);
    for (const child of (node.children ?? []) as (typeof node)[]) walk(child);
  };
  walk(tree);
  let out = "";
  let from = 0;
  for (const [start, end] of spans.sort((a, b) => a[0] - b[0])) {
    out += text.slice(from, start) + text.slice(start, end).replaceAll("<", "\\<");
    from = end;
  }
  out += text.slice(from);
  return out
    .split(/\r\n?|\n/)
    .map((line) => (line ? `> ${line}` : ">"))
    .join("\n");
}
