// The read marker: throttled, only while visible, always the newest seq, retried after a failure.
import { createRoot, createSignal } from "solid-js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createReadMarker } from "./read";

afterEach(() => vi.useRealTimers());

describe("createReadMarker", () => {
  it("sends the newest seq at most once per interval", async () => {
    vi.useFakeTimers();
    const send = vi.fn(async () => {});
    const [seq, setSeq] = createSignal(3);
    const dispose = createRoot((d) => {
      createReadMarker(seq, send);
      return d;
    });
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

  it("tries again after a failed send", async () => {
    vi.useFakeTimers();
    const send = vi.fn().mockRejectedValueOnce(new Error("offline")).mockResolvedValue(undefined);
    const [seq, setSeq] = createSignal(2);
    const dispose = createRoot((d) => {
      createReadMarker(seq, send);
      return d;
    });
    await vi.advanceTimersByTimeAsync(1000);
    setSeq(3);
    await vi.advanceTimersByTimeAsync(1000);
    expect(send.mock.calls.map((c) => c[0])).toEqual([2, 3]);
    dispose();
  });
});
