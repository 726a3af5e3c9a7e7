// The text helpers both sides use: what counts as showing nothing.
import { describe, expect, it } from "vitest";
import { isBlank } from "./text";

describe("isBlank", () => {
  it("finds nothing to show in spaces and characters that draw nothing", () => {
    for (const text of ["", "  \n\t", "\u200B", "\u200B\u200C\u200D\u2060", "\uFEFF", "\u202E\u202C", "\u3164", "\u2800 \u00AD", "\u3000"])
      expect(isBlank(text), JSON.stringify(text)).toBe(true);
  });

  it("keeps anything visible, an emoji built with joiners included", () => {
    for (const text of ["a", "a\u200B", ".", "👩‍💻", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "\u202Eevil\u202C", "ㅤhi"])
      expect(isBlank(text), JSON.stringify(text)).toBe(false);
  });
});
