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

  it("gives a freed place to whoever has waited longest and still asks, not to whoever asks first", async () => {
    const limiter = rateLimiter(env, `leases-${crypto.randomUUID()}`);
    const t = 2_000_000;
    const ask = (lease: string, job: string, at: number) => limiter.hold(lease, 1, 60_000, t + at, job, 10_000);
    expect(await ask("a1", "a", 0)).toBe(0);
    // b waits first, then c; each delivery names a lease of its own.
    expect(await ask("b1", "b", 1_000)).toBe(59_000);
    expect(await ask("c1", "c", 2_000)).toBeGreaterThan(0);
    await limiter.release("a1", "a");
    // The place is free, but b waited longer: c is told to wait, and b, asking later, gets it.
    expect(await ask("c2", "c", 3_000)).toBe(1);
    expect(await ask("b2", "b", 3_500)).toBe(0);
    await limiter.release("b2", "b");
    expect(await ask("c3", "c", 4_000)).toBe(0);
    await limiter.release("c3", "c");
    // One who stops asking leaves the line: d waited first, but not since 10 s ago.
    expect(await ask("e1", "e", 5_000)).toBe(0);
    expect(await ask("d1", "d", 6_000)).toBeGreaterThan(0);
    expect(await ask("f1", "f", 7_000)).toBeGreaterThan(0);
    await limiter.release("e1", "e");
    expect(await ask("f2", "f", 16_500)).toBe(0);
  });

  it("keeps a redelivered job's place apart from the delivery still running: releasing one frees one", async () => {
    const limiter = rateLimiter(env, `leases-${crypto.randomUUID()}`);
    const t = 3_000_000;
    expect(await limiter.hold("first", 2, 60_000, t, "job")).toBe(0);
    expect(await limiter.hold("again", 2, 60_000, t + 1, "job")).toBe(0);
    expect(await limiter.hold("other", 2, 60_000, t + 2, "other")).toBeGreaterThan(0);
    await limiter.release("again", "job");
    expect(await limiter.hold("other2", 2, 60_000, t + 3, "other")).toBe(0);
    expect(await limiter.hold("third", 2, 60_000, t + 4, "third")).toBeGreaterThan(0);
  });
});
