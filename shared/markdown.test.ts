// Plain text from Markdown: what previews, search snippets and room titles show.
import { describe, expect, it } from "vitest";
import { parseMarkdown, plainText, titleFrom } from "./markdown";
import { truncate } from "./text";

describe("plainText", () => {
  it("keeps characters that are not Markdown syntax", () => {
    expect(plainText("Alice #59 set my_snake_case to 2 * 3 * 4 > 5 ~ 6")).toBe("Alice #59 set my_snake_case to 2 * 3 * 4 > 5 ~ 6");
  });

  it("drops the syntax of emphasis, headings, quotes, lists, links and code", () => {
    expect(plainText("# Title\n\n**bold** _it_ ~~gone~~ [link](https://e.com) `x`")).toBe("Title bold it gone link x");
    expect(plainText("> quoted\n\n1. one\n2. two\n\n```js\nconst a = 1;\n```")).toBe("quoted one two const a = 1;");
    expect(plainText("| a | b |\n|---|---|\n| 1 | 2 |")).toBe("a b 1 2");
    expect(plainText("- [x] done\n- [ ] todo")).toBe("done todo");
  });

  it("shows raw HTML as the text it is", () => {
    expect(plainText("<img src=x onerror=alert(1)>")).toBe("<img src=x onerror=alert(1)>");
  });

  it("parses the GFM extensions", () => {
    const types = parseMarkdown("| a |\n|---|\n| 1 |\n\n~~s~~ https://e.com").children.map((n) => n.type);
    expect(types).toEqual(["table", "paragraph"]);
  });
});

describe("titleFrom and truncate", () => {
  it("shortens with an ellipsis without splitting an emoji", () => {
    expect(truncate("ab🙂cd", 4)).toBe("ab…");
    expect(titleFrom("x".repeat(100))).toHaveLength(60);
    expect(titleFrom("**   **")).toBe("New chat");
  });
});
