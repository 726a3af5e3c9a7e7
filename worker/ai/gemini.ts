// The real provider: streams a reply from Gemini through the maintained SDK (@google/genai).
// One SDK client per call, because each call may carry a different key from the KeyPool.
// `baseUrl` points the SDK at Cloudflare AI Gateway or at the test double; left empty, it
// talks to Google. Every failure leaves here as one of the typed errors in errors.ts. A turn's
// files go as inlineData parts after its text; each usageMetadata seen is passed to onUsage.
// The SDK (about 1 MB) is imported on the first call, not when an isolate starts: only the
// queue consumer ever calls Gemini, while every request and every Durable Object isolate
// would otherwise pay to evaluate it.
import type { Candidate, GenerateContentResponse, GenerateContentResponseUsageMetadata, Part } from "@google/genai";
import { classifyError } from "./classify";
import { AbortedError, BlockedError, EmptyReplyError, PermanentError, TransientError } from "./errors";
import type { ChatProvider, GenerateRequest, ProviderEntry, Turn, Usage } from "./provider";
import { DEFAULT_INACTIVITY_TIMEOUT_MS, Watchdog } from "./watchdog";

export interface GeminiOptions {
  /** AI Gateway or test double URL; empty or undefined means Google's own endpoint. */
  baseUrl?: string;
  /** A stream that produces nothing for this long is abandoned as a TransientError. */
  inactivityTimeoutMs?: number;
  /** The fetch the SDK uses; the Worker's global fetch unless a test swaps it. */
  fetch?: typeof fetch;
}

/** finishReasons that mean a filter, not the model, ended the reply. */
const BLOCKING_FINISH_REASONS = new Set([
  "SAFETY",
  "PROHIBITED_CONTENT",
  "BLOCKLIST",
  "SPII",
  "RECITATION",
  "LANGUAGE",
  "IMAGE_SAFETY",
  "IMAGE_PROHIBITED_CONTENT",
]);

/** Gemini answers when GEMINI_API_KEYS holds a key (leased from the KeyPool call by call). */
export const geminiEntry: ProviderEntry = {
  name: "gemini",
  modelPattern: "gemini-[a-z0-9.-]+",
  modelHint: "gemini-… (e.g. gemini-2.5-flash)",
  upstreamModel: (model) => model,
  create: (ai) =>
    ai.gemini.keys.length > 0 ? { provider: createGeminiProvider({ baseUrl: ai.gemini.baseUrl }), defaultModel: ai.gemini.model } : null,
};

export function createGeminiProvider(options: GeminiOptions = {}): ChatProvider {
  return {
    name: "gemini",
    leasesKeys: true,
    stream: (req, signal) => streamGemini(req, signal, options),
  };
}

async function* streamGemini(req: GenerateRequest, signal: AbortSignal, options: GeminiOptions): AsyncGenerator<string> {
  if (!req.apiKey) throw new PermanentError("no Gemini API key was given", { keyProblem: true });
  if (signal.aborted) throw new AbortedError();

  // Our own controller, so the inactivity watchdog and an early `break` by the consumer can
  // cancel the HTTP request as well as the caller's signal can.
  const upstream = new AbortController();
  const forwardAbort = () => upstream.abort();
  signal.addEventListener("abort", forwardAbort, { once: true });

  // The SDK drops response headers when it builds an ApiError, so Retry-After is caught here.
  let retryAfter: string | null = null;
  const baseFetch = options.fetch ?? fetch;
  const capturingFetch: typeof fetch = async (input, init) => {
    const response = await baseFetch(input, init);
    if (!response.ok) retryAfter = response.headers.get("retry-after");
    return response;
  };

  const { GoogleGenAI } = await import("@google/genai");
  const ai = new GoogleGenAI({
    apiKey: req.apiKey,
    // Pinned so the URL (and what AI Gateway logs) does not move with the SDK's default.
    apiVersion: "v1beta",
    httpOptions: { baseUrl: options.baseUrl || undefined, fetch: capturingFetch },
  });
  const watchdog = new Watchdog(options.inactivityTimeoutMs ?? DEFAULT_INACTIVITY_TIMEOUT_MS, signal, forwardAbort);
  let completed = false;

  try {
    const stream = await watchdog.guard(
      ai.models.generateContentStream({
        model: req.model,
        contents: req.contents.map((turn) => ({ role: turn.role, parts: partsOf(turn) })),
        config: {
          systemInstruction: req.systemPrompt,
          temperature: req.temperature,
          maxOutputTokens: req.maxOutputTokens,
          abortSignal: upstream.signal,
          // One call = one upstream request, which is what the KeyPool counted; retrying is
          // the queue's decision, not the SDK's.
          automaticContinuation: false,
        },
      }),
    );
    const chunks = stream[Symbol.asyncIterator]();
    let emitted = 0;
    let finishReason: string | undefined;

    while (true) {
      const step = await watchdog.guard(chunks.next());
      if (step.done) break;
      const chunk: GenerateContentResponse = step.value;
      const blockReason = chunk.promptFeedback?.blockReason;
      if (blockReason) throw new BlockedError(blockReason, "prompt");
      if (chunk.usageMetadata) req.onUsage?.(usageOf(chunk.usageMetadata));
      const candidate = chunk.candidates?.[0];
      const text = visibleText(candidate);
      if (candidate?.finishReason) finishReason = candidate.finishReason;
      if (text) {
        emitted += text.length;
        yield text;
      }
    }
    completed = true;

    // Gemini's last chunk always carries a finishReason; a body that ends without one was cut.
    if (!finishReason) throw new TransientError("the stream ended before Gemini finished the reply");
    if (BLOCKING_FINISH_REASONS.has(finishReason)) throw new BlockedError(finishReason, "reply");
    if (emitted === 0) throw new EmptyReplyError(`no text in the reply (finishReason ${finishReason})`);
  } catch (err) {
    if (watchdog.fired && !signal.aborted) {
      throw new TransientError(`no data from Gemini for ${watchdog.ms} ms`, { cause: err });
    }
    throw classifyError(err, { aborted: signal.aborted, retryAfter });
  } finally {
    watchdog.dispose();
    signal.removeEventListener("abort", forwardAbort);
    if (!completed) upstream.abort();
  }
}

/** A turn's text, then its files as inline data (Gemini reads images, PDFs and text so). */
function partsOf(turn: Turn): Part[] {
  const files = (turn.files ?? []).map((f) => ({ inlineData: { mimeType: f.mimeType, data: f.data } }));
  return [{ text: turn.text }, ...files];
}

function usageOf(u: GenerateContentResponseUsageMetadata): Usage {
  const promptTokens = u.promptTokenCount ?? 0;
  const outputTokens = (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0);
  return { promptTokens, outputTokens, totalTokens: u.totalTokenCount ?? promptTokens + outputTokens };
}

/** The reply text of one chunk, leaving out thought summaries and non-text parts. */
function visibleText(candidate: Candidate | undefined): string {
  let text = "";
  for (const part of candidate?.content?.parts ?? []) {
    if (typeof part.text === "string" && !part.thought) text += part.text;
  }
  return text;
}
