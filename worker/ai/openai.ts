// A provider for any OpenAI-compatible chat-completions endpoint (OpenAI itself, or a server
// that speaks its API: vLLM, llama.cpp, Ollama, a gateway): `POST {baseUrl}/chat/completions`
// with `stream: true`, read as server-sent events until `data: [DONE]`. Plain fetch, no SDK.
// It carries its own key (OPENAI_API_KEY), so it leases none from the KeyPool; its failures
// leave as the same typed errors as Gemini's, so the queue consumer retries them the same way:
// 429 waits for Retry-After, 408/5xx and cut streams climb the retry ladder, a refused key or
// another 4xx fails the reply.
import { parseRetryAfter } from "./classify";
import { AbortedError, BlockedError, EmptyReplyError, PermanentError, ProviderError, RateLimitedError, TransientError } from "./errors";
import type { ChatProvider, GenerateRequest, ProviderEntry } from "./provider";
import { DEFAULT_INACTIVITY_TIMEOUT_MS, Watchdog } from "./watchdog";

export interface OpenAiOptions {
  /** Up to and including the version, e.g. https://api.openai.com/v1. */
  baseUrl: string;
  apiKey: string;
  /** A stream that produces nothing for this long is abandoned as a TransientError. */
  inactivityTimeoutMs?: number;
}

/** What one streamed `chat.completion.chunk` (or an error event) looks like, as far as it matters here. */
type Chunk = {
  choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
  error?: { message?: string; type?: string; code?: string | null };
};

/** A character picks this provider with the model `openai:<model>` (or `openai` for
 * OPENAI_MODEL); it answers when OPENAI_API_KEY is set. */
export const openAiEntry: ProviderEntry = {
  name: "openai",
  modelPattern: "openai(?::[A-Za-z0-9._:/-]+)?",
  modelHint: "openai:<model> for the OpenAI-compatible endpoint",
  upstreamModel: (model, ai) => model.slice("openai:".length) || ai.openai.model,
  create: (ai) =>
    ai.openai.apiKey
      ? { provider: createOpenAiProvider({ baseUrl: ai.openai.baseUrl, apiKey: ai.openai.apiKey }), defaultModel: ai.openai.model }
      : null,
};

export function createOpenAiProvider(options: OpenAiOptions): ChatProvider {
  return {
    name: "openai",
    leasesKeys: false,
    stream: (req, signal) => streamOpenAi(req, signal, options),
  };
}

async function* streamOpenAi(req: GenerateRequest, signal: AbortSignal, options: OpenAiOptions): AsyncGenerator<string> {
  if (signal.aborted) throw new AbortedError();
  // Our own controller, so the watchdog and an early `break` by the consumer cancel the request.
  const upstream = new AbortController();
  const forwardAbort = () => upstream.abort();
  signal.addEventListener("abort", forwardAbort, { once: true });
  const watchdog = new Watchdog(options.inactivityTimeoutMs ?? DEFAULT_INACTIVITY_TIMEOUT_MS, signal, forwardAbort);
  let completed = false;
  try {
    const res = await watchdog.guard(fetch(`${options.baseUrl}/chat/completions`, request(req, options, upstream.signal)));
    if (!res.ok) throw await httpError(res);
    if (!res.body) throw new TransientError("the endpoint answered without a body");
    let emitted = 0;
    let finishReason: string | undefined;
    const events = sseData(res.body)[Symbol.asyncIterator]();
    while (true) {
      const step = await watchdog.guard(events.next());
      if (step.done || step.value === "[DONE]") break;
      const chunk = JSON.parse(step.value) as Chunk;
      // An error after the 200: the server failed part-way.
      if (chunk.error) throw new TransientError(`error in the stream: ${chunk.error.message ?? chunk.error.type ?? "unknown"}`);
      const choice = chunk.choices?.[0];
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      const text = choice?.delta?.content;
      if (text) {
        emitted += text.length;
        yield text;
      }
    }
    completed = true;
    // The last chunk carries a finish_reason; a stream that ends without one was cut.
    if (!finishReason) throw new TransientError("the stream ended before the model finished the reply");
    if (finishReason === "content_filter") throw new BlockedError(finishReason, "reply");
    if (emitted === 0) throw new EmptyReplyError(`no text in the reply (finish_reason ${finishReason})`);
  } catch (err) {
    if (watchdog.fired && !signal.aborted) throw new TransientError(`no data from the endpoint for ${watchdog.ms} ms`, { cause: err });
    if (signal.aborted) throw new AbortedError();
    if (err instanceof ProviderError) throw err;
    // fetch rejections, a body cut mid-read, a chunk that is not JSON: the transport failed.
    throw new TransientError(err instanceof Error ? `${err.name}: ${err.message}` : String(err), { cause: err });
  } finally {
    watchdog.dispose();
    signal.removeEventListener("abort", forwardAbort);
    if (!completed) upstream.abort();
  }
}

function request(req: GenerateRequest, options: OpenAiOptions, signal: AbortSignal): RequestInit {
  const messages = [
    { role: "system", content: req.systemPrompt },
    ...req.contents.map((turn) => ({ role: turn.role === "model" ? "assistant" : "user", content: turn.text })),
  ];
  return {
    method: "POST",
    headers: { authorization: `Bearer ${options.apiKey}`, "content-type": "application/json", accept: "text/event-stream" },
    // max_tokens rather than max_completion_tokens: the one every compatible server understands.
    body: JSON.stringify({ model: req.model, messages, stream: true, temperature: req.temperature, max_tokens: req.maxOutputTokens }),
    signal,
  };
}

/** A failed response as a typed error: the retry decision is the status's, the words the body's. */
async function httpError(res: Response): Promise<ProviderError> {
  const text = await res.text().catch(() => "");
  let message = text.slice(0, 300);
  try {
    message = (JSON.parse(text) as Chunk).error?.message ?? message;
  } catch {
    // Not JSON (a proxy's page): the raw start of it.
  }
  const detail = `HTTP ${res.status}: ${message}`;
  if (res.status === 429) {
    const ms = Number(res.headers.get("retry-after-ms"));
    const retryAfterMs = ms > 0 ? Math.ceil(ms) : parseRetryAfter(res.headers.get("retry-after"));
    return new RateLimitedError(retryAfterMs, detail);
  }
  if (res.status === 408 || res.status >= 500) return new TransientError(detail);
  return new PermanentError(detail, { status: res.status, keyProblem: res.status === 401 || res.status === 403 });
}

/** The `data` of each server-sent event, in order (comments and other fields skipped). */
async function* sseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  let buffer = "";
  for await (const text of body.pipeThrough(new TextDecoderStream())) {
    // Normalised after joining, so a CRLF split across two reads is caught too.
    buffer = (buffer + text).replaceAll("\r\n", "\n");
    for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event
        .split("\n")
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).trimStart())
        .join("\n");
      if (data) yield data;
    }
  }
}
