// The inactivity watchdog of a streaming provider call: no answer, or no next chunk, for this
// long means the upstream is stuck, and the call is abandoned as a TransientError (retried).
import { AbortedError } from "./errors";

export const DEFAULT_INACTIVITY_TIMEOUT_MS = 30_000;

/**
 * Bounds each wait on the upstream (the response headers, then every next chunk) and lets a
 * caller's abort win the race at once instead of waiting for the SDK to notice. Time the
 * consumer spends between chunks is not counted.
 */
export class Watchdog {
  fired = false;
  private readonly cleanups = new Set<() => void>();

  constructor(
    readonly ms: number,
    private readonly signal: AbortSignal,
    private readonly onFire: () => void,
  ) {}

  async guard<T>(work: Promise<T>): Promise<T> {
    let cleanup = () => {};
    const interrupt = new Promise<never>((_, reject) => {
      const timer = setTimeout(() => {
        this.fired = true;
        this.onFire();
        reject(new Error("inactivity timeout"));
      }, this.ms);
      const onAbort = () => reject(new AbortedError());
      // An abort that landed while the consumer held a chunk has already fired its event.
      if (this.signal.aborted) onAbort();
      this.signal.addEventListener("abort", onAbort, { once: true });
      cleanup = () => {
        clearTimeout(timer);
        this.signal.removeEventListener("abort", onAbort);
      };
    });
    this.cleanups.add(cleanup);
    try {
      return await Promise.race([work, interrupt]);
    } finally {
      cleanup();
      this.cleanups.delete(cleanup);
    }
  }

  dispose(): void {
    for (const cleanup of this.cleanups) cleanup();
    this.cleanups.clear();
  }
}
