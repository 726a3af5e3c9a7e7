// The built-in provider used when no Gemini key is configured: local dev, tests and load
// tests get a streamed, in-character reply with no network at all. The reply is a pure
// function of the request (same conversation, same words), so tests can assert on it; it is
// streamed word by word with a fixed delay so the UI and the room see a real token stream.
import { AbortedError } from "./errors";
import type { ChatProvider, GenerateRequest } from "./provider";

export interface DummyOptions {
  /** Pause before each word; 0 streams as fast as the consumer reads. */
  chunkDelayMs?: number;
}

export function createDummyProvider(options: DummyOptions = {}): ChatProvider {
  const delay = Math.max(0, options.chunkDelayMs ?? 0);
  return {
    name: "dummy",
    leasesKeys: false,
    async *stream(req, signal) {
      if (signal.aborted) throw new AbortedError();
      const words = dummyReply(req).match(/\S+\s*/g) ?? [];
      for (const word of words.slice(0, Math.max(1, req.maxOutputTokens))) {
        if (delay > 0) await sleep(delay, signal);
        if (signal.aborted) throw new AbortedError();
        yield word;
      }
    },
  };
}

const OPENERS = ["Hi", "Hello", "Hey", "Ah", "Well", "Oh"];
const REMARKS = [
  "That is worth thinking about.",
  "I had not looked at it that way.",
  "Tell me more about that.",
  "Interesting. What made you think of it?",
  "I see where you are going with this.",
  "Let me turn that over for a moment.",
];

/** The whole reply the dummy would stream for this request. */
export function dummyReply(req: GenerateRequest): string {
  const name = req.characterName?.trim() || "the assistant";
  const last = [...req.contents].reverse().find((turn) => turn.role === "user")?.text ?? "";
  const { speaker, text } = lastLine(last);
  const seed = hash(`${req.systemPrompt}\u0000${name}\u0000${last}`);
  const opener = OPENERS[seed % OPENERS.length];
  const remark = REMARKS[(seed >>> 8) % REMARKS.length];
  const persona = personaHint(req.systemPrompt, name);

  const greeting = speaker ? `${opener}, ${speaker}!` : `${opener}!`;
  const quoted = text ? excerpt(text, 16) : "";
  // No second full stop after a quote that already ends a sentence.
  const echo = text ? ` You said: "${quoted}"${/[.!?…]$/.test(quoted) ? "" : "."}` : "";
  const intro = persona ? ` ${name} here, ${persona}.` : ` ${name} here.`;
  return `${greeting}${echo}${intro} ${remark}`;
}

/** The last "Name: text" line of a (possibly merged) user turn. */
function lastLine(turn: string): { speaker: string | null; text: string } {
  const line = turn.trim().split("\n").pop()?.trim() ?? "";
  const match = /^([^:\n]{1,40}):\s+(.*)$/s.exec(line);
  return match?.[1] && match[2] !== undefined ? { speaker: match[1], text: match[2] } : { speaker: null, text: line };
}

/**
 * A few words from the persona's first sentence ("You are Nemo, a reclusive captain." gives
 * "a reclusive captain"), so different characters sound different.
 */
function personaHint(systemPrompt: string, name: string): string {
  let first = systemPrompt.split(/(?<=[.!?])\s|\n/)[0]?.trim() ?? "";
  first = first.replace(/^(you are|you're|act as|play)\s+/i, "");
  if (first.toLowerCase().startsWith(name.toLowerCase())) first = first.slice(name.length);
  first = first.replace(/^[\s,;:-]+/, "").replace(/[.!?]+$/, "");
  return first ? excerpt(first, 8, "") : "";
}

function excerpt(text: string, maxWords: number, ellipsis = "…"): string {
  const words = text.trim().split(/\s+/);
  return words.length > maxWords ? `${words.slice(0, maxWords).join(" ")}${ellipsis}` : words.join(" ");
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
