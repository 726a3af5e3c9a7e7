// The Markdown subset chat messages support, and what must stay plain text.
import { describe, expect, it } from "vitest";
import { parseBlocks, parseInline, safeHref } from "./parse";

describe("inline markdown", () => {
  it("parses bold, italic, strikethrough and inline code", () => {
    expect(parseInline("**b** *i* ~~s~~ `c`")).toEqual([
      { t: "strong", c: [{ t: "text", v: "b" }] },
      { t: "text", v: " " },
      { t: "em", c: [{ t: "text", v: "i" }] },
      { t: "text", v: " " },
      { t: "del", c: [{ t: "text", v: "s" }] },
      { t: "text", v: " " },
      { t: "code", v: "c" },
    ]);
  });

  it("leaves snake_case and lone asterisks alone", () => {
    expect(parseInline("call my_func_name now, 2 * 3 * 4")).toEqual([{ t: "text", v: "call my_func_name now, 2 * 3 * 4" }]);
  });

  it("does not parse markdown inside inline code", () => {
    expect(parseInline("`**not bold**`")).toEqual([{ t: "code", v: "**not bold**" }]);
  });

  it("links http(s) URLs, both written out and in [text](url) form", () => {
    expect(parseInline("see https://example.com/a?b=1.")).toEqual([
      { t: "text", v: "see " },
      { t: "link", href: "https://example.com/a?b=1", c: [{ t: "text", v: "https://example.com/a?b=1" }] },
      { t: "text", v: "." },
    ]);
    expect(parseInline("[docs](http://x.dev/y)")).toEqual([{ t: "link", href: "http://x.dev/y", c: [{ t: "text", v: "docs" }] }]);
  });

  it.each(["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>", "/relative", "vbscript:x"])(
    "keeps a [link](%s) as text",
    (href) => {
      const out = parseInline(`[click](${href})`);
      expect(out.some((n) => n.t === "link")).toBe(false);
      expect(safeHref(href)).toBeNull();
    },
  );

  it("turns single newlines into line breaks and honours backslash escapes", () => {
    expect(parseInline("a\n\\*b\\*")).toEqual([{ t: "text", v: "a" }, { t: "br" }, { t: "text", v: "*b*" }]);
  });
});

describe("block markdown", () => {
  it("splits paragraphs on blank lines", () => {
    expect(parseBlocks("one\n\ntwo").map((b) => b.t)).toEqual(["p", "p"]);
  });

  it("reads fenced code with its language and keeps the text verbatim", () => {
    expect(parseBlocks("```ts\nconst a = '<b>';\n\n*x*\n```\nafter")).toEqual([
      { t: "code", lang: "ts", v: "const a = '<b>';\n\n*x*" },
      { t: "p", c: [{ t: "text", v: "after" }] },
    ]);
  });

  it("treats an unclosed fence (a reply mid-stream) as code to the end", () => {
    expect(parseBlocks("Here:\n```py\nprint(1)")).toEqual([
      { t: "p", c: [{ t: "text", v: "Here:" }] },
      { t: "code", lang: "py", v: "print(1)" },
    ]);
  });

  it("parses ordered and unordered lists, with nesting and a start number", () => {
    const [list] = parseBlocks("3. three\n4. four\n   - nested");
    expect(list).toMatchObject({ t: "list", ordered: true, start: 3 });
    expect(list?.t === "list" && list.items[1]?.[1]).toMatchObject({ t: "list", ordered: false });
    expect(parseBlocks("- a\n- b\n\n- c")).toMatchObject([{ t: "list", items: [[{}], [{}], [{}]] }]);
  });

  it("parses headings, quotes and rules", () => {
    expect(parseBlocks("## Title\n> quoted\n\n---").map((b) => b.t)).toEqual(["h", "quote", "hr"]);
  });
});
