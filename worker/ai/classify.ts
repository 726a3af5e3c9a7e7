// Maps whatever the Gemini SDK (or fetch underneath it) throws onto the typed provider errors.
// @google/genai surfaces HTTP failures as `ApiError { status, message }`, where `message` is
// the JSON error body re-serialised (sometimes with the real body nested as a string inside
// `error.message`, when the server did not label it application/json), and errors sent inside
// an SSE stream as "got status: X. {json}". Headers are lost on the way, so a `Retry-After`
// header has to be captured by the caller and passed in as a hint.
import { AbortedError, PermanentError, ProviderError, RateLimitedError, TransientError } from "./errors";

export interface ClassifyHints {
  /** The caller's signal was aborted: whatever broke, it broke because we asked it to. */
  aborted?: boolean;
  /** The `Retry-After` header of the failed response, when the caller could see it. */
  retryAfter?: string | null;
  /** Wall clock for HTTP-date Retry-After values; injectable for tests. */
  now?: number;
}

interface GoogleErrorBody {
  code?: number;
  message?: string;
  status?: string;
  details?: unknown[];
}

export function classifyError(err: unknown, hints: ClassifyHints = {}): ProviderError {
  if (err instanceof ProviderError) return err;
  if (hints.aborted || isAbortError(err)) return new AbortedError(describe(err));

  const status = apiStatus(err);
  if (status === undefined) {
    // fetch rejections (DNS, refused, reset), truncated SSE bodies and JSON parse failures of
    // a half-received chunk all mean the transport failed, not that the request was wrong.
    return new TransientError(describe(err), { cause: err });
  }

  const text = err instanceof Error ? err.message : String(err);
  const body = findGoogleError(text);
  const detail = truncate(`HTTP ${status}${body?.status ? ` ${body.status}` : ""}: ${body?.message ?? text}`);

  if (status === 429) {
    const delay = retryDelayMs(body, text) ?? parseRetryAfter(hints.retryAfter, hints.now);
    return new RateLimitedError(delay, detail, { cause: err });
  }
  if (status === 408 || status >= 500) return new TransientError(detail, { cause: err });
  return new PermanentError(detail, { status, keyProblem: isKeyProblem(status, body, text), cause: err });
}

/** Parses a protobuf Duration as JSON renders it ("13s", "1.5s", "0.250s") into ms. */
export function parseDuration(value: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)s\s*$/.exec(value);
  if (!match?.[1]) return undefined;
  return Math.ceil(Number(match[1]) * 1000);
}

/** Parses a Retry-After header: delta-seconds or an HTTP-date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

function retryDelayMs(body: GoogleErrorBody | undefined, text: string): number | undefined {
  for (const detail of body?.details ?? []) {
    if (!isRecord(detail)) continue;
    const type = detail["@type"];
    const delay = detail.retryDelay;
    if (typeof type === "string" && type.endsWith("google.rpc.RetryInfo") && typeof delay === "string") {
      const ms = parseDuration(delay);
      if (ms !== undefined) return ms;
    }
  }
  // A body we could not parse as a whole may still carry the field verbatim.
  const loose = /\\?"retryDelay\\?"\s*:\s*\\?"(\d+(?:\.\d+)?s)\\?"/.exec(text);
  return loose?.[1] ? parseDuration(loose[1]) : undefined;
}

function isKeyProblem(status: number, body: GoogleErrorBody | undefined, text: string): boolean {
  if (status === 401 || status === 403) return true;
  if (status !== 400) return false;
  const reasons = (body?.details ?? []).flatMap((d) => (isRecord(d) && typeof d.reason === "string" ? [d.reason] : []));
  return reasons.includes("API_KEY_INVALID") || /API key (not valid|expired|invalid)/i.test(text);
}

/**
 * Digs the innermost `{code, message, status, details}` object out of an SDK error message,
 * unwrapping the shapes the SDK produces: a "got status: X." prefix, an array around the body,
 * and a body serialised as a string inside `error.message`.
 */
export function findGoogleError(text: string, depth = 0): GoogleErrorBody | undefined {
  if (depth > 3) return undefined;
  const start = text.search(/[[{]/);
  if (start < 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(start));
  } catch {
    return undefined;
  }
  if (Array.isArray(parsed)) parsed = parsed[0];
  if (!isRecord(parsed) || !isRecord(parsed.error)) return undefined;
  const error = parsed.error;
  const body: GoogleErrorBody = {
    code: typeof error.code === "number" ? error.code : undefined,
    message: typeof error.message === "string" ? error.message : undefined,
    status: typeof error.status === "string" ? error.status : undefined,
    details: Array.isArray(error.details) ? error.details : undefined,
  };
  const nested = body.message ? findGoogleError(body.message, depth + 1) : undefined;
  return nested ?? body;
}

function apiStatus(err: unknown): number | undefined {
  if (!(err instanceof Error) || err.name !== "ApiError") return undefined;
  const status = (err as Error & { status?: unknown }).status;
  return typeof status === "number" ? status : undefined;
}

function isAbortError(err: unknown): boolean {
  return (err instanceof Error || err instanceof DOMException) && err.name === "AbortError";
}

function describe(err: unknown): string {
  if (err instanceof Error) return truncate(`${err.name}: ${err.message}`);
  return truncate(String(err));
}

function truncate(text: string, max = 400): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
