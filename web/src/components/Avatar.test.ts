// Initials from a display name: the first letters of its first two words, by code point.
import { describe, expect, it } from "vitest";
import { face, initials } from "./Avatar";

describe("initials", () => {
  it("takes the first two words' first letters, and never half an emoji", () => {
    expect(initials("Ada Lovelace")).toBe("AL");
    expect(initials("Zoë 🎉 Núñez")).toBe("Z🎉");
    expect(initials("🎉 party")).toBe("🎉P");
    expect(initials("bob_smith")).toBe("BS");
    expect(initials("Q")).toBe("Q");
    expect(initials("👩‍💻")).not.toContain("\uFFFD");
    expect(initials("")).toBe("?");
    // A room titled by its first message: symbols before a name, or alone, stand for nothing.
    expect(initials("hey @alice are you free?")).toBe("HA");
    expect(initials("#general")).toBe("GE");
    expect(initials("— (draft) notes")).toBe("DN");
    expect(initials("!!!")).toBe("?");
  });
});

describe("a character's face", () => {
  it("is its first emoji whole, or initials for text, never a word spilling out of the circle", () => {
    expect(face("🧑‍🍳")).toBe("🧑‍🍳");
    expect(face(" 🧑‍🍳 chef")).toBe("🧑‍🍳");
    expect(face("🇫🇷")).toBe("🇫🇷");
    expect(face("not an emoji")).toBe("NA");
    expect(face("Chef Bot")).toBe("CB");
    expect(face("x")).toBe("X");
  });
});
