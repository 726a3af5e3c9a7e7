// The tiny highlighter: right token kinds for common code, text preserved exactly.
import { describe, expect, it } from "vitest";
import { highlight } from "./highlight";

const kinds = (code: string, lang = "ts") =>
  highlight(code, lang)
    .filter((t) => t.k !== "plain" && t.k !== "punct")
    .map((t) => `${t.k}:${t.v.trim()}`);

describe("highlight", () => {
  it("colours keywords, strings, numbers, calls and comments", () => {
    expect(kinds('const x = fetch("/a", 42); // go')).toEqual(["keyword:const", "fn:fetch", 'string:"/a"', "number:42", "comment:// go"]);
  });

  it("uses # comments for Python and shell", () => {
    expect(kinds("def f(): # hi\n  return None", "py")).toEqual(["keyword:def", "fn:f", "comment:# hi", "keyword:return", "literal:None"]);
  });

  it("reproduces the input exactly", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the input is code with a template literal
    const code = "let s = `a ${b}`; /* c */ x['y'] = 0x1f;\n\tdon't";
    expect(
      highlight(code, "js")
        .map((t) => t.v)
        .join(""),
    ).toBe(code);
  });

  it("leaves plain text blocks alone", () => {
    expect(highlight("if this then that", "text")).toEqual([{ k: "plain", v: "if this then that" }]);
  });
});
