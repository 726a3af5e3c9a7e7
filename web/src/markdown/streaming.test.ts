// Half-written Markdown renders as it will once finished.
import { describe, expect, it } from "vitest";
import { stabilize } from "./streaming";

describe("stabilize", () => {
  it("leaves an unclosed code fence alone: it is code to the end already", () => {
    const src = "Here:\n```py\nprint('**not bold**')\n`";
    expect(stabilize(src)).toBe(src);
  });

  it("closes bold, strikethrough and inline code that are still open", () => {
    expect(stabilize("This is **very imp")).toBe("This is **very imp**");
    expect(stabilize("Run `npm te")).toBe("Run `npm te`");
    expect(stabilize("~~old")).toBe("~~old~~");
    // Cut off after a space (a reply stopped mid-phrase): closed right after the last word.
    expect(stabilize("Here is **a ")).toBe("Here is **a**");
    expect(stabilize("Here is ~~a\t")).toBe("Here is ~~a~~");
  });

  it("drops a dangling opener and shows a link's words while its URL arrives", () => {
    expect(stabilize("Some **")).toBe("Some ");
    expect(stabilize("See [the docs](https://exa")).toBe("See the docs");
    expect(stabilize("See [the do")).toBe("See the do");
  });

  it("holds back a last line that is only the start of syntax", () => {
    expect(stabilize("Steps:\n-")).toBe("Steps:");
    expect(stabilize("Intro\n##")).toBe("Intro");
    expect(stabilize("Intro\n``")).toBe("Intro");
  });

  it("holds back table rows until the delimiter row arrives, then shows the table", () => {
    expect(stabilize("Compare:\n\n| a | b |")).toBe("Compare:\n");
    expect(stabilize("Compare:\n\n| a | b |\n|--")).toBe("Compare:\n");
    expect(stabilize("Compare:\n\n| a | b |\n|---|---|\n")).toBe("Compare:\n\n| a | b |\n|---|---|\n");
    expect(stabilize("| a | b |\n|---|---|\n| 1 | 2")).toBe("| a | b |\n|---|---|\n| 1 | 2");
  });

  it("changes nothing in finished text", () => {
    const src = "# Title\n\n- **one**\n- `two`\n\n| a |\n|---|\n| 1 |\n";
    expect(stabilize(src)).toBe(src);
  });
});
