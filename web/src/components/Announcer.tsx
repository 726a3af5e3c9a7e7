// What a screen reader hears of the conversation as it happens. The log is not a live region:
// it changes in ways that are not news (a streamed reply rewrites its last paragraph with every
// chunk, history loads above, edits rewrite rows), and a live log read all of that out. This
// polite region says each new message once instead: someone else's as it arrives, an AI reply
// once it is finished or stopped (a failed one says so itself, as an alert), never your own
// sends (you know what you wrote), and a burst of them (the catch-up after a reconnect) as a count.
import { createEffect, createSignal, For, on, untrack, useContext } from "solid-js";
import type { Message } from "../../../shared/wire";
import { loadPlainText, noticeText, plainPreview } from "../format";
import { RoomPeople } from "../mentions";
import { lowerBound } from "./log-layout";

/** More new messages than this at once are announced as their number. */
const BURST = 3;
/** The longest text read out for one message: a long reply is better read in the log. */
const MAX_CHARS = 600;
/** Spoken lines kept in the region (a new node for each, so the same words twice are heard twice). */
const KEEP = 5;

export function Announcer(props: { messages: readonly Message[]; myId: string | undefined }) {
  const people = useContext(RoomPeople);
  void loadPlainText();
  const [lines, setLines] = createSignal<{ id: number; text: string }[]>([]);
  let nextId = 0;
  // Everything loaded when the room opened is history, not news.
  let seen = untrack(() => props.messages.at(-1)?.seq ?? 0);
  /** New AI replies still being written: announced when they finish. */
  const writing = new Set<number>();

  const who = (m: Message) => people?.nameOf(m.author.id) ?? m.author.name;
  const spoken = (m: Message): string | null => {
    if (m.deletedAt || m.status === "error") return null;
    if (m.author.kind === "system") return `${who(m)} ${noticeText(m.content, people?.me?.(), people?.nameOfUser)}`;
    const text = plainPreview(m.content, MAX_CHARS);
    const files = m.attachments?.length ?? 0;
    const sent = files === 0 ? "" : files === 1 ? `sent ${m.attachments?.[0]?.name ?? "a file"}` : `sent ${files} files`;
    if (!text && !sent) return m.status === "stopped" ? `${who(m)} stopped before writing anything.` : null;
    const stopped = m.status === "stopped" ? " (stopped)" : "";
    return text ? `${who(m)}: ${text}${stopped}${sent ? `, and ${sent}` : ""}` : `${who(m)} ${sent}`;
  };
  const say = (text: string) => setLines((was) => [...was.slice(-(KEEP - 1)), { id: nextId++, text }]);

  createEffect(
    on(
      () => {
        const list = props.messages;
        const fresh: Message[] = [];
        for (let i = list.length - 1; i >= 0 && (list[i] as Message).seq > seen; i--) fresh.unshift(list[i] as Message);
        // Reading each unfinished reply's status here runs this again when it changes.
        for (const m of fresh) void m.status;
        const done = [...writing].flatMap((seq) => {
          const m = list[lowerBound(list, seq)];
          return m?.seq === seq && m.status !== "streaming" ? [m] : [];
        });
        return { fresh, done };
      },
      ({ fresh, done }) => {
        const news: Message[] = [];
        for (const m of done) {
          writing.delete(m.seq);
          news.push(m);
        }
        for (const m of fresh) {
          seen = Math.max(seen, m.seq);
          if (m.author.kind === "user" && m.author.id === props.myId) continue;
          if (m.status === "streaming") writing.add(m.seq);
          else news.push(m);
        }
        const texts = news.flatMap((m) => spoken(m) ?? []);
        if (texts.length > BURST) say(`${texts.length} new messages.`);
        else for (const text of texts) say(text);
      },
    ),
  );

  return (
    <div aria-live="polite" aria-relevant="additions" aria-atomic="false" class="sr-only announcer">
      <For each={lines()}>{(line) => <p>{line.text}</p>}</For>
    </div>
  );
}
