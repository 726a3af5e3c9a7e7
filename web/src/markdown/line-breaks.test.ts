// A newline typed in a message (Shift+Enter) is a line break on screen, as in Slack, Discord
// or a GitHub comment, not CommonMark's space; everything else stays CommonMark + GFM.
import { describe, expect, it } from "vitest";
import { plainText } from "../../../shared/markdown";
import { type BlockCache, renderInto, renderMarkdown } from "./render";
import { stabilize } from "./streaming";

const render = (src: string) => {
  const host = document.createElement("div");
  host.appendChild(renderMarkdown(src));
  return host;
};

describe("line breaks typed in a message", () => {
  it("shows each typed line on its own line, in one paragraph", () => {
    const host = render("first line\nsecond line\nthird line");
    expect(host.innerHTML).toBe('<p dir="auto">first line<br>second line<br>third line</p>');
  });

  it("breaks the line the same way inside emphasis, links, headings and list items", () => {
    expect(render("*one\ntwo*").innerHTML).toBe('<p dir="auto"><em>one<br>two</em></p>');
    expect(render("[one\ntwo](https://e.com)").querySelector("a")?.innerHTML).toBe("one<br>two");
    expect(render("- a\n  still a\n- b").querySelector("li")?.innerHTML).toBe("a<br>still a");
    expect(render("Title\nmore\n===").querySelector("h3")?.innerHTML).toBe("Title<br>more");
    // Raw HTML shows as the text it is, lines and all.
    expect(render("<div>\nhi\n</div>").innerHTML).toBe("&lt;div&gt;<br>hi<br>&lt;/div&gt;");
    expect(render("> quoted\n> twice").querySelector("blockquote")?.innerHTML).toBe('<p dir="auto">quoted<br>twice</p>');
  });

  it("drops the spaces around a typed newline and keeps a hard break to one <br>", () => {
    expect(render("a \n  b\r\nc").innerHTML).toBe('<p dir="auto">a<br>b<br>c</p>');
    expect(render("a  \nb").innerHTML).toBe('<p dir="auto">a<br>b</p>');
    expect(render("a\\\nb").innerHTML).toBe('<p dir="auto">a<br>b</p>');
  });

  it("keeps blank lines as paragraphs, and code, lists and tables as they were", () => {
    const host = render("one\n\ntwo\n\n```\nx\ny\n```\n\n- a\n- b\n\n| h |\n|---|\n| 1 |");
    expect([...host.querySelectorAll(":scope > p")].map((p) => p.innerHTML)).toEqual(["one", "two"]);
    expect(host.querySelector("pre code")?.textContent).toBe("x\ny");
    expect(host.querySelector("pre br")).toBeNull();
    expect([...host.querySelectorAll("li")].map((li) => li.textContent)).toEqual(["a", "b"]);
    expect(host.querySelector("td")?.textContent).toBe("1");
    expect(host.querySelectorAll("br")).toHaveLength(0);
    // A code span's newline is a space in CommonMark, and stays one.
    expect(render("`a\nb`").querySelector("code")?.textContent).toBe("a\nb");
    expect(render("`a\nb`").querySelector("br")).toBeNull();
  });

  it("breaks lines while a reply streams in, and its preview stays on one line", () => {
    const host = document.createElement("div");
    let cache: BlockCache = [];
    for (const partial of ["Plan:\nfirst", "Plan:\nfirst\nsecond **bo"]) cache = renderInto(host, stabilize(partial), cache);
    expect(host.innerHTML).toBe('<p dir="auto">Plan:<br>first<br>second <strong>bo</strong></p>');
    expect(plainText("first line\nsecond line")).toBe("first line second line");
  });
});
