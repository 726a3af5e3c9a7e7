import { describe, expect, it } from "vitest";
import { buildContext, type ContextMessage } from "./context";

const nemo = { id: "char-nemo", name: "Nemo", systemPrompt: "You are Nemo, a reclusive submarine captain." };
let seq = 0;

function user(name: string, content: string, extra: Partial<ContextMessage> = {}): ContextMessage {
  seq += 1;
  return { author: { kind: "user", id: `u-${name}`, name }, content, status: "complete", seq, ...extra };
}

function ai(content: string, extra: Partial<ContextMessage> = {}): ContextMessage {
  seq += 1;
  return { author: { kind: "ai", id: nemo.id, name: nemo.name }, content, status: "complete", seq, ...extra };
}

describe("buildContext", () => {
  it("prefixes people's messages with their names and keeps the character's own as model turns", () => {
    const messages = [user("Alice", "Hello Nemo"), ai("Greetings."), user("Bob", "Where are we?")];
    const ctx = buildContext(nemo, messages, messages[2]!.seq);
    expect(ctx.contents).toEqual([
      { role: "user", text: "Alice: Hello Nemo" },
      { role: "model", text: "Greetings." },
      { role: "user", text: "Bob: Where are we?" },
    ]);
    expect(ctx.characterName).toBe("Nemo");
  });

  it("writes the persona and the other participants' names into the system prompt", () => {
    const messages = [user("Alice", "hi"), user("Bob", "hey"), user("Carol", "yo")];
    const ctx = buildContext(nemo, messages, messages[2]!.seq);
    expect(ctx.systemPrompt.startsWith(nemo.systemPrompt)).toBe(true);
    expect(ctx.systemPrompt).toContain("group chat with Alice, Bob and Carol");
    expect(ctx.participants).toEqual(["Alice", "Bob", "Carol"]);
  });

  it("merges consecutive turns of the same role so turns alternate", () => {
    const messages = [user("Alice", "one"), user("Bob", "two"), ai("three"), ai("four"), user("Alice", "five")];
    const ctx = buildContext(nemo, messages, messages[4]!.seq);
    expect(ctx.contents.map((t) => t.role)).toEqual(["user", "model", "user"]);
    expect(ctx.contents[0]!.text).toBe("Alice: one\nBob: two");
    expect(ctx.contents[1]!.text).toBe("three\nfour");
  });

  it("never starts with a model turn", () => {
    const messages = [ai("I speak first."), user("Alice", "Oh, hi")];
    const ctx = buildContext(nemo, messages, messages[1]!.seq);
    expect(ctx.contents).toEqual([{ role: "user", text: "Alice: Oh, hi" }]);
  });

  it("puts the triggering message last and leaves out anything after it", () => {
    const messages = [user("Alice", "first"), user("Bob", "trigger"), user("Carol", "too late")];
    const ctx = buildContext(nemo, messages, messages[1]!.seq);
    expect(ctx.contents.at(-1)!.text.endsWith("Bob: trigger")).toBe(true);
    expect(JSON.stringify(ctx.contents)).not.toContain("too late");
  });

  it("orders messages by seq whatever order they arrive in", () => {
    const messages = [user("Alice", "a"), ai("b"), user("Bob", "c")];
    const ctx = buildContext(nemo, [...messages].reverse(), messages[2]!.seq);
    expect(ctx.contents.map((t) => t.text)).toEqual(["Alice: a", "b", "Bob: c"]);
  });

  it("drops the oldest messages first to fit the message budget", () => {
    const messages = [user("Alice", "m1"), ai("m2"), user("Alice", "m3"), ai("m4"), user("Bob", "m5")];
    const ctx = buildContext(nemo, messages, messages[4]!.seq, { maxMessages: 3, maxChars: 10_000 });
    expect(ctx.contents.map((t) => t.text)).toEqual(["Alice: m3", "m4", "Bob: m5"]);
  });

  it("drops the oldest messages first to fit the character budget", () => {
    const messages = [user("Alice", "x".repeat(50)), user("Bob", "short"), user("Carol", "last")];
    const ctx = buildContext(nemo, messages, messages[2]!.seq, { maxMessages: 10, maxChars: 30 });
    expect(ctx.contents).toEqual([{ role: "user", text: "Bob: short\nCarol: last" }]);
  });

  it("cuts the triggering message down when it alone is over the character budget", () => {
    const messages = [user("Alice", "older"), user("Bob", "y".repeat(100))];
    const ctx = buildContext(nemo, messages, messages[1]!.seq, { maxMessages: 10, maxChars: 20 });
    expect(ctx.contents).toHaveLength(1);
    expect(ctx.contents[0]!.text).toHaveLength(20);
    expect(ctx.contents[0]!.text.startsWith("Bob: ")).toBe(true);
  });

  it("skips system notices, failed and still-streaming replies, but keeps a stopped partial reply", () => {
    seq += 1;
    const notice: ContextMessage = {
      author: { kind: "system", id: "sys", name: "system" },
      content: "Bob joined",
      status: "complete",
      seq,
    };
    const messages = [
      user("Alice", "hello"),
      notice,
      ai("half a thou", { status: "stopped" }),
      ai("", { status: "error" }),
      user("Alice", "go on"),
      ai("...", { status: "streaming" }),
    ];
    const ctx = buildContext(nemo, messages, messages[4]!.seq);
    expect(ctx.contents).toEqual([
      { role: "user", text: "Alice: hello" },
      { role: "model", text: "half a thou" },
      { role: "user", text: "Alice: go on" },
    ]);
  });

  it("quotes another character's replies as a participant instead of as its own", () => {
    const first = user("Alice", "hi");
    seq += 1;
    const other: ContextMessage = { author: { kind: "ai", id: "char-ahab", name: "Ahab" }, content: "The whale!", status: "complete", seq };
    const messages = [first, other, user("Alice", "and you?")];
    const ctx = buildContext(nemo, messages, messages[2]!.seq);
    expect(ctx.contents).toEqual([{ role: "user", text: "Alice: hi\nAhab: The whale!\nAlice: and you?" }]);
  });

  it("returns no turns when nothing usable is at or before the trigger", () => {
    const messages = [ai("alone"), user("Alice", "later")];
    const ctx = buildContext(nemo, messages, messages[0]!.seq);
    expect(ctx.contents).toEqual([]);
    expect(ctx.systemPrompt).toContain("You are Nemo");
  });
});
