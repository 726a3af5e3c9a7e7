// The flush lag a room reports: measured from its oldest unflushed write, and kept across a
// failed flush.
import { describe, expect, it } from "vitest";
import { read, waitForSample } from "../../test/metrics";
import { FlushLag } from "./flush-lag";

describe("FlushLag", () => {
  const user = (createdAt: number) => ({ message: { author: { kind: "user" } }, createdAt });
  const ai = (createdAt: number) => ({ message: { author: { kind: "ai" } }, createdAt });

  it("measures from the first unflushed write, and a failed flush keeps that write's age", async () => {
    const failures = await read("parlor_history_flush_failures_total");
    const lag = new FlushLag();
    lag.dirty(1_000);
    lag.dirty(1_500);
    const since = lag.begin([user(900)]);
    expect(since).toBe(1_000);
    lag.dirty(2_000); // written while the flush is in flight
    lag.end(since, false, true, 3_000);
    // The retry carries the failed rows, which have waited since 1_000.
    expect(lag.begin([user(900)])).toBe(1_000);
    await waitForSample("parlor_history_flush_failures_total", "", (v) => v >= failures + 1);
  });

  it("counts each batch of a draining backlog from its own oldest message, not the outage's start", () => {
    const lag = new FlushLag();
    lag.dirty(1_000);
    const first = lag.begin([user(1_000), user(1_100)]);
    expect(first).toBe(1_000);
    lag.end(first, true, true, 60_000); // a full batch: more rows wait
    expect(lag.begin([user(30_000), user(30_100)])).toBe(30_000);
  });

  it("falls back to the oldest person's message after a restart, ignoring AI replies", () => {
    expect(new FlushLag().begin([ai(10), user(50), user(70)])).toBe(50);
    expect(new FlushLag().begin([ai(10)])).toBeUndefined();
  });
});
