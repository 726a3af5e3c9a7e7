import { describe, expect, it } from "vitest";
import { createDummyProvider, dummyReply } from "./dummy";
import { AbortedError } from "./errors";
import type { GenerateRequest } from "./provider";

const request: GenerateRequest = {
  model: "dummy",
  systemPrompt: "You are Nemo, a reclusive submarine captain. Speak tersely.",
  contents: [
    { role: "user", text: "Alice: hello" },
    { role: "model", text: "Greetings." },
    { role: "user", text: "Alice: what lies beneath the waves tonight?" },
  ],
  maxOutputTokens: 200,
  characterName: "Nemo",
};

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const chunks: string[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe("dummy provider", () => {
  it("quotes the last message whole, as a question or a statement", () => {
    const ask = (text: string) => dummyReply({ ...request, contents: [{ role: "user", text: `Alice: ${text}` }] });
    expect(ask("Pack light.")).toContain("You said: “Pack light.”");
    expect(ask("Where to?")).toContain("You asked: “Where to?”");
    expect(ask("Pack light")).toContain("You said: “Pack light”.");
    expect(ask(Array.from({ length: 30 }, (_, i) => `w${i}`).join(" "))).toContain("w19…”");
  });

  it("reads as whole sentences, with no phrase cut off mid-way", () => {
    const assistant = {
      ...request,
      characterName: "Assistant",
      systemPrompt:
        "You are Assistant, a helpful and friendly AI taking part in a chat. Answer clearly and concisely, use Markdown when it helps.",
    };
    const reply = dummyReply(assistant);
    expect(reply).toContain("I'm Assistant, a helpful and friendly AI taking part in a chat.");
    // Every sentence starts with a capital and the reply ends with a full stop or question mark.
    for (const sentence of reply.split(/(?<=[.!?”])\s+/)) expect(sentence).toMatch(/^[A-Z“]/);
    expect(reply).toMatch(/[.?!]$/);
    // A persona that is not a short "a …" phrase is left out rather than cut.
    const odd = dummyReply({ ...request, systemPrompt: "Speak only in riddles about the sea and never break character." });
    expect(odd).toContain("I'm Nemo.");
  });

  it("varies its sentences from one conversation to the next", () => {
    const replies = new Set(
      ["How deep?", "Any fish?", "Is it cold?", "Where now?", "Why the hurry?", "Who else is aboard?"].map((q) =>
        dummyReply({ ...request, contents: [{ role: "user", text: `Alice: ${q}` }] }).replace(/“.*”/, ""),
      ),
    );
    expect(replies.size).toBeGreaterThanOrEqual(4);
  });

  it("shows a table, a list, a task list and a code block when asked for Markdown", () => {
    const reply = dummyReply({ ...request, contents: [{ role: "user", text: "Alice: can you show me a table and some code?" }] });
    expect(reply).toMatch(/^\| .+ \|$/m);
    expect(reply).toMatch(/^\|:--\|/m);
    expect(reply).toMatch(/^1\. /m);
    expect(reply).toMatch(/^- \[x\] /m);
    expect(reply).toMatch(/^```\w+\n[\s\S]+\n```$/m);
    // The table comes first, so a streaming reply shows it early.
    expect(reply.indexOf("|")).toBeLessThan(reply.indexOf("```"));
  });

  it("streams the same reply, word by word, for the same conversation", async () => {
    const provider = createDummyProvider({ chunkDelayMs: 1 });
    const first = await collect(provider.stream(request, new AbortController().signal));
    const second = await collect(provider.stream(request, new AbortController().signal));
    expect(first).toEqual(second);
    expect(first.length).toBeGreaterThan(5);
    expect(first.join("")).toBe(dummyReply(request));
  });

  it("answers in character and echoes the last message and its author", () => {
    const reply = dummyReply(request);
    expect(reply).toContain("Nemo");
    expect(reply).toContain("a reclusive submarine captain");
    expect(reply).toContain("Alice");
    expect(dummyReply({ ...request, contents: [{ role: "user", text: "Ada Lovelace: hello" }] })).toMatch(/^\S+ Ada\b(?! Lovelace)/);
    expect(reply).toContain("what lies beneath the waves tonight?");
  });

  it("gives different characters different replies", () => {
    const other = { ...request, characterName: "Ahab", systemPrompt: "You are Ahab, obsessed with a whale." };
    expect(dummyReply(other)).not.toBe(dummyReply(request));
    expect(dummyReply(other)).toContain("obsessed with a whale");
  });

  it("stops promptly with AbortedError when aborted mid-stream", async () => {
    const provider = createDummyProvider({ chunkDelayMs: 60_000 });
    const controller = new AbortController();
    const chunks: string[] = [];
    const run = (async () => {
      for await (const chunk of provider.stream(request, controller.signal)) chunks.push(chunk);
    })();
    controller.abort();
    await expect(run).rejects.toBeInstanceOf(AbortedError);
    expect(chunks).toEqual([]);
  });

  it("refuses to start when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(collect(createDummyProvider().stream(request, controller.signal))).rejects.toBeInstanceOf(AbortedError);
  });
});
