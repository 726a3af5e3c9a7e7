// The typed failures every provider throws. The queue consumer decides on retries from the
// error's class alone and shows the error's `message` to the chat's users, so messages are
// written for them; the technical detail rides along in `detail` for logs.

export type ProviderErrorKind = "rate_limited" | "transient" | "permanent" | "blocked" | "empty" | "aborted";

export abstract class ProviderError extends Error {
  abstract readonly kind: ProviderErrorKind;
  /** Whether trying again later (same or another key) can succeed. */
  abstract readonly retryable: boolean;
  /** What actually happened, for logs and /api/admin/keys; never shown to chat users. */
  readonly detail: string;

  constructor(message: string, detail: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.detail = detail;
  }
}

/** 429: this key's project is over a quota. Another project's key may still work. */
export class RateLimitedError extends ProviderError {
  readonly kind = "rate_limited";
  readonly retryable = true;
  /** Parsed from RetryInfo.retryDelay or Retry-After; undefined when the server gave neither. */
  readonly retryAfterMs: number | undefined;

  constructor(retryAfterMs: number | undefined, detail = "rate limited", options?: { cause?: unknown }) {
    super("The AI is getting too many requests right now; it will try again shortly.", detail, options);
    this.retryAfterMs = retryAfterMs;
  }
}

/** 5xx, 408, network failures, inactivity timeouts and streams that stop before their end. */
export class TransientError extends ProviderError {
  readonly kind = "transient";
  readonly retryable = true;

  constructor(detail: string, options?: { cause?: unknown }) {
    super("The AI service is having trouble right now; the reply will be retried.", detail, options);
  }
}

/** Any other 4xx: retrying the same request cannot help. */
export class PermanentError extends ProviderError {
  readonly kind = "permanent";
  readonly retryable = false;
  readonly status: number | undefined;
  /**
   * The key itself was refused (invalid, revoked, no permission). The request might succeed
   * with another key, so the consumer should bench this key rather than fail the reply.
   */
  readonly keyProblem: boolean;

  constructor(detail: string, opts: { status?: number; keyProblem?: boolean; cause?: unknown } = {}) {
    super(
      opts.keyProblem
        ? "The AI service refused its API key; an administrator needs to check the keys."
        : "The AI service could not handle this conversation.",
      detail,
      { cause: opts.cause },
    );
    this.status = opts.status;
    this.keyProblem = opts.keyProblem ?? false;
  }
}

/** The prompt or the reply was stopped by the provider's safety or policy filters. */
export class BlockedError extends ProviderError {
  readonly kind = "blocked";
  readonly retryable = false;
  /** blockReason or finishReason as Gemini sent it, e.g. "SAFETY", "PROHIBITED_CONTENT". */
  readonly reason: string;

  constructor(reason: string, where: "prompt" | "reply") {
    super(
      where === "prompt"
        ? "The AI declined to answer: the conversation was blocked by its content filters."
        : "The AI's reply was stopped by its content filters.",
      `${where} blocked: ${reason}`,
    );
    this.reason = reason;
  }
}

/** The stream finished properly but carried no text (e.g. all tokens spent on thinking). */
export class EmptyReplyError extends ProviderError {
  readonly kind = "empty";
  readonly retryable = false;

  constructor(detail = "empty reply") {
    super("The AI had nothing to say this time.", detail);
  }
}

/** The caller aborted (a user pressed stop, or the job was cancelled). Not a failure. */
export class AbortedError extends ProviderError {
  readonly kind = "aborted";
  readonly retryable = false;

  constructor(detail = "aborted by caller") {
    super("The reply was stopped.", detail);
  }
}
