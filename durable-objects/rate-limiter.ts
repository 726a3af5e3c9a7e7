// A token bucket per name (e.g. "login-ip:203.0.113.7"), for limits that must hold across
// every isolate of the Worker: login and registration attempts. It is its own object, one per
// name, so a flood against one name never slows down the others. State lives in memory: if
// the object is evicted the bucket refills, which only ever errs towards letting people in.
import { DurableObject } from "cloudflare:workers";
import { TokenBucket } from "./token-bucket";

export class RateLimiter extends DurableObject {
  private bucket?: TokenBucket;

  /** Takes one token from a bucket of `burst` refilled at `perMinute`; returns the wait in ms
   * (0 when allowed). */
  take(burst: number, perMinute: number): number {
    this.bucket ??= new TokenBucket(burst, perMinute / 60);
    return this.bucket.take();
  }
}

/** The limiter for one name (e.g. "login-ip:203.0.113.7"): one object per name. */
export function rateLimiter(env: Pick<Env, "RATE_LIMITER">, name: string) {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(name));
}
