// The write-behind backlog across rooms, kept by the Metrics object: each room reports how many
// of its messages the history store does not have yet and since when the oldest has waited
// (durable-objects/chat-room/flush.ts), the newest report per room wins, and a report of zero
// drops the room. /metrics shows it as gauges per store, /api/health reads the summary (and
// wakes the rooms listed when the store answers again).
import { header, type RoomBacklog } from "../../shared/metrics";

/** What /api/health reads: per store, the messages waiting, the oldest wait, some room ids. */
export type BacklogSummary = { store: string; messages: number; oldestAt: number | null; rooms: string[] }[];

/** Rooms named per store in a summary, the ones waiting longest first. */
const ROOMS_PER_SUMMARY = 100;

export function createBacklogTable(sql: SqlStorage) {
  sql.exec(`CREATE TABLE IF NOT EXISTS room_backlog (
    room TEXT PRIMARY KEY, store TEXT NOT NULL, messages INTEGER NOT NULL, oldest_at INTEGER, at INTEGER NOT NULL)`);
}

export function recordBacklog(sql: SqlStorage, reports: RoomBacklog[]) {
  for (const r of reports) {
    if (!Number.isInteger(r.messages) || r.messages < 0) continue;
    // Reports can arrive out of order: an older one never replaces a newer one.
    const [seen] = sql.exec<{ at: number }>("SELECT at FROM room_backlog WHERE room = ?", r.room).toArray();
    if (seen && seen.at > r.at) continue;
    if (r.messages === 0) sql.exec("DELETE FROM room_backlog WHERE room = ?", r.room);
    else
      sql.exec(
        "INSERT OR REPLACE INTO room_backlog (room, store, messages, oldest_at, at) VALUES (?, ?, ?, ?, ?)",
        r.room,
        r.store,
        r.messages,
        r.oldestAt,
        r.at,
      );
  }
}

export function backlogSummary(sql: SqlStorage): BacklogSummary {
  const stores = sql
    .exec<{ store: string; messages: number; oldest_at: number | null }>(
      "SELECT store, sum(messages) AS messages, min(oldest_at) AS oldest_at FROM room_backlog GROUP BY store ORDER BY store",
    )
    .toArray();
  return stores.map((s) => ({
    store: s.store,
    messages: s.messages,
    oldestAt: s.oldest_at,
    rooms: sql
      .exec<{ room: string }>("SELECT room FROM room_backlog WHERE store = ? ORDER BY oldest_at LIMIT ?", s.store, ROOMS_PER_SUMMARY)
      .toArray()
      .map((r) => r.room),
  }));
}

/** The backlog gauges, one series per store the deployment has written to (none when empty). */
export function renderBacklog(sql: SqlStorage, out: string[], now = Date.now()) {
  const summary = backlogSummary(sql);
  header(out, "parlor_history_backlog_messages", "gauge", "Messages acknowledged by their rooms but not yet in the history store.");
  for (const s of summary) out.push(`parlor_history_backlog_messages{store="${s.store}"} ${s.messages}`);
  header(
    out,
    "parlor_history_backlog_oldest_seconds",
    "gauge",
    "How long the oldest message not yet in the history store has waited for it.",
  );
  for (const s of summary) {
    const age = s.oldestAt === null ? 0 : Math.max(0, (now - s.oldestAt) / 1000);
    out.push(`parlor_history_backlog_oldest_seconds{store="${s.store}"} ${Number(age.toFixed(3))}`);
  }
}
