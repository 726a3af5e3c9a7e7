// Turns a room's recent messages into what Gemini is asked: the character's persona plus a
// note that it is in a group chat, and the conversation as alternating user/model turns.
// Gemini wants turns to alternate and to start with the user; a room is a group chat with
// one AI, so everyone else's messages become user turns prefixed with their name, the
// character's own earlier replies become model turns, and runs of one role are merged. The
// newest attachments (within a count and a byte budget) ride with their turns.
// Pure: no I/O, same input, same output.
import type { Turn } from "./provider";

/** An attachment of a message, as the context knows it (its bytes are loaded later). */
export interface ContextAttachment {
  id: string;
  name: string;
  mimeType: string;
  size: number;
  width?: number;
  height?: number;
}

/** A turn, with the attachments whose bytes the model should get with it. */
export type ContextTurn = Turn & { attachments?: ContextAttachment[] };

export interface ContextCharacter {
  /** When given, only AI messages by this id count as the character's own; others are quoted. */
  id?: string;
  name: string;
  systemPrompt: string;
}

export interface ContextMessage {
  author: { kind: "user" | "ai" | "system"; id: string; name: string };
  content: string;
  status: "complete" | "streaming" | "stopped" | "error";
  seq: number;
  attachments?: ContextAttachment[];
}

export interface ContextBudget {
  /** Most messages (before merging) sent as history, the trigger included. */
  maxMessages: number;
  /** Most characters of turn text, the "Name: " prefixes included. */
  maxChars: number;
  /** Most attachments sent with their bytes, newest first (the trigger's before older ones)… */
  maxFiles?: number;
  /** …and most bytes of them in all (Gemini takes about 20 MB a request, base64 included). */
  maxFileBytes?: number;
}

export interface BuiltContext {
  systemPrompt: string;
  /** Starts and ends with a user turn; empty only if no usable message is at or before the trigger. */
  contents: ContextTurn[];
  characterName: string;
  /** Other people in the conversation window, oldest speaker first. */
  participants: string[];
}

export const DEFAULT_BUDGET: Required<ContextBudget> = { maxMessages: 40, maxChars: 24_000, maxFiles: 4, maxFileBytes: 12 * 1024 * 1024 };

export function buildContext(
  character: ContextCharacter,
  messages: readonly ContextMessage[],
  triggerSeq: number,
  budget: ContextBudget = DEFAULT_BUDGET,
): BuiltContext {
  const isOwn = (m: ContextMessage) => m.author.kind === "ai" && (character.id === undefined || m.author.id === character.id);

  // Later messages belong to a follow-up job; system notices, failed or unfinished replies,
  // and blank messages say nothing the model should answer to.
  const usable = messages
    .filter((m) => m.seq <= triggerSeq && m.author.kind !== "system" && (m.content.trim() !== "" || m.attachments?.length))
    .filter((m) => m.status === "complete" || m.status === "stopped")
    .sort((a, b) => a.seq - b.seq);

  const turns = usable.map((m) => ({
    role: isOwn(m) ? ("model" as const) : ("user" as const),
    text: isOwn(m) ? m.content.trim() : `${m.author.name}: ${withFileNames(m)}`,
    speaker: isOwn(m) ? null : m.author.name,
    attachments: m.attachments ?? [],
  }));

  const kept = fitBudget(turns, budget);
  // Gemini rejects a conversation that opens with the model, and one that ends with it would
  // be read as a reply to continue; neither is a message to answer.
  while (kept[0]?.role === "model") kept.shift();
  while (kept[kept.length - 1]?.role === "model") kept.pop();

  const inline = pickFiles(kept, budget);
  const contents: ContextTurn[] = [];
  for (const turn of kept) {
    const files = turn.attachments.filter((a) => inline.has(a));
    const previous = contents[contents.length - 1];
    if (previous && previous.role === turn.role) {
      previous.text += `\n${turn.text}`;
      if (files.length) previous.attachments = [...(previous.attachments ?? []), ...files];
    } else contents.push({ role: turn.role, text: turn.text, ...(files.length ? { attachments: files } : {}) });
  }

  const participants = [...new Set(kept.flatMap((t) => (t.speaker ? [t.speaker] : [])))];
  return {
    systemPrompt: systemPrompt(character, participants),
    contents,
    characterName: character.name,
    participants,
  };
}

/** The message's text, with the names of its attachments after it ("[attached: chart.png]"). */
function withFileNames(m: ContextMessage): string {
  const names = (m.attachments ?? []).map((a) => `[attached: ${a.name}]`).join(" ");
  return [m.content.trim(), names].filter(Boolean).join(" ");
}

/** The attachments sent with their bytes: newest first, within the budget's count and bytes. */
function pickFiles(turns: { attachments: ContextAttachment[] }[], budget: ContextBudget): Set<ContextAttachment> {
  const picked = new Set<ContextAttachment>();
  const { maxFiles = DEFAULT_BUDGET.maxFiles, maxFileBytes = DEFAULT_BUDGET.maxFileBytes } = budget;
  let bytes = 0;
  for (const turn of [...turns].reverse()) {
    for (const a of turn.attachments) {
      if (picked.size >= maxFiles || bytes + a.size > maxFileBytes) continue;
      picked.add(a);
      bytes += a.size;
    }
  }
  return picked;
}

/** Keeps the newest turns that fit; the newest one always stays, cut down if it must be. */
function fitBudget<T extends { text: string }>(turns: T[], budget: ContextBudget): T[] {
  const maxMessages = Math.max(1, budget.maxMessages);
  const maxChars = Math.max(1, budget.maxChars);
  const kept: T[] = [];
  let chars = 0;
  for (let i = turns.length - 1; i >= 0 && kept.length < maxMessages; i--) {
    const turn = turns[i];
    if (!turn) break;
    if (kept.length === 0 && turn.text.length > maxChars) {
      kept.unshift({ ...turn, text: `${turn.text.slice(0, maxChars - 1)}…` });
      break;
    }
    // Stop at the first message that does not fit: skipping to a shorter, older one would
    // leave a hole in the conversation.
    if (chars + turn.text.length > maxChars) break;
    chars += turn.text.length;
    kept.unshift(turn);
  }
  return kept;
}

function systemPrompt(character: ContextCharacter, participants: string[]): string {
  const persona = character.systemPrompt.trim();
  const others =
    participants.length === 0
      ? "You are in a chat room."
      : participants.length === 1
        ? `You are in a chat room with ${participants[0]}.`
        : `You are in a group chat with ${listNames(participants)}.`;
  const setting = [
    `You are ${character.name}. ${others}`,
    `Messages from other people reach you as "Name: message".`,
    `Write only ${character.name}'s next message: no name prefix, and never write lines for anyone else.`,
  ].join(" ");
  return persona ? `${persona}\n\n${setting}` : setting;
}

function listNames(names: string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}
