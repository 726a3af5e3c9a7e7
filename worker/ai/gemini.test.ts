// The Gemini provider through the real @google/genai SDK, against the Gemini test double
// (GEMINI_BASE_URL points at it). Each test uses its own API key, which scopes the double's
// script and request log to that test. Projects without the double (no GEMINI_BASE_URL) skip
// the suite; the worker-ai project in vitest.config.ts is the one that runs it.
import { env } from "cloudflare:workers";
import { GoogleGenAI } from "@google/genai";
import { describe, expect, it } from "vitest";
import { GeminiControl, uniqueKey } from "../../test/gemini/control";
import { collect, failure, sampleRequest } from "../../test/streams";
import { AbortedError, BlockedError, EmptyReplyError, PermanentError, RateLimitedError, TransientError } from "./errors";
import { createGeminiProvider } from "./gemini";

const double = new GeminiControl(env.GEMINI_BASE_URL);
const provider = createGeminiProvider({ baseUrl: env.GEMINI_BASE_URL });

const request = (apiKey: string) => sampleRequest("gemini-2.5-flash", apiKey);

describe.skipIf(!env.GEMINI_BASE_URL)("Gemini provider", () => {
  it("streams the chunks in order", async () => {
    const key = uniqueKey();
    await double.script(key, { kind: "reply", chunks: ["Twenty ", "thousand ", "leagues."], delayMs: 5 });
    const chunks = await collect(provider.stream(request(key), new AbortController().signal));
    expect(chunks).toEqual(["Twenty ", "thousand ", "leagues."]);
  });

  it("sends the system prompt, turns, settings and key in Gemini's wire format", async () => {
    const key = uniqueKey();
    await collect(provider.stream(request(key), new AbortController().signal));
    const [seen] = await double.requests(key);
    expect(seen).toMatchObject({ method: "streamGenerateContent", model: "gemini-2.5-flash", key, completed: true });
    expect(seen?.body).toMatchObject({
      systemInstruction: { parts: [{ text: "You are Nemo." }] },
      contents: [
        { role: "user", parts: [{ text: "Alice: hi" }] },
        { role: "model", parts: [{ text: "Greetings." }] },
        { role: "user", parts: [{ text: "Alice: how deep are we?" }] },
      ],
      generationConfig: { temperature: 0.7, maxOutputTokens: 256 },
    });
  });

  it("turns a 429 into RateLimitedError carrying the parsed retryDelay", async () => {
    const key = uniqueKey();
    await double.script(key, { kind: "error", status: 429, retryDelay: "2s" });
    const { error } = await failure(provider.stream(request(key), new AbortController().signal));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(2_000);
  });

  it("uses the Retry-After header when a 429 body has no RetryInfo", async () => {
    const key = uniqueKey();
    await double.script(key, { kind: "error", status: 429, retryAfter: "9", plainText: true });
    const { error } = await failure(provider.stream(request(key), new AbortController().signal));
    expect((error as RateLimitedError).retryAfterMs).toBe(9_000);
  });

  it("turns 500 and 503 into TransientError without retrying inside the SDK", async () => {
    const key = uniqueKey();
    await double.script(key, { kind: "error", status: 500 }, { kind: "error", status: 503 });
    expect((await failure(provider.stream(request(key), new AbortController().signal))).error).toBeInstanceOf(TransientError);
    expect((await failure(provider.stream(request(key), new AbortController().signal))).error).toBeInstanceOf(TransientError);
    expect(await double.requests(key)).toHaveLength(2);
  });

  it("turns a connection dropped mid-stream into TransientError after the chunks that arrived", async () => {
    const key = uniqueKey();
    await double.script(key, { kind: "drop", chunks: ["Part ", "of it"], delayMs: 5 });
    const { error, chunks } = await failure(provider.stream(request(key), new AbortController().signal));
    expect(error).toBeInstanceOf(TransientError);
    expect(chunks.join("")).toBe("Part of it");
  });

  it("turns an error sent inside the stream into the matching error", async () => {
    const key = uniqueKey();
    await double.script(key, { kind: "streamError", chunks: ["Hm"], status: 503 });
    expect((await failure(provider.stream(request(key), new AbortController().signal))).error).toBeInstanceOf(TransientError);
  });

  it("gives up on a stream that goes quiet, as TransientError, and hangs up on it", async () => {
    const key = uniqueKey();
    const impatient = createGeminiProvider({ baseUrl: env.GEMINI_BASE_URL, inactivityTimeoutMs: 200 });
    await double.script(key, { kind: "reply", chunks: ["Thinking"], stall: true });
    const { error, chunks } = await failure(impatient.stream(request(key), new AbortController().signal));
    expect(error).toBeInstanceOf(TransientError);
    expect(chunks).toEqual(["Thinking"]);
    await double.waitForRequest(key, (r) => r.aborted);
  });

  it("reports a blocked prompt as BlockedError", async () => {
    const key = uniqueKey();
    await double.script(key, { kind: "block", where: "prompt", reason: "PROHIBITED_CONTENT" });
    const { error } = await failure(provider.stream(request(key), new AbortController().signal));
    expect(error).toBeInstanceOf(BlockedError);
    expect((error as BlockedError).reason).toBe("PROHIBITED_CONTENT");
  });

  it("reports a reply stopped by the safety filter as BlockedError", async () => {
    const key = uniqueKey();
    await double.script(key, { kind: "block", where: "reply", reason: "SAFETY", chunks: ["Well, "] });
    const { error, chunks } = await failure(provider.stream(request(key), new AbortController().signal));
    expect(error).toBeInstanceOf(BlockedError);
    expect(chunks).toEqual(["Well, "]);
  });

  it("reports a reply with no text as EmptyReplyError", async () => {
    const key = uniqueKey();
    await double.script(key, { kind: "reply", chunks: [], finishReason: "MAX_TOKENS" });
    expect((await failure(provider.stream(request(key), new AbortController().signal))).error).toBeInstanceOf(EmptyReplyError);
  });

  it("reports a refused key as a PermanentError about the key", async () => {
    const { error } = await failure(provider.stream(request(uniqueKey("invalid")), new AbortController().signal));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).keyProblem).toBe(true);
  });

  it("aborts the upstream request when the caller aborts, and the double sees it", async () => {
    const key = uniqueKey();
    await double.script(key, { kind: "reply", chunks: ["One ", "two ", "three ", "four"], delayMs: 60_000 });
    const controller = new AbortController();
    const run = failure(provider.stream(request(key), controller.signal));
    await double.waitForRequest(key, () => true);
    controller.abort();
    expect((await run).error).toBeInstanceOf(AbortedError);
    const seen = await double.waitForRequest(key, (r) => r.aborted);
    expect(seen.completed).toBe(false);
  });

  it("hangs up on the upstream when the consumer stops reading early", async () => {
    const key = uniqueKey();
    await double.script(key, { kind: "reply", chunks: ["First ", "second ", "third"], delayMs: 50 });
    for await (const chunk of provider.stream(request(key), new AbortController().signal)) {
      expect(chunk).toBe("First ");
      break;
    }
    await double.waitForRequest(key, (r) => r.aborted);
  });

  it("has the double answer unary generateContent the way the SDK expects", async () => {
    const key = uniqueKey();
    await double.script(key, { kind: "reply", chunks: ["Whole ", "answer."] });
    const ai = new GoogleGenAI({ apiKey: key, apiVersion: "v1beta", httpOptions: { baseUrl: env.GEMINI_BASE_URL } });
    const response = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "hello" });
    expect(response.text).toBe("Whole answer.");
    expect((await double.requests(key))[0]).toMatchObject({ method: "generateContent", apiVersion: "v1beta" });
  });

  it("stops with AbortedError when aborted while the consumer holds a chunk", async () => {
    const key = uniqueKey();
    await double.script(key, { kind: "reply", chunks: ["One ", "two ", "three"], delayMs: 20 });
    const controller = new AbortController();
    const { error, chunks } = await failure(
      (async function* () {
        for await (const chunk of provider.stream(request(key), controller.signal)) {
          controller.abort();
          yield chunk;
        }
      })(),
    );
    expect(error).toBeInstanceOf(AbortedError);
    expect(chunks).toEqual(["One "]);
    await double.waitForRequest(key, (r) => r.aborted);
  });
});
