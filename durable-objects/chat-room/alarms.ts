// The room's one alarm, shared by its named timers (timers.ts): when it rings, every timer that
// is due runs, each on its own, and the alarm is set again for the earliest one left. Timers
// are rows in SQLite, so what was due when the object was evicted runs when it wakes.
import { log } from "../../shared/log";
import type { Timers } from "./timers";

/** A failed timer is tried again this much later, rather than costing the others their turn. */
const TIMER_RETRY_MS = 5000;

/** Runs every due timer: the one `named` after it, else `other` (the AI's timers, whose names
 * carry a job id). */
export async function runTimers(
  timers: Timers,
  roomId: string | undefined,
  named: Record<string, () => Promise<void>>,
  other: (name: string) => Promise<void>,
): Promise<void> {
  try {
    for (const name of timers.takeDue()) {
      try {
        const handler = Object.hasOwn(named, name) ? named[name] : undefined;
        await (handler ? handler() : other(name));
      } catch (err) {
        log.error("timer_failed", { roomId, timer: name, error: String(err).slice(0, 300) });
        await timers.schedule(name, Date.now() + TIMER_RETRY_MS);
      }
    }
  } finally {
    await timers.rearm();
  }
}
