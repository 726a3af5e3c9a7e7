// One member flooding a room. Each socket's refused sends in a row, in memory: past
// FLOOD_STRIKES the socket is cut off (closed with 4008) and the frames still arriving on it are
// dropped unread. A member cut off then has their new sockets in this room refused for a while,
// longer after each offence: a client that reconnects and floods again at once would otherwise
// make the room read its whole burst again and again. The offenders are kept in the room's
// SQLite (OffenderTable), so a room that hibernates between two floods still doubles the wait.
// Every other frame (typing, edits, controls, malformed ones) spends a budget of its socket's
// own (OTHER_FRAMES_*): a person types, edits or stops a reply a few times a second at most,
// and a socket far past that is cut off the same way (each typing frame is sent to everyone in
// the room, so a flood of them stalled the room for all).
import { CloseCode, FLOOD_STRIKES } from "../../shared/wire";

/** How long a member's new sockets are refused after their first cut-off; doubled for each
 * further one within FLOOD_MEMORY_MS of the last, up to FLOOD_COOL_OFF_MAX_MS. */
export const FLOOD_COOL_OFF_MS = 30_000;
export const FLOOD_COOL_OFF_MAX_MS = 15 * 60_000;
/** How long an offence counts towards a longer wait after the next one. */
export const FLOOD_MEMORY_MS = 60 * 60_000;

/** Frames other than sends a socket may send at once, and then each second. */
export const OTHER_FRAMES_BURST = 60;
export const OTHER_FRAMES_PER_SECOND = 20;

export type Offender = { until: number; offences: number; last: number };

/** Where a room keeps its offenders: a table of its own SQLite, read once per wake-up, written
 * at each cut-off (rare), pruned of offences older than FLOOD_MEMORY_MS as it is written. */
export class OffenderTable {
  constructor(private readonly sql: SqlStorage) {}

  load(): Map<string, Offender> {
    this.sql.exec(
      "CREATE TABLE IF NOT EXISTS flood_offenders (user_id TEXT PRIMARY KEY, until INTEGER NOT NULL, offences INTEGER NOT NULL, last INTEGER NOT NULL)",
    );
    const rows = this.sql.exec<{ user_id: string } & Offender>("SELECT user_id, until, offences, last FROM flood_offenders").toArray();
    return new Map(rows.map(({ user_id, until, offences, last }) => [user_id, { until, offences, last }]));
  }

  save(userId: string, o: Offender): void {
    this.sql.exec("DELETE FROM flood_offenders WHERE last < ?", o.last - FLOOD_MEMORY_MS);
    this.sql.exec(
      "INSERT OR REPLACE INTO flood_offenders (user_id, until, offences, last) VALUES (?, ?, ?, ?)",
      userId,
      o.until,
      o.offences,
      o.last,
    );
  }
}

export class FloodGuard {
  private readonly strikes = new Map<WebSocket, number>();
  private readonly cutOff = new WeakSet<WebSocket>();
  /** Each socket's budget for frames other than sends: tokens left, as of `at`. */
  private readonly budget = new Map<WebSocket, { tokens: number; at: number }>();
  private known: Map<string, Offender> | undefined;

  /** Without a table, offenders are kept in memory only (the unit tests). */
  constructor(private readonly table?: OffenderTable) {}

  private get offenders(): Map<string, Offender> {
    this.known ??= this.table?.load() ?? new Map();
    return this.known;
  }

  /** Whether `ws` was cut off: its frames are dropped unread. */
  isCutOff(ws: WebSocket): boolean {
    return this.cutOff.has(ws);
  }

  /** A send from `ws` was accepted: its run of refusals is over. */
  accepted(ws: WebSocket): void {
    this.strikes.delete(ws);
  }

  /** A send from `ws` was refused; returns whether that was one too many: the socket is then
   * cut off (the caller closes it) and `userId` waits before connecting again. */
  refused(ws: WebSocket, userId: string, now: number): boolean {
    const strikes = (this.strikes.get(ws) ?? 0) + 1;
    if (strikes <= FLOOD_STRIKES) {
      this.strikes.set(ws, strikes);
      return false;
    }
    this.strikes.delete(ws);
    this.cutOff.add(ws);
    this.offended(userId, now);
    return true;
  }

  /** A frame other than a send from `ws`; returns whether it was one too many: the socket is
   * then cut off (the caller closes it) and `userId` waits before connecting again. */
  other(ws: WebSocket, userId: string, now: number): boolean {
    const b = this.budget.get(ws) ?? { tokens: OTHER_FRAMES_BURST, at: now };
    b.tokens = Math.min(OTHER_FRAMES_BURST, b.tokens + ((now - b.at) / 1000) * OTHER_FRAMES_PER_SECOND) - 1;
    b.at = now;
    this.budget.set(ws, b);
    if (b.tokens >= 0) return false;
    this.budget.delete(ws);
    this.cutOff.add(ws);
    this.offended(userId, now);
    return true;
  }

  /** Closes `ws`, cut off, with 4008 once `after` settles (its frames are dropped meanwhile). */
  close(ws: WebSocket, userId: string, now: number, after: Promise<unknown>, what = "sends after rate_limited"): void {
    const pause = Math.ceil(this.waitFor(userId, now) / 1000);
    const cut = () => {
      try {
        ws.close(CloseCode.flooding, `Flooding: too many ${what}; reconnect in ${pause} s`);
      } catch {
        // Already closed.
      }
    };
    void after.then(cut, cut);
  }

  /** Forgets a closed socket's strikes and budget. */
  forget(ws: WebSocket): void {
    this.strikes.delete(ws);
    this.budget.delete(ws);
  }

  /** How many ms until `userId` may open a socket here again; 0 when they may now. */
  waitFor(userId: string, now: number): number {
    const o = this.offenders.get(userId);
    return o ? Math.max(0, o.until - now) : 0;
  }

  private offended(userId: string, now: number): void {
    for (const [id, o] of this.offenders) if (now - o.last > FLOOD_MEMORY_MS) this.offenders.delete(id);
    const offences = (this.offenders.get(userId)?.offences ?? 0) + 1;
    const wait = Math.min(FLOOD_COOL_OFF_MAX_MS, FLOOD_COOL_OFF_MS * 2 ** (offences - 1));
    const offender = { until: now + wait, offences, last: now };
    this.offenders.set(userId, offender);
    this.table?.save(userId, offender);
  }
}
