// Initials from a display name: the first letters of its first two words, by code point.
import { describe, expect, it } from "vitest";
import { initials } from "./Avatar";

describe("initials", () => {
  it("takes the first two words' first letters, and never half an emoji", () => {
    expect(initials("Ada Lovelace")).toBe("AL");
    expect(initials("Zoë 🎉 Núñez")).toBe("Z🎉");
    expect(initials("🎉 party")).toBe("🎉P");
    expect(initials("bob_smith")).toBe("BS");
    expect(initials("Q")).toBe("Q");
    expect(initials("👩‍💻")).not.toContain("\uFFFD");
    expect(initials("")).toBe("?");
  });
});
