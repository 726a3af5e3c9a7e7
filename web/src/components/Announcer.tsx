// What a screen reader hears of the conversation as it happens. The log is not a live region:
// it changes in ways that are not news (a streamed reply rewrites its last paragraph with every
// chunk, history loads above, edits rewrite rows), and a live log read all of that out. This
// polite region says each new message once instead: someone else's as it arrives, an AI reply
// once it is finished, stopped or failed, never your own sends (you know what you wrote), and a
// burst of them (the catch-up after a reconnect, a frame each) as a count. Each line of a message
// is a sentence of its own, and a mention is read as the person's name.
import { createEffect, createSignal, For, on, onCleanup, untrack, useContext } from "solid-js";
import { truncate } from "../../../shared/text";
import type { Message } from "../../../shared/wire";
import { loadPlainText, noticeText, plainOf } from "../format";
import { RoomPeople } from "../mentions";
import { lowerBound } from "./log-layout";

/** More new messages than this within BURST_MS are announced as their number. */
const BURST = 3;
const BURST_MS = 300;
/** The longest text read out for one message: a long reply is better read in the log. */
const MAX_CHARS = 600;
/** How many of the newest messages are watched for a reply starting. */
const TAIL = 20;
/** Spoken lines kept in the region (a new node for each, so the same words twice are heard twice). */
const KEEP = 5;
/** How long a line stays once said: long enough to be heard, then gone, or reading the page
 * line by line later would meet it again after the messages. */
const SPOKEN_FOR_MS = 10_000;

export function Announcer(props: { messages: readonly Message[]; myId: string | undefined }) {
  const people = useContext(RoomPeople);
  void loadPlainText();
  const [lines, setLines] = createSignal<{ id: number; text: string }[]>([]);
  let nextId = 0;
  // Everything loaded when the room opened is history, not news; but a reply still being
  // written then is what someone is waiting for.
  let seen = untrack(() => props.messages.at(-1)?.seq ?? 0);
  /** AI replies being written (new ones, and new versions of old ones): announced when they finish. */
  const writing = new Set<number>();
  let waiting: string[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const clearing = new Set<ReturnType<typeof setTimeout>>();
  onCleanup(() => {
    clearTimeout(timer);
    for (const t of clearing) clearTimeout(t);
  });

  const who = (m: Message) => people?.nameOf(m.author.id) ?? m.author.name;
  const spoken = (m: Message): string | null => {
    if (m.deletedAt) return null;
    if (m.author.kind === "system") return `${who(m)} ${noticeText(m.content, people?.me?.(), people?.nameOfUser)}`;
    if (m.status === "error") return `${who(m)} couldn't reply: ${m.error || "the reply failed."}`;
    const text = spokenText(m.content, (u) => (u === people?.me?.() ? "you" : people?.nameOfUser?.(u)));
    const files = m.attachments?.length ?? 0;
    const sent = files === 0 ? "" : files === 1 ? `sent ${m.attachments?.[0]?.name ?? "a file"}` : `sent ${files} files`;
    if (!text && !sent) return m.status === "stopped" ? `${who(m)} stopped before writing anything.` : null;
    const stopped = m.status === "stopped" ? " (stopped)" : "";
    return text ? `${who(m)}: ${text}${stopped}${sent ? `, and ${sent}` : ""}` : `${who(m)} ${sent}`;
  };
  const say = (text: string) => {
    const id = nextId++;
    setLines((was) => [...was.slice(-(KEEP - 1)), { id, text }]);
    const clear = setTimeout(() => {
      clearing.delete(clear);
      setLines((was) => was.filter((line) => line.id !== id));
    }, SPOKEN_FOR_MS);
    clearing.add(clear);
  };
  /** Says `texts` once the burst they may be part of is over. */
  const announce = (texts: string[]) => {
    waiting.push(...texts);
    timer ??= setTimeout(() => {
      timer = undefined;
      const all = waiting;
      waiting = [];
      if (all.length > BURST) say(`${all.length} new messages.`);
      else for (const text of all) say(text);
    }, BURST_MS);
  };

  createEffect(
    on(
      () => {
        const list = props.messages;
        const fresh: Message[] = [];
        for (let i = list.length - 1; i >= 0 && (list[i] as Message).seq > seen; i--) fresh.unshift(list[i] as Message);
        // The newest messages' states, read here so that a change to one runs this again: a reply
        // that starts (a new one, a new version of an old one, or one under way at opening).
        const started = list.slice(-TAIL).flatMap((m) => (m.status === "streaming" && m.author.kind === "ai" ? [m.seq] : []));
        const done = [...writing].flatMap((seq) => {
          const m = list[lowerBound(list, seq)];
          return m?.seq === seq && m.status !== "streaming" ? [m] : [];
        });
        return { fresh, started, done };
      },
      ({ fresh, started, done }) => {
        const news: Message[] = [];
        for (const m of done) {
          writing.delete(m.seq);
          news.push(m);
        }
        for (const seq of started) writing.add(seq);
        for (const m of fresh) {
          seen = Math.max(seen, m.seq);
          if (m.author.kind === "user" && m.author.id === props.myId) continue;
          if (m.status === "streaming") writing.add(m.seq);
          else news.push(m);
        }
        const texts = news.flatMap((m) => spoken(m) ?? []);
        if (texts.length > 0) announce(texts);
      },
    ),
  );

  return (
    <div aria-live="polite" aria-relevant="additions" aria-atomic="false" class="sr-only announcer">
      <For each={lines()}>{(line) => <p>{line.text}</p>}</For>
    </div>
  );
}

/** A message as it is read out: each line of it a sentence (a table row, a list item, a
 * paragraph), code fences dropped, a mention of someone the room knows by their name. */
export function spokenText(markdown: string, nameOfUser?: (username: string) => string | undefined): string {
  const lines = markdown
    .split(/\n+/)
    .filter((line) => !/^\s*(```|~~~|\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$)/.test(line))
    .map((line) => plainOf(line.replace(/\|/g, " ")))
    .filter(Boolean);
  // A pause between lines: a full stop after each that has no punctuation of its own.
  const text = lines.map((line, i) => (i === lines.length - 1 || /[.!?:;…]$/.test(line) ? line : `${line}.`)).join(" ");
  const named = text.replace(/(^|[^\w@])@([a-z0-9_]{3,32})\b/gi, (all, before: string, u: string) => {
    const name = nameOfUser?.(u.toLowerCase());
    return name ? `${before}${name}` : all;
  });
  return truncate(named, MAX_CHARS);
}
