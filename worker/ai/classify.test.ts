import { ApiError } from "@google/genai";
import { describe, expect, it } from "vitest";
import { classifyError, findGoogleError, parseDuration, parseRetryAfter } from "./classify";
import { AbortedError, BlockedError, PermanentError, RateLimitedError, TransientError } from "./errors";

function apiError(status: number, body: unknown): ApiError {
  return new ApiError({ status, message: typeof body === "string" ? body : JSON.stringify(body) });
}

const quota429 = {
  error: {
    code: 429,
    message: "You exceeded your current quota.",
    status: "RESOURCE_EXHAUSTED",
    details: [
      { "@type": "type.googleapis.com/google.rpc.Help", links: [] },
      { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "13s" },
    ],
  },
};

describe("classifyError", () => {
  it("maps a 429 to RateLimitedError with RetryInfo's retryDelay", () => {
    const err = classifyError(apiError(429, quota429));
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).retryAfterMs).toBe(13_000);
    expect(err.retryable).toBe(true);
  });

  it("finds the retryDelay when the SDK nested Google's body inside its own as a string", () => {
    const nested = { error: { message: JSON.stringify(quota429, null, 2), code: 429, status: "Too Many Requests" } };
    const err = classifyError(apiError(429, nested));
    expect((err as RateLimitedError).retryAfterMs).toBe(13_000);
  });

  it("falls back to the Retry-After header, then to no delay at all", () => {
    const bare = { error: { code: 429, message: "Resource has been exhausted", status: "RESOURCE_EXHAUSTED" } };
    expect((classifyError(apiError(429, bare), { retryAfter: "7" }) as RateLimitedError).retryAfterMs).toBe(7_000);
    expect((classifyError(apiError(429, bare)) as RateLimitedError).retryAfterMs).toBeUndefined();
  });

  it("reads an error sent inside the SSE stream", () => {
    const err = classifyError(
      apiError(503, `got status: UNAVAILABLE. ${JSON.stringify({ error: { code: 503, message: "overloaded", status: "UNAVAILABLE" } })}`),
    );
    expect(err).toBeInstanceOf(TransientError);
    expect(err.detail).toContain("overloaded");
  });

  it("treats 5xx and 408 as transient and other 4xx as permanent", () => {
    expect(classifyError(apiError(500, { error: { code: 500, message: "internal" } }))).toBeInstanceOf(TransientError);
    expect(classifyError(apiError(408, "timeout"))).toBeInstanceOf(TransientError);
    const bad = classifyError(
      apiError(400, { error: { code: 400, message: "Request contains an invalid argument.", status: "INVALID_ARGUMENT" } }),
    );
    expect(bad).toBeInstanceOf(PermanentError);
    expect((bad as PermanentError).keyProblem).toBe(false);
    expect((bad as PermanentError).status).toBe(400);
  });

  it("flags a refused key so the caller can bench it rather than fail the reply", () => {
    const invalid = {
      error: {
        code: 400,
        message: "API key not valid. Please pass a valid API key.",
        status: "INVALID_ARGUMENT",
        details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID" }],
      },
    };
    expect((classifyError(apiError(400, invalid)) as PermanentError).keyProblem).toBe(true);
    expect((classifyError(apiError(403, { error: { code: 403, message: "denied" } })) as PermanentError).keyProblem).toBe(true);
  });

  it("treats network failures and unknown errors as transient", () => {
    expect(classifyError(new TypeError("fetch failed"))).toBeInstanceOf(TransientError);
    expect(classifyError(new Error("Incomplete JSON segment at the end"))).toBeInstanceOf(TransientError);
    expect(classifyError("something odd")).toBeInstanceOf(TransientError);
  });

  it("reports an abort as AbortedError, whatever broke on the way", () => {
    expect(classifyError(new DOMException("The operation was aborted", "AbortError"))).toBeInstanceOf(AbortedError);
    expect(classifyError(new TypeError("fetch failed"), { aborted: true })).toBeInstanceOf(AbortedError);
  });

  it("passes provider errors through unchanged", () => {
    const blocked = new BlockedError("SAFETY", "reply");
    expect(classifyError(blocked)).toBe(blocked);
  });

  it("gives every error a message for chat users that leaks no technical detail", () => {
    const err = classifyError(apiError(500, { error: { code: 500, message: "stack trace here" } }));
    expect(err.message).not.toContain("stack trace");
    expect(err.detail).toContain("stack trace");
  });
});

describe("retry delay parsing", () => {
  it("parses protobuf durations", () => {
    expect(parseDuration("13s")).toBe(13_000);
    expect(parseDuration("1.5s")).toBe(1_500);
    expect(parseDuration("0.250s")).toBe(250);
    expect(parseDuration("soon")).toBeUndefined();
  });

  it("parses Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(parseRetryAfter("30", now)).toBe(30_000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:05 GMT", now)).toBe(5_000);
    expect(parseRetryAfter("garbage", now)).toBeUndefined();
  });

  it("returns nothing from a message that holds no Google error", () => {
    expect(findGoogleError("plain words")).toBeUndefined();
    expect(findGoogleError("{not json")).toBeUndefined();
  });
});
