// A room named after its first message follows that message: edited, the room takes the new
// text's name; deleted, its text is gone from everywhere, so from the room's name too, and the
// room takes the name the first message still there gives (none if there is none: the next
// message names it). In the history store, and every member's sidebar and open room hear of it
// at once. A title someone set by hand is left alone, unless it is the first message's name too.
import { log } from "../../shared/log";
import type { Store } from "../../shared/store";
import type { Message, Room } from "../../shared/wire";
import type { RoomLog } from "./room-log";

/** Pages of older history read looking for the first message still there, before the log. */
const MAX_PAGES = 4;
const PAGE = 100;

export type TitleDeps = {
  log: RoomLog;
  history: () => Store;
  /** The room was renamed: tell its members. */
  retitled(room: Room): Promise<void>;
};

/** After `before` became `after` in `roomId` (edited, or a tombstone): renames the room if it
 * was named after `before`. */
export async function renameAfter(deps: TitleDeps, roomId: string, before: Message, after: Message): Promise<void> {
  if (before.author.kind !== "user") return;
  try {
    // The Markdown parser is imported here, not at the top: it stays off the isolate's start-up.
    const { titleOfMessage } = await import("../../shared/markdown");
    // Only the first message names a room: a later one whose text matches a title set by hand
    // is not what the room is named after.
    if (await firstStill(deps, roomId, before.seq, before.seq)) return;
    const next = after.deletedAt ? await firstStill(deps, roomId, before.seq) : after;
    const room = await deps.history().rooms.retitle(roomId, titleOfMessage(before), next ? titleOfMessage(next) : null, Date.now());
    if (room) await deps.retitled(room);
  } catch (err) {
    log.warn("retitle_failed", { roomId, error: String(err).slice(0, 300) });
  }
}

/** The first message by a person still there, other than `gone` (and below seq `below`): from
 * the history store for the seqs the log no longer keeps, then from the log (which may not be
 * copied yet). */
async function firstStill(
  { log: roomLog, history }: TitleDeps,
  roomId: string,
  gone: number,
  below = Number.POSITIVE_INFINITY,
): Promise<Message | undefined> {
  const usable = (m: Message | undefined): m is Message =>
    !!m && m.seq < below && m.author.kind === "user" && !m.deletedAt && m.seq !== gone;
  let after = 0;
  for (let page = 0; page < MAX_PAGES && after + 1 < Math.min(roomLog.firstSeq, below); page++) {
    const { messages, hasMore } = await history().messages.page(roomId, { after, limit: PAGE });
    const found = messages.find((m) => m.seq < roomLog.firstSeq && usable(m));
    if (found) return found;
    if (!hasMore || messages.length === 0) break;
    after = messages[messages.length - 1]?.seq ?? after;
  }
  for (let seq = roomLog.firstSeq; seq <= Math.min(roomLog.lastSeq, below - 1); seq++) {
    const m = roomLog.get(seq);
    if (usable(m)) return m;
  }
  return undefined;
}
