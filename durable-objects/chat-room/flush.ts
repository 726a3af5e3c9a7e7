// The write-behind copy to the history store (D1 or Postgres). Acked messages are durable in
// the room's own SQLite; a `flush` timer copies dirty rows (past the watermark of first copies,
// or edited since their last copy: room-log-dirty.ts) with an upsert
// on (room_id, seq), so a copy repeated after a crash is harmless. A failed flush re-arms the
// timer with exponential backoff, capped at FLUSH_RETRY_MAX_MS, and is retried until it
// succeeds; timers are rows in SQLite and the alarm survives eviction, so nothing acked is
// ever lost between the ack and the copy. One attempt at a time: writes made while an attempt
// is in flight never move its next attempt earlier (the backoff holds under traffic), while
// word that the store answers again (wake()) does. A room still taking messages when its copy
// is due gets it in its next pause (PauseWatch), within a bound, so the copy's work does not
// hold up the messages of a burst. The room reports its backlog (messages and
// the oldest one's wait) to the metrics while it has one. After a successful flush the room
// prunes what the store now holds beyond what it keeps itself.
import type { Config } from "../../shared/config";
import { errorFields, log } from "../../shared/log";
import { metrics } from "../../shared/metrics";
import type { Store } from "../../shared/store";
import { fromMessage } from "../../shared/store/mappers";
import { FlushLag } from "./flush-lag";
import type { Membership } from "./membership";
import { PauseWatch } from "./pause-watch";
import type { RoomLog } from "./room-log";
import type { Timers } from "./timers";

export const FLUSH_TIMER = "flush";

/** Rows per copy at most: more means a backlog, and the next copy runs at once. */
const FLUSH_BATCH = 600;
/** A copy of at least this many rows means a busy room (20 messages a second at the default
 * delay): its next copy waits BUSY_DELAY_FACTOR times FLUSH_DELAY_MS, and carries more. */
const BUSY_ROWS = 20;
const BUSY_DELAY_FACTOR = 5;
/** A pause: this long without a write. A copy due while the room writes waits for one... */
const QUIET_MS = 200;
/** ...until its oldest write has waited this many times FLUSH_DELAY_MS; then it runs anyway. */
const MAX_WAIT_FACTOR = 10;
/** Run anyway while the room still writes, a copy takes at most this many rows, and the next
 * one follows SLICE_GAP_MS later, until a pause comes or the backlog is gone: a room writing
 * without a pause would otherwise copy everything since its last copy in one go (1,000 rows
 * at 100 messages a second, stalling its messages 45-94 ms here, where D1 runs on the room's
 * thread; docs/benchmarks.md). */
export const SLICE_ROWS = 100;
export const SLICE_GAP_MS = 100;
/** Rows pruned from the hot log per flush at most (see RoomLog.prune). */
const PRUNE_BATCH = 1000;
/** The first retry's wait; each failure doubles it, up to config.flushRetryMaxMs. */
const RETRY_BASE_MS = 1000;
/** A failing room reports its growing backlog at most this often. */
const REPORT_EVERY_MS = 1000;

export class Flush {
  /** Whether the flush timer is armed; rebuilt from the timers table when the object wakes. */
  private armed: boolean;
  private failures = 0;
  private reportedAt = 0;
  /** The messages the last report counted: a room that reported none stays quiet. */
  private reported = 0;
  /** The copy in flight, if any: it arms the next one itself when it ends. */
  private inFlight: Promise<void> | null = null;
  private readonly lag = new FlushLag();
  /** How long a write waits for its copy: FLUSH_DELAY_MS, or longer while the room is busy
   * (see pace()). In memory: a room that wakes up starts at FLUSH_DELAY_MS. */
  private delayMs: number;
  private readonly pause = new PauseWatch(QUIET_MS, () => this.runInPause());

  constructor(
    private readonly config: Config,
    private readonly log: RoomLog,
    private readonly timers: Timers,
    private readonly membership: Membership,
    private readonly history: () => Store,
    private readonly dropHistory: () => void,
  ) {
    this.armed = timers.has(FLUSH_TIMER);
    this.delayMs = config.flushDelayMs;
  }

  /** Something was written: the copy runs FLUSH_DELAY_MS after the first unflushed write
   * (longer in a busy room, see pace(); later if the room is still writing then, see due()). */
  async schedule(now = Date.now()): Promise<void> {
    this.lag.dirty(now);
    this.pause.wrote(now);
    if (this.failures > 0) this.report(false);
    if (this.armed || this.inFlight) return;
    this.armed = true;
    await this.timers.schedule(FLUSH_TIMER, now + this.delayMs);
  }

  /** The history store answered (a catch-up read, the Worker's health check): a copy waiting
   * out its backoff runs now instead. True when one was waiting. */
  async wake(): Promise<boolean> {
    if (this.failures === 0 || this.inFlight) return false;
    this.armed = true;
    await this.timers.schedule(FLUSH_TIMER, Date.now());
    return true;
  }

  /** The flush timer rang. If the room wrote in the last QUIET_MS, the copy waits for its next
   * pause, with the timer armed for when its oldest write (the first since the object woke)
   * will have waited MAX_WAIT_FACTOR times FLUSH_DELAY_MS (in case the pause never comes, or
   * the object is evicted meanwhile). Otherwise, or past that, or while failing (the backoff
   * decides then), it runs now: in slices while the room still writes (SLICE_ROWS). */
  async due(now = Date.now()): Promise<void> {
    const since = this.lag.oldest();
    const deadline = since === undefined ? now : since + this.config.flushDelayMs * MAX_WAIT_FACTOR;
    const busy = this.failures === 0 && this.pause.busy(now);
    if (busy && now < deadline) {
      this.armed = true;
      await this.timers.schedule(FLUSH_TIMER, deadline);
      this.pause.watch();
      return;
    }
    this.pause.cancel();
    await this.run(busy ? SLICE_ROWS : FLUSH_BATCH);
  }

  /** The pause came. The timer keeps its deadline until the copy has gone well (a copy that
   * fails re-arms it with backoff; one that throws leaves it as the backstop). A room deleted
   * meanwhile has nothing left to copy: its storage is gone. */
  private async runInPause() {
    if (!this.membership.room) return;
    try {
      await this.run();
      if (!this.armed && !this.inFlight) this.timers.clear(FLUSH_TIMER);
    } catch (err) {
      log.error("flush_failed", { roomId: this.membership.room?.roomId, inPause: true, ...errorFields(err) });
    }
  }

  /** The copy, now. Never throws: a failure re-arms the timer with backoff, so the copy is
   * retried until it succeeds (the alarm's own retries give up). Runs one at a time: a copy
   * that overlapped another could land after it with an older version of a row. */
  async run(limit = FLUSH_BATCH): Promise<void> {
    while (this.inFlight) await this.inFlight;
    this.inFlight = this.copy(limit);
    try {
      await this.inFlight;
    } finally {
      this.inFlight = null;
    }
  }

  private async copy(limit: number): Promise<void> {
    this.armed = false;
    const batch = this.log.dirty(limit);
    const room = this.membership.room;
    if (batch.length === 0 || !room) {
      this.report(true);
      return;
    }
    await this.attempt(room.roomId, batch, limit);
  }

  private async attempt(roomId: string, batch: ReturnType<RoomLog["dirty"]>, limit: number) {
    const since = this.lag.begin(batch);
    try {
      const now = Date.now();
      const rows = batch.map(({ message }) => fromMessage(message, now));
      const stored = await this.history().messages.upsert(roomId, rows);
      // A missing room (deleted meanwhile) also counts as done: there is nowhere to keep it.
      this.log.markFlushed(batch.map(({ message, version }) => ({ seq: message.seq, version })));
      // In the same commit: what the store now holds need not stay here too (and nothing goes
      // if the store did not take the rows).
      if (stored) this.prune();
      if (this.failures > 0) log.info("flush_recovered", { roomId, failedAttempts: this.failures });
      this.failures = 0;
      const full = batch.length === limit;
      this.lag.end(since, true, full);
      this.report(true);
      this.pace(batch.length);
      // A full batch means a backlog: go again at once, or after a gap for the room's messages
      // when it was a slice. Otherwise (e.g. a reply still streaming) wait, rather than
      // rewriting the same row back to back.
      const backlogGap = limit === SLICE_ROWS ? SLICE_GAP_MS : 0;
      if (this.log.hasDirty()) await this.rearm(full ? backlogGap : this.delayMs);
    } catch (err) {
      // A fresh client next time: one whose connections hang must not hold up the next attempt.
      this.dropHistory();
      this.failures++;
      this.lag.end(since, false, true);
      this.report(true);
      const delay = Math.min(this.config.flushRetryMaxMs, RETRY_BASE_MS * 2 ** Math.min(this.failures - 1, 16));
      log.error("flush_failed", { roomId, attempt: this.failures, retryInMs: delay, ...errorFields(err) });
      await this.rearm(delay);
    }
  }

  /**
   * Spaces a busy room's copies out: after a copy of BUSY_ROWS rows or more, the next write
   * waits BUSY_DELAY_FACTOR times FLUSH_DELAY_MS for its copy, and after a smaller one the usual
   * delay. On D1, one database for the whole deployment, a room taking many messages a second
   * then writes one larger batch every few seconds instead of one a second; locally, where D1
   * runs on the rooms' thread, it also holds its messages up for a D1 call that much less often
   * (docs/benchmarks.md). Search and the room list trail such a room by up to that long (up to
   * MAX_WAIT_FACTOR times FLUSH_DELAY_MS in one that never pauses, see due()); REST history,
   * export, catch-up and the AI read the room's own log and never do.
   */
  private pace(rows: number) {
    this.delayMs = rows >= BUSY_ROWS ? this.config.flushDelayMs * BUSY_DELAY_FACTOR : this.config.flushDelayMs;
  }

  private async rearm(delayMs: number) {
    this.armed = true;
    await this.timers.schedule(FLUSH_TIMER, Date.now() + delayMs);
  }

  /** Tells the metrics how much of this room the store lacks (at most every REPORT_EVERY_MS
   * unless `now`); a room that has caught up reports zero once, which clears it. */
  private report(now: boolean) {
    const at = Date.now();
    const room = this.membership.room;
    if (!room || (!now && at - this.reportedAt < REPORT_EVERY_MS)) return;
    const { messages, oldestAt } = this.log.backlog();
    if (messages === 0 && this.reported === 0) return;
    this.reportedAt = at;
    this.reported = messages;
    const store = this.history().dialect === "pg" ? "pg" : "d1";
    metrics.historyBacklog(room.roomId, store, messages, messages > 0 ? (this.lag.oldest() ?? oldestAt) : null);
  }

  /** The room was deleted with whatever it still had to copy: its backlog is reported gone. */
  forget(roomId: string) {
    this.pause.cancel();
    this.failures = 0;
    this.armed = false;
    if (this.reported > 0) metrics.historyBacklog(roomId, this.history().dialect === "pg" ? "pg" : "d1", 0, null);
    this.reported = 0;
  }

  /** Drops what the history store already holds beyond what the room keeps (RoomLog.prune).
   * A failure here costs only the pruning, never the flush. */
  private prune() {
    try {
      // Its own savepoint: a failure part-way leaves every row where it was.
      this.log.transaction(() => this.log.prune(this.config.hotLogRows, Date.now() - this.config.hotLogMs, PRUNE_BATCH));
    } catch (err) {
      this.log.reload();
      log.error("prune_failed", { roomId: this.membership.room?.roomId, ...errorFields(err) });
    }
  }
}
