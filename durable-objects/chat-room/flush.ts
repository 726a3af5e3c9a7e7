// The write-behind copy to the history store (D1 or Postgres). Acked messages are durable in
// the room's own SQLite; a `flush` timer copies dirty rows (version > flushed) with an upsert
// on (room_id, seq), so a copy repeated after a crash is harmless. A failed flush re-arms the
// timer with backoff and is retried until it succeeds; timers are rows in SQLite and the alarm
// survives eviction, so nothing acked is ever lost between the ack and the copy. After a
// successful flush the room prunes what the store now holds beyond what it keeps itself.
import type { Config } from "../../shared/config";
import { log } from "../../shared/log";
import type { Store } from "../../shared/store";
import { fromMessage } from "../../shared/store/mappers";
import { FlushLag } from "./flush-lag";
import type { Membership } from "./membership";
import type { RoomLog } from "./room-log";
import type { Timers } from "./timers";

export const FLUSH_TIMER = "flush";

const FLUSH_BATCH = 200;
/** Rows pruned from the hot log per flush at most (see RoomLog.prune). */
const PRUNE_BATCH = 1000;

export class Flush {
  /** Whether the flush timer is armed; rebuilt from the timers table when the object wakes. */
  private armed: boolean;
  private failures = 0;
  private inFlight: Promise<void> | null = null;
  private readonly lag = new FlushLag();

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly config: Config,
    private readonly log: RoomLog,
    private readonly timers: Timers,
    private readonly membership: Membership,
    private readonly history: () => Store,
  ) {
    this.armed = timers.has(FLUSH_TIMER);
  }

  /** Something was written: the copy runs FLUSH_DELAY_MS after the first unflushed write. */
  async schedule(): Promise<void> {
    this.lag.dirty();
    if (this.armed) return;
    this.armed = true;
    await this.timers.schedule(FLUSH_TIMER, Date.now() + this.config.flushDelayMs);
  }

  /** The flush timer. Never throws: a failure re-arms the timer with backoff, so the copy is
   * retried until it succeeds (the alarm's own retries give up). Runs one at a time: a copy
   * that overlapped another could land after it with an older version of a row. */
  async run(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    this.inFlight = this.copy();
    try {
      await this.inFlight;
    } finally {
      this.inFlight = null;
    }
  }

  private async copy(): Promise<void> {
    this.armed = false;
    const batch = this.log.dirty(FLUSH_BATCH);
    const room = this.membership.room;
    if (batch.length === 0 || !room) return;
    const store = this.history();
    const since = this.lag.begin(batch);
    try {
      const now = Date.now();
      const rows = batch.map(({ message }) => fromMessage(message, now));
      const stored = await store.messages.upsert(room.roomId, rows);
      // A missing room (deleted meanwhile) also counts as done: there is nowhere to keep it.
      this.log.markFlushed(batch.map(({ message, version }) => ({ seq: message.seq, version })));
      // In the same commit: what the store now holds need not stay here too (and nothing goes
      // if the store did not take the rows).
      if (stored) this.prune();
      this.failures = 0;
      this.lag.end(since, true, batch.length === FLUSH_BATCH);
      // A full batch means a backlog: go again at once. Otherwise (e.g. a reply still
      // streaming) wait the usual delay rather than rewriting the same row back to back.
      if (this.log.hasDirty()) await this.rearm(batch.length === FLUSH_BATCH ? 0 : this.config.flushDelayMs);
    } catch (err) {
      this.failures++;
      this.lag.end(since, false, true);
      const delay = Math.min(60_000, 500 * 2 ** Math.min(this.failures, 7));
      log.error("flush_failed", { roomId: room.roomId, attempt: this.failures, retryInMs: delay, error: String(err).slice(0, 500) });
      await this.rearm(delay);
    }
  }

  private async rearm(delayMs: number) {
    this.armed = true;
    await this.timers.schedule(FLUSH_TIMER, Date.now() + delayMs);
  }

  /** Drops what the history store already holds beyond what the room keeps (RoomLog.prune).
   * A failure here costs only the pruning, never the flush. */
  private prune() {
    try {
      // Its own savepoint: a failure part-way leaves every row where it was.
      this.ctx.storage.transactionSync(() => this.log.prune(this.config.hotLogRows, Date.now() - this.config.hotLogMs, PRUNE_BATCH));
    } catch (err) {
      this.log.reload();
      log.error("prune_failed", { roomId: this.membership.room?.roomId, error: String(err).slice(0, 300) });
    }
  }
}
