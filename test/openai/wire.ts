// The OpenAI chat-completions wire format as the test double writes it: streamed
// `chat.completion.chunk` events and the error bodies OpenAI sends. Kept apart from the server
// so the scripts' vocabulary (Step) can be imported by tests running inside workerd.

/** What the double does with one call. Scripts are queues of steps, per model name. */
export type Step =
  /** A normal reply, streamed chunk by chunk; `stall` keeps the stream open after the chunks. */
  | { kind: "reply"; chunks: string[]; delayMs?: number; finishReason?: string; stall?: boolean }
  /** An HTTP error with OpenAI's error body, and Retry-After (seconds) when given. */
  | { kind: "error"; status: number; retryAfter?: string; message?: string }
  /** Streams the chunks, then cuts the TCP connection without ending the response. */
  | { kind: "drop"; chunks: string[]; delayMs?: number };

export interface RecordedRequest {
  id: number;
  model: string;
  /** What scripts and the request log are keyed by: the model. */
  key: string;
  /** The bearer token; null when none was sent. */
  apiKey: string | null;
  body: unknown;
  step: Step["kind"] | "auth";
  status: number;
  /** The client went away before the response ended. */
  aborted: boolean;
  /** The response was written to its end (or cut by a "drop" step on purpose). */
  completed: boolean;
}

const TYPES: Record<number, string> = { 400: "invalid_request_error", 401: "invalid_request_error", 429: "rate_limit_error" };

export function errorBody(status: number, message?: string, code: string | null = null) {
  return {
    error: {
      message: message ?? (status === 429 ? "Rate limit reached for requests. Please try again in 1s." : "The server had an error."),
      type: TYPES[status] ?? "server_error",
      param: null,
      code,
    },
  };
}

/** One streamed chunk: the first carries the role, the last an empty delta and the finish_reason. */
export function chunk(model: string, delta: { role?: string; content?: string }, finishReason: string | null = null) {
  return {
    id: "chatcmpl-double",
    object: "chat.completion.chunk",
    created: 1_767_225_600,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

/** OpenAI separates SSE events with blank lines and ends the stream with `data: [DONE]`. */
export function sseEvent(payload: unknown): string {
  return `data: ${payload === "[DONE]" ? payload : JSON.stringify(payload)}\n\n`;
}
