// What the renderer builds from Markdown: GitHub-flavoured constructs as elements, and from
// hostile text nothing outside the allow-list (element, attribute, URL scheme).
import { describe, expect, it } from "vitest";
import { ALLOWED_ELEMENTS, ALLOWED_SCHEMES, HOSTILE_MESSAGES } from "../../../test/xss";
import { mentionStyle } from "../mentions";
import { type BlockCache, renderInto, renderMarkdown, safeHref } from "./render";

const render = (src: string) => {
  const host = document.createElement("div");
  host.appendChild(renderMarkdown(src));
  return host;
};

/** Everything in `host` that the allow-list does not permit, one line each. */
function outsideAllowList(host: HTMLElement): string[] {
  const found: string[] = [];
  for (const node of host.querySelectorAll("*")) {
    const tag = node.tagName.toLowerCase();
    const allowed = ALLOWED_ELEMENTS[tag];
    if (!allowed) {
      found.push(`element <${tag}>`);
      continue;
    }
    for (const attr of node.getAttributeNames()) if (!allowed.includes(attr)) found.push(`attribute ${tag}[${attr}]`);
    const href = node.getAttribute("href");
    if (href !== null && !ALLOWED_SCHEMES.includes(new URL(href).protocol)) found.push(`scheme ${href}`);
    if (tag === "a" && (node.getAttribute("target") !== "_blank" || !node.getAttribute("rel")?.includes("noopener")))
      found.push(`link without target/rel: ${href}`);
  }
  return found;
}

describe("renderMarkdown", () => {
  it("renders a GFM table with alignment, a task list, strikethrough, an autolink and fenced code", () => {
    const host = render(
      "| Day | Miles |\n|:--|--:|\n| Sat | 12 |\n\n- [x] boots\n- [ ] map\n\n~~cancelled~~ see https://trails.example/a\n\n```py\nprint(1)\n```",
    );
    expect([...host.querySelectorAll("th")].map((c) => c.textContent)).toEqual(["Day", "Miles"]);
    expect(host.querySelector("td.align-right")?.textContent).toBe("12");
    expect([...host.querySelectorAll("ul.md-tasks .md-task")].map((t) => t.getAttribute("aria-label"))).toEqual(["Done", "Not done"]);
    expect(host.querySelector("del")?.textContent).toBe("cancelled");
    expect(host.querySelector("a")?.getAttribute("href")).toBe("https://trails.example/a");
    expect(host.querySelector("pre code")?.textContent).toBe("print(1)");
    expect(host.querySelector(".md-pre-lang")?.textContent).toBe("py");
  });

  it("lays each block of text out in the direction of its own first letter: Arabic and Hebrew right to left", () => {
    const host = render("مرحبا بالجميع، هذا English في النص.\n\n# שלום\n\n- one\n- اثنان\n\n| a | ب |\n|---|---|\n| 1 | 2 |");
    const blocks = [...host.querySelectorAll("p, h3, li, th, td")];
    expect(blocks.map((b) => b.getAttribute("dir"))).toEqual(blocks.map(() => "auto"));
    expect(blocks.length).toBe(8);
    // Code keeps its own left-to-right layout.
    expect(render("```\nx = 1\n```").querySelector("pre")?.hasAttribute("dir")).toBe(false);
  });

  it("shows Markdown that would draw no text as it was typed, not as an empty bubble", () => {
    for (const typed of ["---", "***", "#", ">", "[]()", "&nbsp;", "- ", "  ---  "]) {
      const host = render(typed);
      expect([host.children.length, host.firstElementChild?.tagName, host.textContent], typed).toEqual([1, "P", typed.trim()]);
    }
    // A rule under words is still a rule.
    expect(render("Above\n\n---").querySelector("hr")).not.toBeNull();
  });

  it("keeps snake_case, lone asterisks and hashes as text", () => {
    expect(render("call my_func_name now, 2 * 3 * 4, issue #59").textContent).toBe("call my_func_name now, 2 * 3 * 4, issue #59");
  });

  it("renders tight list items without paragraphs and loose ones with them", () => {
    expect(render("- a\n- b").querySelectorAll("li > p")).toHaveLength(0);
    expect(render("- a\n\n- b").querySelectorAll("li > p")).toHaveLength(2);
  });

  it("links references to their definitions and shows images as links, never loading them", () => {
    const host = render("[docs][d] ![a map](https://e.com/map.png)\n\n[d]: https://e.com/docs");
    expect([...host.querySelectorAll("a")].map((a) => [a.textContent, a.getAttribute("href")])).toEqual([
      ["docs", "https://e.com/docs"],
      ["a map", "https://e.com/map.png"],
    ]);
    expect(host.querySelector("img")).toBeNull();
  });

  it.each(HOSTILE_MESSAGES.map((m) => [m]))("creates nothing outside the allow-list from %j", (message) => {
    const host = render(message);
    expect(outsideAllowList(host)).toEqual([]);
    // Nor while it streams in, a character at a time.
    const streaming = document.createElement("div");
    let cache: BlockCache = [];
    for (let i = 1; i <= message.length; i += 3) cache = renderInto(streaming, message.slice(0, i), cache);
    expect(outsideAllowList(streaming)).toEqual([]);
  });

  it.each(["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>", "/relative", "vbscript:x", "file:///etc"])(
    "refuses %s as a link target",
    (href) => expect(safeHref(href)).toBeNull(),
  );

  it("rebuilds only the blocks whose source changed", () => {
    const host = document.createElement("div");
    let cache = renderInto(host, "First paragraph.\n\n```js\nconst a = 1;\n```\n\nStill wri", []);
    const [para, code] = [...host.children];
    cache = renderInto(host, "First paragraph.\n\n```js\nconst a = 1;\n```\n\nStill writing", cache);
    expect(host.children[0]).toBe(para);
    expect(host.children[1]).toBe(code);
    expect(host.children[2]?.textContent).toBe("Still writing");
    renderInto(host, "Replaced.", cache);
    expect(host.children).toHaveLength(1);
  });

  describe("with the room's names", () => {
    const style = mentionStyle(["Grace Hopper", "Grace", "bea"], "ada_l");
    const marked = (src: string) => {
      const host = document.createElement("div");
      renderInto(host, src, [], style);
      return { host, spans: [...host.querySelectorAll(".md-mention")].map((s) => `${s.className}|${s.textContent}`) };
    };

    it("marks each mention in running text, the longest name first and yours apart", () => {
      const { host, spans } = marked("@grace hopper and @Grace, ask @bea\nthen @ADA_L: **@bea**");
      expect(spans).toEqual([
        "md-mention|@grace hopper",
        "md-mention|@Grace",
        "md-mention|@bea",
        "md-mention is-me|@ADA_L",
        "md-mention|@bea",
      ]);
      expect(host.textContent).toBe("@grace hopper and @Grace, ask @beathen @ADA_L: @bea");
      expect(host.querySelectorAll("br")).toHaveLength(1);
    });

    it("leaves code, links, addresses, longer words and unknown names alone", () => {
      const { spans } = marked("`@bea` mail@bea.org @beatrice @nobody [@bea](https://x.test) <https://x.test/@bea> but @bea");
      expect(spans).toEqual(["md-mention|@bea"]);
    });

    it.each(HOSTILE_MESSAGES.map((m) => [m]))("creates nothing outside the allow-list from %j", (message) => {
      expect(outsideAllowList(marked(`@bea ${message} @ada_l`).host)).toEqual([]);
    });
  });
});
