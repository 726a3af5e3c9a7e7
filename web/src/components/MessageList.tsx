// The scrolling message log. Only a window of at most WINDOW messages is in the DOM, so a room
// with thousands of messages scrolls as lightly as a short one: scrolling near the top slides
// the window up (then asks the server for older history), near the bottom slides it down.
// Every change to what is rendered above the reader keeps the message they are looking at in
// the same place on screen. At the bottom the log follows new messages and streamed text;
// scrolled up it holds still and offers a jump to the latest.
import { createEffect, createMemo, createSignal, For, on, onMount, Show } from "solid-js";
import type { Message } from "../../../shared/wire";
import { dayKey, dayLabel } from "../format";
import type { LocalSend } from "../stores/messages";
import { Icon } from "./Icon";
import { type MessageActions, MessageItem, PendingItem } from "./MessageItem";

export const WINDOW = 120;
const STEP = 40;
const EDGE = 400;
const GROUP_MS = 5 * 60_000;

type Props = {
  messages: Message[];
  pending: LocalSend[];
  myId: string | undefined;
  hasMoreBefore: boolean;
  loadingOlder: boolean;
  loadOlder: () => Promise<void>;
  actions: MessageActions;
  label: string;
  /** Shown in an empty room: what to do first. */
  intro?: string;
  now: number;
  /** Receives a function that scrolls to the newest message (used after sending). */
  controls?: (c: { toLatest: () => void }) => void;
};

/** First index whose seq is >= seq. */
function lowerBound(list: Message[], seq: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as Message).seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function MessageList(props: Props) {
  let scroller!: HTMLDivElement;
  const [follow, setFollow] = createSignal(true);
  const [fromSeq, setFromSeq] = createSignal(0);
  const [toSeq, setToSeq] = createSignal(0);

  const range = createMemo(() => {
    const list = props.messages;
    if (follow()) return [Math.max(0, list.length - WINDOW), list.length] as const;
    const start = lowerBound(list, fromSeq());
    const end = Math.min(lowerBound(list, toSeq() + 1), start + WINDOW);
    return [start, end] as const;
  });
  const visible = createMemo(() => props.messages.slice(range()[0], range()[1]));
  const atEnd = () => range()[1] >= props.messages.length;
  const unseen = () => props.messages.length - range()[1];
  const latestAiSeq = createMemo(() => {
    for (let i = props.messages.length - 1; i >= 0; i--) if (props.messages[i]?.author.kind === "ai") return props.messages[i]?.seq;
    return undefined;
  });

  /** Runs a change to what is rendered while keeping the first visible message still. */
  function anchored(change: () => unknown) {
    const top = scroller.getBoundingClientRect().top;
    const anchor = [...scroller.querySelectorAll<HTMLElement>("[data-seq]")].find((el) => el.getBoundingClientRect().bottom > top);
    const before = anchor?.getBoundingClientRect().top ?? 0;
    const fix = () => {
      if (anchor?.isConnected) scroller.scrollTop += anchor.getBoundingClientRect().top - before;
    };
    const result = change();
    if (result instanceof Promise) return result.then(fix);
    fix();
  }

  function freeze(start: number, end: number) {
    const list = props.messages;
    setFromSeq(list[start]?.seq ?? 0);
    setToSeq(list[Math.max(start, end - 1)]?.seq ?? 0);
    setFollow(false);
  }

  let busy = false;
  async function onScroll() {
    if (busy) return;
    const fromBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
    const [start, end] = range();
    if (fromBottom < 40 && atEnd()) {
      if (!follow()) setFollow(true);
    } else if (follow() && fromBottom > 150) {
      freeze(start, end);
    }
    if (scroller.scrollTop < EDGE) {
      if (start > 0) {
        const s = Math.max(0, start - STEP);
        anchored(() => freeze(s, Math.min(end, s + WINDOW)));
      } else if (props.hasMoreBefore && !props.loadingOlder) {
        busy = true;
        await anchored(() => props.loadOlder());
        busy = false;
        // The page landed above the window; let the next scroll step reveal it.
        if (!follow()) {
          const [s2] = range();
          if (s2 > 0) anchored(() => freeze(Math.max(0, s2 - STEP), Math.min(range()[1], s2 - STEP + WINDOW)));
        }
      }
    } else if (fromBottom < EDGE && !atEnd()) {
      const e = Math.min(props.messages.length, end + STEP);
      if (e >= props.messages.length) anchored(() => setFollow(true));
      else anchored(() => freeze(Math.max(start, e - WINDOW), e));
    }
  }

  const toLatest = () => {
    setFollow(true);
    scroller.scrollTop = scroller.scrollHeight;
  };

  onMount(() => {
    props.controls?.({ toLatest });
    scroller.scrollTop = scroller.scrollHeight;
  });

  // Follow the conversation while the reader is at the bottom: new messages, local sends and
  // each streamed chunk of the newest reply.
  createEffect(
    on(
      () => [props.messages.length, props.messages[props.messages.length - 1]?.content.length, props.pending.length],
      () => {
        if (follow()) scroller.scrollTop = scroller.scrollHeight;
      },
    ),
  );

  // A short first page may not fill the screen, leaving nothing to scroll: fetch more.
  createEffect(
    on(
      () => [props.messages.length, props.hasMoreBefore],
      () => {
        if (props.hasMoreBefore && !props.loadingOlder && scroller.scrollHeight <= scroller.clientHeight + 40 && props.messages.length > 0)
          void anchored(() => props.loadOlder());
      },
    ),
  );

  // Grouping and day breaks for the whole window in one pass, so a window shift does not make
  // every row re-derive them from its neighbours.
  const layout = createMemo(() => {
    const rows = visible();
    const compact: boolean[] = [];
    const newDay: boolean[] = [];
    let prevAt = 0;
    let prevDay = -1;
    rows.forEach((m, i) => {
      const at = Date.parse(m.createdAt);
      const day = dayKey(m.createdAt);
      const prev = rows[i - 1];
      newDay.push(prev ? day !== prevDay : range()[0] === 0 && !props.hasMoreBefore);
      compact.push(
        !!prev && prev.author.id === m.author.id && prev.author.kind === m.author.kind && at - prevAt < GROUP_MS && day === prevDay,
      );
      prevAt = at;
      prevDay = day;
    });
    return { compact, newDay };
  });
  const compactAt = (i: number) => layout().compact[i] ?? false;
  const newDayAt = (i: number) => layout().newDay[i] ?? false;

  return (
    <div class="log-wrap">
      <div
        ref={scroller}
        class="log"
        role="log"
        aria-label={props.label}
        aria-live="polite"
        aria-relevant="additions"
        aria-busy={props.loadingOlder ? "true" : undefined}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable so keyboards can scroll it
        tabIndex={0}
        onScroll={onScroll}
      >
        <div class="log-inner">
          <Show when={range()[0] === 0 && !props.hasMoreBefore}>
            <div class="log-start" classList={{ "is-empty": props.messages.length === 0 && props.pending.length === 0 }}>
              <Icon name="chat" />
              <p>This is the beginning of the conversation.</p>
              <Show when={props.messages.length === 0 && props.pending.length === 0 && props.intro}>
                <p class="log-intro">{props.intro}</p>
              </Show>
            </div>
          </Show>
          <Show when={props.loadingOlder}>
            <div class="log-loading">
              <span class="spinner" aria-hidden="true" /> Loading older messages…
            </div>
          </Show>
          <For each={visible()}>
            {(m, i) => (
              <>
                <Show when={newDayAt(i())}>
                  <div class="day-sep">
                    <span>{dayLabel(m.createdAt)}</span>
                  </div>
                </Show>
                <MessageItem
                  message={m}
                  mine={m.author.kind === "user" && m.author.id === props.myId}
                  compact={compactAt(i())}
                  groupEnd={!compactAt(i() + 1)}
                  latestAi={m.seq === latestAiSeq()}
                  actions={props.actions}
                />
              </>
            )}
          </For>
          <Show when={atEnd()}>
            <For each={props.pending}>{(p) => <PendingItem send={p} actions={props.actions} now={props.now} />}</For>
          </Show>
        </div>
      </div>
      <Show when={!follow()}>
        <button type="button" class="jump-latest" onClick={toLatest}>
          <Icon name="arrowDown" />
          {unseen() > 0 ? `${unseen()} newer message${unseen() === 1 ? "" : "s"}` : "Jump to latest"}
        </button>
      </Show>
    </div>
  );
}
