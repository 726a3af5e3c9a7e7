// What the room says when someone changes it: each text follows the name of the person who
// made the change ("Ana renamed the room to “Plans”"), and the room writes it as a line of its
// history (durable-objects/chat-room/notices.ts). Only what actually changed is said.
import type { AiMode, Room } from "../../shared/wire";

/** The room's settings that notices speak of, and its character's name (null: none). */
type Settings = Pick<Room, "title" | "characterId" | "aiMode"> & { characterName: string | null };

const quoted = (text: string) => `“${text}”`;

const answering: Record<AiMode, string> = {
  always: "answering every message",
  mention: "answering when mentioned",
  off: "not answering for now",
};

const modeSet: Record<AiMode, (name: string) => string> = {
  always: (name) => `set ${name} to answer every message`,
  mention: (name) => `set ${name} to answer only when mentioned`,
  off: (name) => `turned ${name} off`,
};

/** The lines that say how `before` became `after`, in the order a reader wants them. */
export function settingsNotices(before: Settings, after: Settings): string[] {
  const said: string[] = [];
  if (after.title !== before.title) {
    if (after.title === null) said.push("removed the room's name");
    else said.push(before.title === null ? `named the room ${quoted(after.title)}` : `renamed the room to ${quoted(after.title)}`);
  }
  if (after.characterId !== before.characterId) {
    if (after.characterId === null || after.characterName === null) said.push("removed the room's AI");
    else said.push(`made ${after.characterName} the room's AI, ${answering[after.aiMode]}`);
  } else if (after.aiMode !== before.aiMode && after.characterName !== null) {
    said.push(modeSet[after.aiMode](after.characterName));
  }
  return said;
}

/** The line in each room using a character its owner renamed (`after`) or deleted (`after` null). */
export function characterNotice(before: string, after: string | null): string {
  return after === null ? `deleted the character ${before}, so the room's AI is off` : `renamed the AI ${before} to ${after}`;
}

/** The line for a member added by someone, removed by the owner, or leaving by themselves. The
 * member is named by `@username`, which clients show as "you" to them and as the person's
 * current name to others. */
export function memberNotice(change: "added" | "removed" | "left", username = ""): string {
  return change === "left" ? "left the room" : `${change} @${username}`;
}

/** The line for an owner who left: the member who joined first after them owns the room now. */
export const handedOverNotice = (username: string) => `left the room; @${username} owns it now`;
