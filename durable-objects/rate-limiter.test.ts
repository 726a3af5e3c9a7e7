// The limiter's leases ("at most N at once"): taken and kept by id, refused with the wait until
// the first expires, freed by release or by expiry, and kept when the object leaves memory.
import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { rateLimiter } from "./rate-limiter";

describe("leases", () => {
  it("holds at most N at once, by id, until released or expired, across an eviction", async () => {
    const limiter = rateLimiter(env, `leases-${crypto.randomUUID()}`);
    const t = 1_000_000;
    expect(await limiter.hold("a", 2, 60_000, t)).toBe(0);
    expect(await limiter.hold("b", 2, 60_000, t + 1_000)).toBe(0);
    // Full: the wait is until the first lease ends. Holding one already held is not a new one.
    expect(await limiter.hold("c", 2, 60_000, t + 2_000)).toBe(58_000);
    expect(await limiter.hold("a", 2, 60_000, t + 2_000)).toBe(0);
    await evictDurableObject(limiter);
    expect(await limiter.hold("c", 2, 60_000, t + 3_000)).toBe(58_000);
    await limiter.release("b");
    expect(await limiter.hold("c", 2, 60_000, t + 3_000)).toBe(0);
    // A holder that never released ("a", renewed at t + 2 s): its place frees when its lease ends.
    expect(await limiter.hold("d", 2, 60_000, t + 61_999)).toBe(1);
    expect(await limiter.hold("d", 2, 60_000, t + 62_000)).toBe(0);
  });
});
