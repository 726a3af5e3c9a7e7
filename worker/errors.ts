// The one error type the API throws, and the one place it becomes a response. Every failure
// leaves as `{"error": {"code", "message", "details?"}}`; an unreachable history store is a
// 503 `store_unavailable` with Retry-After; unknown errors are logged with context and
// answered with a generic 500, never a stack trace.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { errorFields, log } from "../shared/log";
import { isStoreDown, isUnstorableText } from "../shared/store";

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: unknown) => new ApiError(400, "invalid_input", message, details);
export const unauthorized = (message = "Sign in to continue.", code = "unauthorized") => new ApiError(401, code, message);
export const forbidden = (message: string, code = "forbidden") => new ApiError(403, code, message);
export const notFound = (what: string) => new ApiError(404, "not_found", `${what} not found.`);
export const conflict = (message: string, code = "conflict") => new ApiError(409, code, message);
export const tooLarge = (message = "Request body is too large.") => new ApiError(413, "payload_too_large", message);

export function rateLimited(retryAfterMs: number, message = "Too many requests. Try again shortly.") {
  const seconds = String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
  return new ApiError(
    429,
    "rate_limited",
    message,
    { retryAfterMs },
    {
      "Retry-After": seconds,
      "RateLimit-Remaining": "0",
      "RateLimit-Reset": seconds,
    },
  );
}

/** How long a client is asked to wait before retrying during a store outage. */
export const STORE_RETRY_AFTER_SECONDS = 5;

export function storeUnavailable() {
  return new ApiError(
    503,
    "store_unavailable",
    "Message history is temporarily unavailable. Live chat keeps working; please try again shortly.",
    { retryAfterMs: STORE_RETRY_AFTER_SECONDS * 1000 },
    { "Retry-After": String(STORE_RETRY_AFTER_SECONDS) },
  );
}

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

/** What hono's own refusals become in this API's terms (docs/API.md lists each code). */
const HTTP_EXCEPTIONS: Partial<Record<number, [code: string, message?: string]>> = {
  400: ["invalid_json", "The request body is not valid JSON."],
  413: ["payload_too_large"],
  415: ["unsupported_media_type", "This route takes a JSON body: send it with Content-Type: application/json."],
};

export function onError(err: Error, c: Context): Response {
  if (!(err instanceof ApiError) && isStoreDown(err)) {
    // An outage, not a bug: one line with its cause, no stack.
    log.warn("store_unavailable", { requestId: c.get("requestId"), path: c.req.path, ...errorFields(err) });
    err = storeUnavailable();
  }
  // A NUL in a JSON string (a username at sign-in, say) that reached a Postgres query.
  if (!(err instanceof ApiError) && isUnstorableText(err)) err = badRequest("Text with a NUL character cannot be used here.");
  if (err instanceof ApiError) {
    return c.json(errorBody(err.code, err.message, err.details), err.status, err.headers);
  }
  if (err instanceof HTTPException) {
    // Raised by hono itself: the JSON validator on a malformed body, or the route's check of
    // the body's Content-Type against the type it declares.
    const status = err.status as ContentfulStatusCode;
    const [code, message] = HTTP_EXCEPTIONS[status] ?? ["http_error"];
    return c.json(errorBody(code, message ?? (err.message || "Request failed.")), status);
  }
  log.error("unhandled_error", { requestId: c.get("requestId"), path: c.req.path, error: String(err), stack: err.stack });
  return c.json(errorBody("internal_error", "Something went wrong on our side. Please try again."), 500);
}
