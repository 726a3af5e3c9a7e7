// Small display helpers shared by screens: times, previews, names.
import type { Message, Room } from "../../shared/wire";

const minute = 60_000;
const day = 24 * 60 * minute;

/** "now", "5m", "3h", "Tue", "12 Mar": compact enough for the room list. */
export function shortTime(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "";
  const d = now - t;
  if (d < minute) return "now";
  if (d < 60 * minute) return `${Math.floor(d / minute)}m`;
  if (d < day && new Date(t).getDate() === new Date(now).getDate()) return `${Math.floor(d / (60 * minute))}h`;
  if (d < 6 * day) return new Date(t).toLocaleDateString(undefined, { weekday: "short" });
  return new Date(t).toLocaleDateString(undefined, { day: "numeric", month: "short" });
}

// One formatter each, made once: toLocale*String builds a new one per call, which adds up when
// a window of a hundred messages renders.
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

/** "14:05" for a message timestamp. */
export function clockTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? "" : clockFormat.format(t);
}

/** A number that differs between local calendar days, cheap enough to compare per row. */
export function dayKey(iso: string): number {
  const d = new Date(iso);
  return d.getFullYear() * 10_000 + d.getMonth() * 100 + d.getDate();
}

/** "Today", "Yesterday" or a date, for day separators in the log. */
export function dayLabel(iso: string, now = new Date()): string {
  const t = new Date(iso);
  const start = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const diff = Math.round((start(now) - start(t)) / day);
  if (diff === 0) return "Today";
  if (diff === 1) return "Yesterday";
  return t.toLocaleDateString(undefined, {
    weekday: "long",
    day: "numeric",
    month: "long",
    year: t.getFullYear() === now.getFullYear() ? undefined : "numeric",
  });
}

/** One line of plain text from Markdown, for previews. */
export function plainPreview(text: string, max = 90): string {
  const flat = text
    .replace(/```[\w-]*\n?/g, " ")
    .replace(/[*_~`>#]+/g, "")
    .replace(/\[([^\]]+)\]\([^)]+\)/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function previewLine(m: Message | null, myId: string | undefined): string {
  if (!m) return "No messages yet";
  const who = m.author.kind === "user" && m.author.id === myId ? "You" : m.author.name;
  return `${who}: ${plainPreview(m.content) || (m.status === "streaming" ? "…" : "")}`;
}

export const roomTitle = (r: Pick<Room, "title"> | null | undefined) => r?.title?.trim() || "Untitled room";
