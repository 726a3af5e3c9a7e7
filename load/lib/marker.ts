// The timing marker carried inside message content. Receivers only trust what they can parse:
// a message without a marker (a human typing in a room under test, an AI reply) is counted as
// a delivery but adds no latency sample.
import { config } from "./config.ts";

export type Source = "ws" | "rest" | "ai";

const PATTERN = /\[k6 src=(ws|rest|ai) t=(\d+)\]/;

export function stamp(source: Source, label: string): string {
  const text = `[k6 src=${source} t=${Date.now()}] ${label}`;
  // Optional padding to test bigger frames; "." keeps it one cheap JSON string.
  return config.messageChars > text.length ? `${text} ${".".repeat(config.messageChars - text.length - 1)}` : text;
}

export function readStamp(content: string): { source: Source; sentAt: number } | undefined {
  const m = PATTERN.exec(content);
  if (m === null) return undefined;
  return { source: m[1] as Source, sentAt: Number(m[2]) };
}
