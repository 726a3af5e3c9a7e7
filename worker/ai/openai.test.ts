// The OpenAI-compatible provider against the local double of that wire format (OPENAI_BASE_URL
// points at it): what it sends, how it reads the stream, and how every failure becomes the
// typed error the consumer retries by. Each test uses its own model name, which scopes the
// double's script and request log to that test. Projects without the double skip the suite.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { OpenAiControl, uniqueKey } from "../../test/openai/control";
import { collect, failure, sampleRequest } from "../../test/streams";
import { AbortedError, BlockedError, EmptyReplyError, PermanentError, RateLimitedError, TransientError } from "./errors";
import { createOpenAiProvider } from "./openai";

const double = new OpenAiControl(env.OPENAI_BASE_URL?.replace(/\/v1$/, "") ?? "");
const provider = createOpenAiProvider({ baseUrl: env.OPENAI_BASE_URL ?? "", apiKey: "test-openai-key" });

const request = (model: string) => sampleRequest(model);

describe.skipIf(!env.OPENAI_BASE_URL)("OpenAI-compatible provider", () => {
  it("streams the chunks in order", async () => {
    const model = uniqueKey("m");
    await double.script(model, { kind: "reply", chunks: ["Twenty ", "thousand ", "leagues."], delayMs: 5 });
    expect(await collect(provider.stream(request(model), new AbortController().signal))).toEqual(["Twenty ", "thousand ", "leagues."]);
  });

  it("sends the system prompt, turns, settings and key in the chat-completions format", async () => {
    const model = uniqueKey("m");
    await collect(provider.stream(request(model), new AbortController().signal));
    const [seen] = await double.requests(model);
    expect(seen).toMatchObject({ model, apiKey: "test-openai-key", completed: true });
    expect(seen?.body).toEqual({
      model,
      stream: true,
      temperature: 0.7,
      max_tokens: 256,
      messages: [
        { role: "system", content: "You are Nemo." },
        { role: "user", content: "Alice: hi" },
        { role: "assistant", content: "Greetings." },
        { role: "user", content: "Alice: how deep are we?" },
      ],
    });
  });

  it("turns a 429 into RateLimitedError carrying Retry-After", async () => {
    const model = uniqueKey("m");
    await double.script(model, { kind: "error", status: 429, retryAfter: "7" });
    const { error } = await failure(provider.stream(request(model), new AbortController().signal));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(7000);
    expect(error.detail).toMatch(/^HTTP 429: Rate limit reached/);
  });

  it("turns 5xx and a stream cut before its end into TransientError, keeping what streamed", async () => {
    const model = uniqueKey("m");
    await double.script(model, { kind: "error", status: 503 }, { kind: "drop", chunks: ["Half ", "a "], delayMs: 10 });
    expect((await failure(provider.stream(request(model), new AbortController().signal))).error).toBeInstanceOf(TransientError);
    const cut = await failure(provider.stream(request(model), new AbortController().signal));
    expect(cut.error).toBeInstanceOf(TransientError);
    expect(cut.chunks).toEqual(["Half ", "a "]);
  });

  it("refuses a bad key as a key problem and other 4xx as permanent", async () => {
    const model = uniqueKey("m");
    const badKey = createOpenAiProvider({ baseUrl: env.OPENAI_BASE_URL ?? "", apiKey: "invalid-key" });
    const refused = await failure(badKey.stream(request(model), new AbortController().signal));
    expect(refused.error).toBeInstanceOf(PermanentError);
    expect((refused.error as PermanentError).keyProblem).toBe(true);
    await double.script(model, { kind: "error", status: 400, message: "This model's maximum context length is 8192 tokens." });
    const bad = await failure(provider.stream(request(model), new AbortController().signal));
    expect(bad.error).toMatchObject({ kind: "permanent", keyProblem: false, detail: expect.stringContaining("maximum context length") });
  });

  it("fails a reply stopped by a content filter, and one with no text", async () => {
    const model = uniqueKey("m");
    await double.script(model, { kind: "reply", chunks: ["Well"], finishReason: "content_filter" }, { kind: "reply", chunks: [] });
    expect((await failure(provider.stream(request(model), new AbortController().signal))).error).toBeInstanceOf(BlockedError);
    expect((await failure(provider.stream(request(model), new AbortController().signal))).error).toBeInstanceOf(EmptyReplyError);
  });

  it("aborts the upstream request when the caller does, and gives up on a silent stream", async () => {
    const model = uniqueKey("m");
    await double.script(
      model,
      { kind: "reply", chunks: ["Never ", "ends"], stall: true },
      { kind: "reply", chunks: ["Slow"], stall: true },
    );
    const controller = new AbortController();
    const stream = provider.stream(request(model), controller.signal)[Symbol.asyncIterator]();
    expect((await stream.next()).value).toBe("Never ");
    controller.abort();
    await expect(stream.next()).rejects.toBeInstanceOf(AbortedError);
    await double.waitForRequest(model, (r) => r.aborted);
    const impatient = createOpenAiProvider({ baseUrl: env.OPENAI_BASE_URL ?? "", apiKey: "test-openai-key", inactivityTimeoutMs: 200 });
    const silent = await failure(impatient.stream(request(model), new AbortController().signal));
    expect(silent.error).toBeInstanceOf(TransientError);
    expect(silent.chunks).toEqual(["Slow"]);
  });
});
