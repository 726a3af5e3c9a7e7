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
  it("quotes the last message without doubling its closing punctuation", () => {
    const ask = (text: string) => dummyReply({ ...request, contents: [{ role: "user", text: `Alice: ${text}` }] });
    expect(ask("Pack light.")).toContain('You said: "Pack light." ');
    expect(ask("Pack light")).toContain('You said: "Pack light". ');
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
