// A token bucket per name (e.g. "login-ip:203.0.113.7"), for limits that must hold across
// every isolate of the Worker: login and registration attempts. It is its own object, one per
// name, so a flood against one name never slows down the others. The bucket lives in memory:
// if the object is evicted it refills, which only ever errs towards letting people in.
//
// The same object also holds leases, for "at most N at once" limits (a person's AI replies being
// written): kept in its storage, since one lasts longer than an idle object stays in memory, and
// each expires on its own, so a holder that died without releasing frees its place.
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

  /** Takes (or keeps) the lease `id` among at most `max` unexpired ones, for `ttlMs`; returns 0,
   * or, when all are held, the ms until the first of them expires. */
  hold(id: string, max: number, ttlMs: number, now = Date.now()): number {
    const held = Object.entries(this.ctx.storage.kv.get<Record<string, number>>(LEASES) ?? {}).filter(([, until]) => until > now);
    const others = held.filter(([holder]) => holder !== id);
    if (others.length >= max) return Math.max(1, Math.min(...others.map(([, until]) => until)) - now);
    this.ctx.storage.kv.put(LEASES, Object.fromEntries([...others, [id, now + ttlMs]]));
    return 0;
  }

  release(id: string): void {
    const held = this.ctx.storage.kv.get<Record<string, number>>(LEASES);
    if (held && id in held) {
      delete held[id];
      this.ctx.storage.kv.put(LEASES, held);
    }
  }
}

const LEASES = "leases";

/** The limiter for one name (e.g. "login-ip:203.0.113.7"): one object per name. */
export function rateLimiter(env: Pick<Env, "RATE_LIMITER">, name: string) {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(name));
}
