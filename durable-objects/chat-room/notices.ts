// Lines the room writes itself when its settings or members change ("renamed the room to
// “Plans”", "added @dana"). Each is a message of kind "system" whose author is the person who
// made the change: written by the room's single writer with the next seq, broadcast, copied to
// the history store and caught up like any message, so history, search and export show the
// change where it happened. It costs no send token, no AI replies to it (RoomAi.onUserMessage),
// and it counts as read by the person who made it, as their own messages do.
import type { Message, OnlineUser } from "../../shared/wire";
import type { RoomLog } from "./room-log";
import type { RoomSockets } from "./sockets";

/** A change to say in the room: `text` follows the name of `by` ("renamed the room to …"). */
export type Notice = { by: OnlineUser; text: string };

/** The longest notice kept: room titles and names are shorter, so this only bounds a bug. */
const MAX_NOTICE_CHARS = 500;

export function noticeWriter(log: RoomLog, sockets: RoomSockets, afterWrites: (messages: Message[]) => Promise<unknown>) {
  /** Writes `notices`; returns the room's last seq before them. */
  return async (notices: readonly Notice[]): Promise<number> => {
    const before = log.lastSeq;
    const written = notices.map(({ by, text }) => {
      const author = { kind: "system" as const, id: by.id, name: by.displayName, username: by.username };
      const message = log.append({ author, content: text.slice(0, MAX_NOTICE_CHARS), status: "complete" });
      sockets.broadcast({ type: "message", message });
      return message;
    });
    if (written.length > 0) await afterWrites(written);
    return before;
  };
}
