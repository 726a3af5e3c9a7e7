// One alarm, many timers. A Durable Object has a single alarm; the ChatRoom needs several
// deadlines (flush the hot log, close sockets whose token expired, resume a held AI retry).
// Each named timer is a row in SQLite, so pending work survives eviction, and the alarm is
// always set to the earliest of them. Alarms, unlike setTimeout, don't keep the object awake.
export class Timers {
  private next = Number.POSITIVE_INFINITY;

  constructor(private readonly storage: DurableObjectStorage) {
    storage.sql.exec("CREATE TABLE IF NOT EXISTS timers (name TEXT PRIMARY KEY, at INTEGER NOT NULL)");
  }

  /** Arms `name` for `at` (epoch ms), or keeps its earlier deadline if it has one. */
  async schedule(name: string, at: number): Promise<void> {
    this.storage.sql.exec(
      "INSERT INTO timers (name, at) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET at = min(at, excluded.at)",
      name,
      at,
    );
    if (at < this.next) {
      const current = await this.storage.getAlarm();
      if (current === null || at < current) await this.storage.setAlarm(at);
      this.next = Math.min(at, current ?? at);
    }
  }

  /** Takes every timer that is due; the caller runs them, then calls `rearm()`. */
  takeDue(now = Date.now()): string[] {
    const due = this.storage.sql.exec<{ name: string }>("SELECT name FROM timers WHERE at <= ?", now).toArray();
    this.storage.sql.exec("DELETE FROM timers WHERE at <= ?", now);
    return due.map((r) => r.name);
  }

  async rearm(): Promise<void> {
    const [row] = this.storage.sql.exec<{ at: number | null }>("SELECT min(at) AS at FROM timers").toArray();
    this.next = row?.at ?? Number.POSITIVE_INFINITY;
    if (row?.at != null) await this.storage.setAlarm(row.at);
  }

  has(name: string): boolean {
    return this.storage.sql.exec("SELECT 1 FROM timers WHERE name = ?", name).toArray().length > 0;
  }

  clear(name: string): void {
    this.storage.sql.exec("DELETE FROM timers WHERE name = ?", name);
  }
}
