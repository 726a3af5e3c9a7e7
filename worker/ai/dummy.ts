// The built-in provider used when no Gemini key is configured: local dev, tests and load
// tests get a streamed, in-character reply with no network at all. It is the first AI text a
// newcomer sees, so it reads as a few whole sentences (a greeting, who the character is, the
// question quoted back, a remark, an offer), varied by the conversation; asked for a table, a
// list or code, it answers with a short Markdown showcase instead. The reply is a pure function
// of the request (same conversation, same words), so tests can assert on it; it is streamed
// word by word with a fixed delay so the UI and the room see a real token stream. It names the
// files it was given ("I can see a 640×480 PNG named chart.png") and reports estimated usage.
import { describeKind } from "../../shared/attachments";
import type { AttachmentType } from "../../shared/wire";
import { AbortedError } from "./errors";
import type { ChatProvider, GenerateRequest, InlineFile } from "./provider";

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
      const words = (dummyReply(req).match(/\S+\s*/g) ?? []).slice(0, Math.max(1, req.maxOutputTokens));
      for (const word of words) {
        if (delay > 0) await sleep(delay, signal);
        if (signal.aborted) throw new AbortedError();
        yield word;
      }
      req.onUsage?.(dummyUsage(req, words.length));
    },
  };
}

const GREETINGS = ["Hi {name}!", "Hello, {name}.", "Hey {name}!", "Good to hear from you, {name}."];
const QUESTION_GREETINGS = ["Good question, {name}.", "Thanks for asking, {name}.", "Hi {name}!", "Happy to help, {name}."];
const STATEMENT_REMARKS = ["Thanks for the note.", "Nice to meet you.", "Go on, I am curious where this leads.", "I am listening."];
const QUESTION_REMARKS = [
  "That is worth thinking through step by step.",
  "I have not looked at it quite that way before.",
  "There is more than one good answer to that.",
  "The short version is that it depends on what matters most to you.",
  "Let me turn that over for a moment.",
  "That reminds me of a few things people often miss.",
  "I would start with the simplest option and see how far it goes.",
];
const CLOSINGS = [
  "Ask me for a table, a list or some code, and I will show you how Markdown looks here.",
  "Tell me a little more and I can be more specific.",
  "I am Parlor's offline stand-in, so add a Gemini API key for real answers.",
  "What would you like to try next?",
];
/** Words that ask for formatted output: the reply then shows what Markdown looks like. */
const WANTS_MARKDOWN = /\b(markdown|table|list|code|snippet|example|demo|format(ted|ting)?)\b/i;

const DEMOS = [
  {
    title: "Three easy hikes",
    table: [
      "| Trail | Distance | Climb |",
      "|:--|--:|--:|",
      "| Twin Falls | 2.6 mi | 500 ft |",
      "| Rattlesnake Ledge | 4 mi | 1,160 ft |",
      "| Lake Serene | 7.5 mi | 2,000 ft |",
    ],
    steps: ["Check the weather the night before", "Pack water, a snack and a layer", "Tell someone your route"],
    code: ["```ts", 'const pack = ["water", "snacks", "map"];', "console.log(pack.length, 'things packed');", "```"],
  },
  {
    title: "A quick weeknight dinner",
    table: [
      "| Step | Minutes | Heat |",
      "|:--|--:|:--:|",
      "| Boil the pasta | 10 | High |",
      "| Warm the sauce | 5 | Low |",
      "| Toss and serve | 2 | Off |",
    ],
    steps: ["Salt the water well", "Save a cup of pasta water", "Finish the pasta in the sauce"],
    code: ["```python", "servings = 4", 'print(f"{servings * 100} g of pasta")', "```"],
  },
  {
    title: "The inner planets",
    table: [
      "| Planet | Day length | Moons |",
      "|:--|--:|--:|",
      "| Mercury | 59 days | 0 |",
      "| Venus | 243 days | 0 |",
      "| Earth | 24 hours | 1 |",
    ],
    steps: ["Find a dark spot away from city lights", "Look west just after sunset", "Use binoculars for the phases of Venus"],
    code: ["```js", 'const planets = ["Mercury", "Venus", "Earth"];', 'console.log(planets.join(" → "));', "```"],
  },
];

/** The whole reply the dummy would stream for this request. */
export function dummyReply(req: GenerateRequest): string {
  const name = req.characterName?.trim() || "the assistant";
  const lastTurn = [...req.contents].reverse().find((turn) => turn.role === "user");
  const last = lastTurn?.text ?? "";
  const line = lastLine(last);
  const speaker = line.speaker;
  // The "[attached: …]" notes are said by seen(), not quoted back.
  const text = line.text.replace(/\s*\[attached: [^\]]*\]/g, "").trim();
  const seed = hash(`${req.systemPrompt}\u0000${name}\u0000${last}`);
  const pick = <T>(list: readonly T[], shift: number) => list[(seed >>> shift) % list.length] as T;
  const asking = /\?\s*$/.test(text);
  const greeting = pick(asking ? QUESTION_GREETINGS : GREETINGS, 0).replace("{name}", speaker?.split(/\s+/)[0] || "there");
  const role = persona(req.systemPrompt, name);
  const intro = (role ? `I'm ${name}, ${role}.` : `I'm ${name}.`) + seen(lastTurn?.files ?? []);
  if (WANTS_MARKDOWN.test(text)) return markdownDemo(greeting, intro, pick(DEMOS, 4));
  const echo = text ? ` ${quote(text)}` : "";
  return `${greeting} ${intro}${echo} ${pick(asking ? QUESTION_REMARKS : STATEMENT_REMARKS, 8)} ${pick(CLOSINGS, 16)}`;
}

/** " I can see a 640×480 PNG named chart.png and a PDF named notes.pdf." for the files it got. */
function seen(files: InlineFile[]): string {
  if (files.length === 0) return "";
  const each = files.map((f) => `${describeKind({ ...f, mimeType: f.mimeType as AttachmentType })} named ${f.name}`);
  const list = each.length === 1 ? each[0] : `${each.slice(0, -1).join(", ")} and ${each[each.length - 1]}`;
  return ` I can see ${list}.`;
}

/** What the dummy "spent": about four characters of the request a token, and a token a word. */
function dummyUsage(req: GenerateRequest, words: number) {
  const chars = req.systemPrompt.length + req.contents.reduce((n, t) => n + t.text.length, 0);
  const promptTokens = Math.ceil(chars / 4);
  return { promptTokens, outputTokens: words, totalTokens: promptTokens + words };
}

/** A reply that shows a table, a list, a task list and a code block, table first. */
function markdownDemo(greeting: string, intro: string, demo: (typeof DEMOS)[number]): string {
  return [
    `${greeting} ${intro} Here is **${demo.title.toLowerCase()}**, with a little of everything Markdown can do here.`,
    "",
    ...demo.table,
    "",
    ...demo.steps.map((step, i) => `${i + 1}. ${step}`),
    "",
    "- [x] Read the question",
    "- [ ] Try it ~~tomorrow~~ today",
    "",
    ...demo.code,
    "",
    "Ask for anything else and I will answer in plain words.",
  ].join("\n");
}

/** The last "Name: text" line of a (possibly merged) user turn. */
function lastLine(turn: string): { speaker: string | null; text: string } {
  const line = turn.trim().split("\n").pop()?.trim() ?? "";
  const match = /^([^:\n]{1,40}):\s+(.*)$/s.exec(line);
  return match?.[1] && match[2] !== undefined ? { speaker: match[1], text: match[2] } : { speaker: null, text: line };
}

/** "You asked: “…?”" for a question, "You said: “…”" otherwise, at most 20 words. */
function quote(text: string): string {
  const words = text.trim().split(/\s+/);
  const cut = words.length > 20;
  const body = cut ? `${words.slice(0, 20).join(" ")}…` : words.join(" ");
  // A quote that does not end a sentence itself is followed by a full stop.
  return `${/\?\s*$/.test(text) ? "You asked" : "You said"}: “${body}”${/[.!?…]$/.test(body) ? "" : "."}`;
}

/**
 * Who the character is, as a phrase that fits "I'm Nemo, ___.": the rest of a persona that
 * opens "You are Nemo, a reclusive captain." when that is short; otherwise nothing, rather
 * than a fragment cut mid-phrase.
 */
function persona(systemPrompt: string, name: string): string {
  const first = systemPrompt.split(/(?<=[.!?])\s|\n/)[0]?.trim() ?? "";
  const lead = /^(?:you are|you're|act as|play)\s+(.+?),\s*(.+?)[.!?]*$/i.exec(first);
  if (!lead || lead[1]?.toLowerCase() !== name.toLowerCase()) return "";
  const role = lead[2] ?? "";
  return role.split(/\s+/).length <= 14 ? role : "";
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
