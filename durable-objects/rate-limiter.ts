// A token bucket per name (e.g. "login-ip:203.0.113.7"), for limits that must hold across
// every isolate of the Worker: login and registration attempts. It is its own object, one per
// name, so a flood against one name never slows down the others. The bucket lives in memory:
// if the object is evicted it refills, which only ever errs towards letting people in.
//
// The same object also holds leases, for "at most N at once" limits (a person's AI replies being
// written): kept in its storage, since one lasts longer than an idle object stays in memory, and
// each expires on its own, so a holder that died without releasing frees its place. Those who
// were refused wait in line: a place that frees goes to whoever has waited longest among those
// still asking, not to whichever happens to ask first.
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

  /**
   * Takes (or keeps) the lease `id` among at most `max` unexpired ones, for `ttlMs`, in turn:
   * `asker` (the lease's id unless given; one job's successive deliveries share it) is refused
   * while as many others as there are free places have waited longer and asked again within
   * `waitMs`, and then waits in line itself. Returns 0, or how many ms until a place could
   * free up: when every place is held, until the first lease ends.
   */
  hold(id: string, max: number, ttlMs: number, now = Date.now(), asker = id, waitMs = ttlMs): number {
    const held = live(this.ctx.storage.kv.get<Record<string, number>>(LEASES), now);
    const others = held.filter(([holder]) => holder !== id);
    const line = live(this.ctx.storage.kv.get<Record<string, number[]>>(LINE), now, ([, [, last = 0]]) => last + waitMs);
    const since = line.find(([who]) => who === asker)?.[1][0] ?? now;
    const ahead = line.filter(([who, [first = 0]]) => who !== asker && (first < since || (first === since && who < asker))).length;
    const free = max - others.length;
    const rest = line.filter(([who]) => who !== asker);
    if (free > ahead) {
      this.ctx.storage.kv.put(LEASES, Object.fromEntries([...others, [id, now + ttlMs]]));
      this.ctx.storage.kv.put(LINE, Object.fromEntries(rest));
      return 0;
    }
    this.ctx.storage.kv.put(LINE, Object.fromEntries([...rest, [asker, [since, now]]]));
    return free > 0 ? 1 : Math.max(1, Math.min(...others.map(([, until]) => until)) - now);
  }

  /** Gives the lease `id` back; with `asker`, that one no longer waits in line either (its job is
   * done, or left for good). */
  release(id: string, asker?: string): void {
    const held = this.ctx.storage.kv.get<Record<string, number>>(LEASES);
    if (held && id in held) {
      delete held[id];
      this.ctx.storage.kv.put(LEASES, held);
    }
    const line = this.ctx.storage.kv.get<Record<string, number[]>>(LINE);
    if (asker && line && asker in line) {
      delete line[asker];
      this.ctx.storage.kv.put(LINE, line);
    }
  }
}

const LEASES = "leases";
/** Who waits for a lease: asker -> [first asked, last asked]. */
const LINE = "line";

/** The entries of `record` that have not ended by `now` (`end` says when each ends). */
function live<T>(record: Record<string, T> | undefined, now: number, end = ([, v]: [string, T]) => Number(v)): [string, T][] {
  return Object.entries(record ?? {}).filter((entry) => end(entry) > now);
}

/** The limiter for one name (e.g. "login-ip:203.0.113.7"): one object per name. */
export function rateLimiter(env: Pick<Env, "RATE_LIMITER">, name: string) {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(name));
}
