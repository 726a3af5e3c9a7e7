// An in-memory token bucket, used where one object already owns the state (a ChatRoom's
// per-user send limit). Deterministic given the clock, so it is easy to reason about.
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.updatedAt = now;
  }

  /** Takes a token; returns 0 on success, or how many ms until one is available. */
  take(now = Date.now()): number {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.perSecond);
    this.updatedAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }

  /** Gives back a token taken for something that turned out to cost nothing. */
  refund(): void {
    this.tokens = Math.min(this.burst, this.tokens + 1);
  }
}
