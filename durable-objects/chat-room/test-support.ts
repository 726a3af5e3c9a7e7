// For tests only (no production module imports it): runs a room's write-behind flush until the
// history store holds the current version of every row, however busy the machine is.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { chatRoom } from "./chat-room";

/** Rows the history store lacks in their current version, counted straight from the table. */
export const DIRTY_COUNT =
  "SELECT count(*) AS n FROM messages WHERE version > flushed OR seq > (SELECT value FROM log_meta WHERE key = 'copied_through')";

/** Runs the room's flush until no row is dirty; throws if that takes more than 100 rounds. */
export async function flushAll(roomId: string): Promise<void> {
  const stub = chatRoom(env, roomId);
  for (let i = 0; i < 100; i++) {
    await runDurableObjectAlarm(stub);
    const dirty = await runInDurableObject(stub, (_o, state) => Number(state.storage.sql.exec(DIRTY_COUNT).one().n));
    if (dirty === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the flush did not finish");
}
