// The read marker: throttled, only while visible, always the newest seq, retried after a failure.
import { createRoot, createSignal } from "solid-js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../api";
import { createReadMarker } from "./read";

afterEach(() => vi.useRealTimers());

/** A read marker at `first`, sending with `send`; `setSeq` moves what was read. */
function start(first: number, send: (seq: number) => Promise<unknown>) {
  const [seq, setSeq] = createSignal(first);
  const dispose = createRoot((d) => {
    createReadMarker(seq, send);
    return d;
  });
  return { setSeq, dispose };
}

describe("createReadMarker", () => {
  it("sends the newest seq at most once per interval", async () => {
    vi.useFakeTimers();
    const send = vi.fn(async (_seq: number) => {});
    const { setSeq, dispose } = start(3, send);
    setSeq(4);
    setSeq(7);
    await vi.advanceTimersByTimeAsync(1000);
    expect(send).toHaveBeenCalledTimes(1);
    expect(send).toHaveBeenCalledWith(7);
    setSeq(7);
    await vi.advanceTimersByTimeAsync(1000);
    expect(send).toHaveBeenCalledTimes(1);
    dispose();
  });

  it("sends what was read when it stops within the interval", async () => {
    vi.useFakeTimers();
    const send = vi.fn(async (_seq: number) => {});
    const { setSeq, dispose } = start(3, send);
    await vi.advanceTimersByTimeAsync(1000);
    setSeq(5);
    dispose();
    expect(send.mock.calls.map((c) => c[0])).toEqual([3, 5]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(send).toHaveBeenCalledTimes(2);
  });

  it("tries again after a failed send", async () => {
    vi.useFakeTimers();
    const send = vi.fn().mockRejectedValueOnce(new Error("offline")).mockResolvedValue(undefined);
    const { setSeq, dispose } = start(2, send);
    await vi.advanceTimersByTimeAsync(1000);
    setSeq(3);
    await vi.advanceTimersByTimeAsync(1000);
    expect(send.mock.calls.map((c) => c[0])).toEqual([2, 3]);
    dispose();
  });

  it("does not try again by itself a mark the server refused (no longer a member, the room gone)", async () => {
    vi.useFakeTimers();
    const send = vi.fn().mockRejectedValue(new ApiError(403, "not_a_member", "Not a member."));
    const { dispose } = start(4, send);
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(send).toHaveBeenCalledTimes(1);
    dispose();
  });

  it("tries a failed send again by itself, waiting longer each time, with nothing new to send", async () => {
    vi.useFakeTimers();
    const send = vi
      .fn()
      .mockRejectedValueOnce(new Error("offline"))
      .mockRejectedValueOnce(new Error("offline"))
      .mockResolvedValue(undefined);
    const { dispose } = start(4, send);
    await vi.advanceTimersByTimeAsync(1000);
    expect(send).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(2000);
    expect(send).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(3000);
    expect(send).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(send.mock.calls.map((c) => c[0])).toEqual([4, 4, 4]);
    // Marked: nothing more is sent.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(send).toHaveBeenCalledTimes(3);
    dispose();
  });
});
