// Gemini's REST wire format as the test double writes it: response chunks and the error
// bodies Google really sends (google.rpc.Status with typed details). Kept apart from the
// server so the scripts' vocabulary (Step) can be imported by tests running inside workerd.

/** What the double does with one call. Scripts are queues of steps, per key. */
export type Step =
  /** A normal reply, streamed chunk by chunk; `stall` keeps the stream open after the chunks. */
  | {
      kind: "reply";
      chunks: string[];
      delayMs?: number;
      finishReason?: string;
      stall?: boolean;
      usage?: { prompt: number; output: number };
    }
  /** An HTTP error with Google's error body; 429 carries RetryInfo when `retryDelay` is set. */
  | { kind: "error"; status: number; retryDelay?: string; retryAfter?: string; message?: string; plainText?: boolean }
  /** Streams the chunks, then cuts the TCP connection without ending the response. */
  | { kind: "drop"; chunks: string[]; delayMs?: number }
  /** A safety block: of the prompt (no candidates), or of the reply after some chunks. */
  | { kind: "block"; where: "prompt" | "reply"; reason?: string; chunks?: string[]; delayMs?: number }
  /** A 200 stream that carries an error object mid-way, as Gemini does when it fails late. */
  | { kind: "streamError"; chunks: string[]; status: number; delayMs?: number };

export interface RecordedRequest {
  id: number;
  method: "streamGenerateContent" | "generateContent";
  apiVersion: string;
  model: string;
  /** From x-goog-api-key, else the `key` query parameter; null when neither was sent. */
  key: string | null;
  body: unknown;
  /** Every inlineData part the request carried, in order: its MIME type, its decoded size, and
   * its bytes (base64) when they are 64 KiB or less. */
  inline: InlinePart[];
  step: Step["kind"] | "auth";
  status: number;
  /** The client went away before the response ended. */
  aborted: boolean;
  /** The response was written to its end (or cut by a "drop" step on purpose). */
  completed: boolean;
}

export type InlinePart = { role: string; mimeType: string; size: number; data?: string };

/** The inlineData parts of a generateContent body, as RecordedRequest.inline lists them. */
export function inlineParts(body: unknown): InlinePart[] {
  type Part = { inlineData?: { mimeType?: string; data?: string } };
  const contents = (body as { contents?: { role?: string; parts?: Part[] }[] }).contents ?? [];
  return contents.flatMap((c) =>
    (c.parts ?? []).flatMap((p) => {
      if (!p.inlineData) return [];
      const data = p.inlineData.data ?? "";
      const size = Buffer.from(data, "base64").length;
      return [{ role: c.role ?? "", mimeType: p.inlineData.mimeType ?? "", size, ...(size <= 65_536 ? { data } : {}) }];
    }),
  );
}

const STATUS_NAMES: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  408: "DEADLINE_EXCEEDED",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

const DEFAULT_MESSAGES: Record<number, string> = {
  400: "Request contains an invalid argument.",
  403: "The caller does not have permission",
  404: "models/unknown is not found for API version v1beta, or is not supported for generateContent.",
  429: "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
  500: "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
  503: "The model is overloaded. Please try again later.",
};

export function errorBody(status: number, model: string, options: { message?: string; retryDelay?: string } = {}) {
  const details: unknown[] = [];
  if (status === 429) {
    details.push({
      "@type": "type.googleapis.com/google.rpc.QuotaFailure",
      violations: [
        {
          quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests",
          quotaId: "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
          quotaDimensions: { location: "global", model },
          quotaValue: "10",
        },
      ],
    });
    details.push({
      "@type": "type.googleapis.com/google.rpc.Help",
      links: [{ description: "Learn more about Gemini API quotas", url: "https://ai.google.dev/gemini-api/docs/rate-limits" }],
    });
    if (options.retryDelay) details.push({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: options.retryDelay });
  }
  return {
    error: {
      code: status,
      message: options.message ?? DEFAULT_MESSAGES[status] ?? "Error",
      status: STATUS_NAMES[status] ?? "UNKNOWN",
      ...(details.length ? { details } : {}),
    },
  };
}

export function invalidKeyBody() {
  return {
    error: {
      code: 400,
      message: "API key not valid. Please pass a valid API key.",
      status: "INVALID_ARGUMENT",
      details: [
        {
          "@type": "type.googleapis.com/google.rpc.ErrorInfo",
          reason: "API_KEY_INVALID",
          domain: "googleapis.com",
          metadata: { service: "generativelanguage.googleapis.com" },
        },
      ],
    },
  };
}

export function missingKeyBody() {
  return {
    error: {
      code: 403,
      message:
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      status: "PERMISSION_DENIED",
    },
  };
}

/** One GenerateContentResponse chunk with text; the last one carries the finishReason. */
export function textChunk(text: string, model: string, finishReason?: string, usage?: { prompt: number; output: number }) {
  return {
    candidates: [
      {
        content: { parts: [{ text }], role: "model" },
        ...(finishReason ? { finishReason } : {}),
        index: 0,
      },
    ],
    ...(usage
      ? {
          usageMetadata: {
            promptTokenCount: usage.prompt,
            candidatesTokenCount: usage.output,
            totalTokenCount: usage.prompt + usage.output,
          },
        }
      : {}),
    modelVersion: model,
    responseId: "double-response",
  };
}

export function blockedReplyChunk(reason: string, model: string) {
  return {
    candidates: [
      {
        finishReason: reason,
        index: 0,
        safetyRatings: [
          { category: "HARM_CATEGORY_HARASSMENT", probability: "HIGH", blocked: true },
          { category: "HARM_CATEGORY_HATE_SPEECH", probability: "NEGLIGIBLE" },
        ],
      },
    ],
    modelVersion: model,
  };
}

export function blockedPromptChunk(reason: string, model: string) {
  return {
    promptFeedback: { blockReason: reason },
    usageMetadata: { promptTokenCount: 8, totalTokenCount: 8 },
    modelVersion: model,
  };
}

/** Google separates SSE events with CRLF pairs. */
export function sseEvent(payload: unknown): string {
  return `data: ${JSON.stringify(payload)}\r\n\r\n`;
}
