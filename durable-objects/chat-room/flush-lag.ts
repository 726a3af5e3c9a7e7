// The flush-lag metric's bookkeeping for one room (parlor_history_flush_lag_seconds).
import { metrics } from "../../shared/metrics";

/**
 * How long a room's oldest write has waited for the history store. The room marks the moment
 * it first has something to flush; a flush takes that moment over, so writes made while it is
 * in flight start a wait of their own. In memory only: after a restart the flush falls back to
 * the oldest person's message it carries (an AI reply's creation time says nothing about how
 * long its final text waited, so replies are left out of that guess).
 */
export class FlushLag {
  private since?: number;

  dirty(now = Date.now()) {
    this.since ??= now;
  }

  /** When the oldest write not yet flushed started waiting, if known. */
  oldest(): number | undefined {
    return this.since;
  }

  /** A flush takes the wait over. While a backlog drains batch by batch, each batch counts from
   * the later of the room's mark and its own oldest person's message, so one old outage is not
   * reported again by every batch after it. */
  begin(batch: { message: { author: { kind: string } }; createdAt: number }[]): number | undefined {
    const oldest = Math.min(...batch.filter((b) => b.message.author.kind === "user").map((b) => b.createdAt));
    const since = this.since === undefined ? oldest : Number.isFinite(oldest) ? Math.max(this.since, oldest) : this.since;
    this.since = undefined;
    return Number.isFinite(since) ? since : undefined;
  }

  /** `leftBehind`: rows of this wait are still unflushed (the flush failed, or was a full batch). */
  end(since: number | undefined, ok: boolean, leftBehind: boolean, now = Date.now()) {
    metrics.historyFlush(since === undefined ? undefined : (now - since) / 1000, ok);
    if (leftBehind) this.since = Math.min(this.since ?? now, since ?? now);
  }
}
