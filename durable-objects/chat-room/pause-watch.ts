// Runs a piece of background work in the room's next pause: once `quietMs` have passed without
// a write. Writes only note their time (no timer per message); while the watch is set, one
// in-memory timer at a time checks whether the pause has come and, if not, waits out the rest
// of it. In memory only: whoever sets a watch keeps a durable deadline of their own, for an
// eviction or a room that never pauses.
export class PauseWatch {
  private lastWriteAt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly quietMs: number,
    private readonly work: () => Promise<void>,
  ) {}

  /** A write happened. */
  wrote(now = Date.now()) {
    this.lastWriteAt = now;
  }

  /** Whether the room wrote within the last `quietMs`. */
  busy(now = Date.now()): boolean {
    return now - this.lastWriteAt < this.quietMs;
  }

  /** Runs the work at the start of the next pause (once, however often it is asked). */
  watch() {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => this.check(), Math.max(1, this.quietMs - (Date.now() - this.lastWriteAt)));
  }

  /** The work ran by other means (its durable deadline): no need to wait for a pause. */
  cancel() {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private check() {
    this.timer = undefined;
    if (this.busy()) return this.watch();
    void this.work();
  }
}
