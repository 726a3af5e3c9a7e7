// Search snippets: where the excerpt of a long message starts, so that the match shows.
import { describe, expect, it } from "vitest";
import { isWellFormedText } from "../../shared/text";
import { composerPlaceholders, deviceLabel, noticeText, peerAmong, previewLine, roomIntro, roomTitle, searchSnippet } from "./format";

const marked = (parts: { text: string; match: boolean }[]) => parts.filter((p) => p.match).map((p) => p.text);

describe("searchSnippet", () => {
  it("starts at a word a little before the match", () => {
    const text = `${"word ".repeat(40)}then mango appears here`;
    const parts = searchSnippet(text, "mango");
    expect(marked(parts)).toEqual(["mango"]);
    expect(parts[0]?.text.startsWith("…word")).toBe(true);
  });

  it("keeps a short message whole: its match shows without cutting the start", () => {
    const parts = searchSnippet("We have not decided yet, but we could take the night ferry", "ferry");
    expect(marked(parts)).toEqual(["ferry"]);
    expect(parts[0]?.text).toBe("We have not decided yet, but we could take the night ");
  });

  it("keeps the match in view after a long address or token, cutting into it", () => {
    const url = `https://example.com/${"very/long/path/".repeat(12)}end`;
    for (const text of [`Intro ${url} then mango appears here`, `${"y".repeat(300)} mango`]) {
      const parts = searchSnippet(text, "mango");
      expect(marked(parts)).toEqual(["mango"]);
      expect(parts.map((p) => p.text).join("").length).toBeLessThanOrEqual(122);
    }
  });

  it("marks words a query word starts, but a single letter only as a word of its own, as the server finds them", () => {
    expect(marked(searchSnippet("Planning the plan", "plan"))).toEqual(["Planning", "plan"]);
    expect(marked(searchSnippet("chat about c++ and C", "c++"))).toEqual(["c", "C"]);
  });

  it("never starts in the middle of an emoji", () => {
    const parts = searchSnippet(`${"😀".repeat(60)} mango`, "mango");
    expect(marked(parts)).toEqual(["mango"]);
    expect(isWellFormedText(parts[0]?.text ?? "")).toBe(true);
  });
});

describe("a room's name", () => {
  const user = (id: string, displayName: string) => ({ id, username: id, displayName, createdAt: "2026-01-01T00:00:00.000Z" });
  const member = (id: string, displayName: string) => ({
    user: user(id, displayName),
    role: "member" as const,
    joinedAt: "",
    lastReadSeq: 0,
  });
  const two = [member("me", "Me"), member("bo", "Bo Diddley")];

  it("is its title, or in a direct chat the other person's name", () => {
    expect(roomTitle({ title: " Plans " })).toBe("Plans");
    expect(roomTitle({ title: null, peer: { id: "bo", username: "bo", displayName: "Bo Diddley" } })).toBe("Bo Diddley");
    expect(roomTitle({ title: null })).toBe("Untitled room");
  });

  it("knows a direct chat from the members: two people, no title, no AI", () => {
    expect(peerAmong({ title: null, characterId: null }, two, "me")?.displayName).toBe("Bo Diddley");
    expect(peerAmong({ title: "Plans", characterId: null }, two, "me")).toBeUndefined();
    expect(peerAmong({ title: null, characterId: "assistant" }, two, "me")).toBeUndefined();
    expect(peerAmong({ title: null, characterId: null }, [...two, member("cy", "Cy")], "me")).toBeUndefined();
  });
});

describe("an empty room's first suggestion", () => {
  it("says how its AI answers: to every message, to its name, or not at all", () => {
    expect(roomIntro("Grace", "always")).toMatch(/^Ask Grace anything\./);
    expect(roomIntro("Grace", "mention")).toMatch(/^Mention @Grace to ask it anything\./);
    expect(roomIntro("Grace", "off")).toMatch(/^Say hello\./);
    expect(roomIntro(undefined, "off")).toMatch(/^Say hello\./);
    // Alone with no AI: where to bring someone in.
    expect(roomIntro(undefined, "off", 1)).toMatch(
      /^It's just you here so far\. Invite people, or give the room an AI character, in Room settings/,
    );
    expect(roomIntro("Grace", "always", 1)).toMatch(/^Ask Grace anything\./);
    expect(composerPlaceholders("Grace", "off", "Plans")[0]).toBe("Message Plans");
    // Alone with the AI you message it; in a group, the room.
    expect(composerPlaceholders("Grace", "always", "Plans")[0]).toBe("Message Grace");
    expect(composerPlaceholders("Grace", "always", "Plans", 3)[0]).toBe("Message Plans");
  });
});

describe("a session's device", () => {
  it("is the browser and the system its User-Agent names", () => {
    const mac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15";
    const android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36";
    const edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0";
    expect([mac, android, edge].map(deviceLabel)).toEqual(["Safari on macOS", "Chrome on Android", "Edge on Windows"]);
    expect(deviceLabel("curl/8.5.0")).toBe("curl/8.5.0");
    expect(deviceLabel(null)).toBe("Unknown device");
  });
});

describe("a room's last message in the list", () => {
  const last = (kind: "user" | "system", id: string, content: string) =>
    ({
      id: "m",
      roomId: "r",
      seq: 3,
      author: { kind, id, name: "Bob" },
      content,
      status: "complete",
      createdAt: "2026-12-07T10:00:00Z",
    }) as const;
  it("says who wrote it, and a change to the room as a sentence", () => {
    expect(previewLine(last("user", "u2", "hi"), "u1")).toBe("Bob: hi");
    expect(previewLine(last("user", "u1", "hi"), "u1")).toBe("You: hi");
    expect(previewLine(last("system", "u2", "added Cy"), "u1")).toBe("Bob added Cy");
    expect(previewLine(last("system", "u1", "renamed the room to “Plans”"), "u1")).toBe("You renamed the room to “Plans”");
    expect(previewLine(last("system", "u2", "added @ann_b"), "u1", "ann_b")).toBe("Bob added you");
  });

  it("says the AI is writing a reply that has no words yet, and shows the words it has", () => {
    const reply = (content: string) => ({
      ...last("user", "ai", content),
      author: { kind: "ai" as const, id: "ai", name: "Owl" },
      status: "streaming" as const,
    });
    expect(previewLine(reply(""), "u1")).toBe("Owl is writing…");
    expect(previewLine(reply("Hello th"), "u1")).toBe("Owl: Hello th");
    expect(previewLine({ ...reply(""), status: "error" }, "u1")).toBe("Owl couldn't reply");
    expect(previewLine({ ...reply(""), status: "stopped" }, "u1")).toBe("Owl stopped");
  });

  it("gives the other person's words alone in a direct chat, which is called after them", () => {
    expect(previewLine(last("user", "u2", "hi"), "u1", "ann_b", "u2")).toBe("hi");
    expect(previewLine(last("user", "u1", "hi"), "u1", "ann_b", "u2")).toBe("You: hi");
    expect(previewLine(last("system", "u2", "left the room"), "u1", "ann_b", "u2")).toBe("Bob left the room");
  });

  it("names the member a notice is about: you, their current name, or their handle", () => {
    const nameOf = (u: string) => (u === "cy_y" ? "Cy Young" : undefined);
    expect(noticeText("added @ann_b", "ann_b", nameOf)).toBe("added you");
    expect(noticeText("removed @cy_y", "ann_b", nameOf)).toBe("removed Cy Young");
    expect(noticeText("added @dee_d", "ann_b", nameOf)).toBe("added @dee_d");
    expect(noticeText("renamed the room to “@ann_b”", "ann_b")).toBe("renamed the room to “@ann_b”");
    expect(noticeText("left the room; @ann_b owns it now", "ann_b", nameOf)).toBe("left the room; you own it now");
    expect(noticeText("left the room; @cy_y owns it now", "ann_b", nameOf)).toBe("left the room; Cy Young owns it now");
  });
});
