// One member flooding a room, in memory (an evicted object forgets, which errs towards letting
// people talk). Each socket's refused sends in a row: past FLOOD_STRIKES the socket is cut off
// (closed with 4008) and the frames still arriving on it are dropped unread. A member cut off
// then has their new sockets in this room refused for a while, longer after each offence: a
// client that reconnects and floods again at once would otherwise make the room read its
// whole burst again and again.
import { FLOOD_STRIKES } from "../../shared/wire";

/** How long a member's new sockets are refused after their first cut-off; doubled for each
 * further one within FLOOD_MEMORY_MS of the last, up to FLOOD_COOL_OFF_MAX_MS. */
export const FLOOD_COOL_OFF_MS = 30_000;
export const FLOOD_COOL_OFF_MAX_MS = 15 * 60_000;
/** How long an offence counts towards a longer wait after the next one. */
export const FLOOD_MEMORY_MS = 60 * 60_000;

type Offender = { until: number; offences: number; last: number };

export class FloodGuard {
  private readonly strikes = new Map<WebSocket, number>();
  private readonly cutOff = new WeakSet<WebSocket>();
  private readonly offenders = new Map<string, Offender>();

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

  /** Forgets a closed socket's strikes. */
  forget(ws: WebSocket): void {
    this.strikes.delete(ws);
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
    this.offenders.set(userId, { until: now + wait, offences, last: now });
  }
}
