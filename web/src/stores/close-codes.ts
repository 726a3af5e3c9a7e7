// Why a room's connection ended, in words for the person in it: each close code the server
// uses (CloseCode, from the wire module) and whether reconnecting can help.
import { CloseCode } from "../../../shared/wire";
import { ApiError } from "../api";

export type Ended = {
  code: number;
  title: string;
  detail: string;
  canRetry: boolean;
  /** The room could not be opened at all (explainRefusal): there is no room to show. */
  refused?: true;
};

/** After these the socket stays closed: reconnecting cannot help. */
export const FINAL: readonly number[] = [CloseCode.removed, CloseCode.roomDeleted, CloseCode.policy, CloseCode.sessionEnded];

/** What to tell the user about a close code; null means "just reconnecting". */
export function explainClose(code: number, sessionExpired: boolean): Ended | null {
  switch (code) {
    case CloseCode.removed:
      return {
        code,
        title: "You were removed from this room",
        detail: "The owner removed you. You can no longer read or send messages here.",
        canRetry: false,
      };
    case CloseCode.roomDeleted:
      return { code, title: "This room was deleted", detail: "Its owner deleted the room and its history.", canRetry: false };
    case CloseCode.policy:
      return sessionExpired
        ? { code, title: "Your session expired", detail: "Sign in again to keep chatting.", canRetry: false }
        : {
            code,
            title: "Access to this room changed",
            detail: "The server closed the connection because you are no longer allowed here.",
            canRetry: true,
          };
    case CloseCode.overloaded:
      return {
        code,
        title: "The room is busy",
        detail: "The server asked us to wait a moment (it is at capacity, or history is briefly unavailable); reconnecting shortly.",
        canRetry: true,
      };
    case CloseCode.sessionEnded:
      return { code, title: "You were signed out", detail: "This session was ended. Sign in again to keep chatting.", canRetry: false };
    case CloseCode.flooding:
      return {
        code,
        title: "Too many messages at once",
        detail: "The connection was closed because messages kept coming after being asked to wait; reconnecting shortly.",
        canRetry: true,
      };
    case CloseCode.tooBig:
      return { code, title: "A message was too large", detail: "The connection was reset; reconnecting.", canRetry: true };
    default:
      return null;
  }
}

/** Why a room could not be opened at all: it is not there (never was, or was deleted before
 * you came), or you are not in it. Different from being in it when it goes (explainClose). */
export function explainRefusal(status: 403 | 404): Ended {
  return status === 404
    ? {
        code: CloseCode.roomDeleted,
        title: "Room not found",
        detail: "There's no room at this address. The link may be wrong, or the room was deleted.",
        canRetry: false,
        refused: true,
      }
    : {
        code: CloseCode.removed,
        title: "You're not in this room",
        detail: "Ask someone in it to invite you.",
        canRetry: false,
        refused: true,
      };
}

/** Asks REST about the room after failed handshakes: why it ended (deleted, not a member), or
 * null when the answer says nothing of the kind (offline, say). */
export async function whyRefused(probeRoom?: () => Promise<unknown>): Promise<Ended | null> {
  try {
    await probeRoom?.();
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 403))
      return explainClose(err.status === 404 ? CloseCode.roomDeleted : CloseCode.removed, false);
  }
  return null;
}
