// The scrolling message log. Only a window of at most WINDOW messages is in the DOM, so a room
// with thousands of messages scrolls as lightly as a short one: scrolling near the top slides
// the window up (then asks the server for older history), near the bottom slides it down, and
// a gap left by opening the room at an old message (stores/history.ts) fills as it comes into
// view. Every change to what is rendered keeps the message the reader is looking at in the
// same place on screen (log-scroll.ts). At the bottom the log follows new messages and
// streamed text, however late the bubbles reach their final height; scrolled up it holds still
// and offers a jump to the latest. A `target` (a search hit) is centred and highlighted. What
// has been on screen is read (log-read.ts), under a "New messages" line; a room with more new
// messages than fit opens at the first of them. A screen reader hears what is new from Announcer.
import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show } from "solid-js";
import type { Message } from "../../../shared/wire";
import type { Gap } from "../stores/history";
import type { LocalSend } from "../stores/messages";
import { Announcer } from "./Announcer";
import { Icon } from "./Icon";
import { DaySeparator, LoadingRow, LogStart, NewSeparator } from "./LogMarks";
import { createGapFiller } from "./log-gaps";
import { createLogKeys } from "./log-keys";
import { answersTo, groupRows, latestAi, lowerBound, questionDeleted } from "./log-layout";
import { createLogRead } from "./log-read";
import { createLogScroll, type LogScroll } from "./log-scroll";
import { type MessageActions, MessageItem } from "./MessageItem";
import { PendingItem } from "./PendingItem";

export const WINDOW = 120;
const STEP = 40;
const EDGE = 400;

type Props = {
  messages: Message[];
  pending: LocalSend[];
  myId: string | undefined;
  hasMoreBefore: boolean;
  loadingOlder: boolean;
  loadOlder: () => Promise<void>;
  actions: MessageActions;
  /** You own the room: you may delete anyone's message. */
  canDeleteAny?: boolean;
  label: string;
  /** Shown in a room where nothing was said yet (at most room notices): what to do first. */
  intro?: string;
  now: number;
  /** Receives a function that scrolls to the newest message (used after sending). */
  controls?: (c: { toLatest: () => void; scroller: HTMLElement }) => void;
  /** A message to show centred and highlighted (a new object each time it is asked for). */
  target?: { seq: number } | null;
  /** Runs of history not loaded between two loaded messages, and how to read into one. */
  gaps?: readonly Gap[];
  fillGap?: (gap: Gap, direction: "forward" | "backward") => Promise<void>;
  /** How far the reader had read when the room opened, for the "New messages" line. */
  readAtOpen?: number;
  /** The newest message the reader has had on screen, as it moves. */
  onRead?: (seq: number) => void;
};

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
  const fromBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
  const lastRendered = () => props.messages[range()[1] - 1]?.seq;
  const reading = createLogRead(props, () => scroller, follow, lastRendered);
  const latestAiSeq = createMemo(() => latestAi(props.messages));
  const answers = createMemo(() => answersTo(props.messages));
  // A reply to a message since deleted cannot be written again: it offers no Regenerate.
  const noRegenerate = createMemo(() => ({ ...props.actions, regenerate: undefined }));
  // A function, not a ternary in the JSX: the compiler would wrap that in a memo made on each read.
  const actionsFor = (m: Message) => (questionDeleted(props.messages, m) ? noRegenerate() : props.actions);

  let inner!: HTMLDivElement;
  let scroll: LogScroll | undefined;
  const [highlighted, setHighlighted] = createSignal<number | null>(null);

  /** Runs a change to what is rendered while keeping the first visible message still. */
  function anchored(change: () => unknown) {
    scroll?.remember();
    const result = change();
    if (result instanceof Promise) return result.then(() => scroll?.restore());
    scroll?.restore();
  }

  function freeze(start: number, end: number) {
    const list = props.messages;
    setFromSeq(list[start]?.seq ?? 0);
    setToSeq(list[Math.max(start, end - 1)]?.seq ?? 0);
    setFollow(false);
  }

  let busy = false;
  async function onScroll() {
    const upward = scroll?.scrolled() ?? false;
    reading.look();
    if (busy) return;
    const below = fromBottom();
    const [start, end] = range();
    if (below < 40 && atEnd()) {
      if (!follow()) setFollow(true);
    } else if (follow() && below > 150 && upward) {
      // Only the reader scrolling up lets go of the bottom; content growing below does not.
      freeze(start, end);
    }
    if (!follow()) scroll?.remember();
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
    } else if (below < EDGE && !atEnd()) {
      const e = Math.min(props.messages.length, end + STEP);
      // With a gap in the log, the end is reached by reading through it, not by jumping past it.
      if (e >= props.messages.length && !props.gaps?.length) anchored(() => setFollow(true));
      else anchored(() => freeze(Math.max(start, e - WINDOW), e));
    }
    void fillVisibleGap();
  }

  const fillVisibleGap = createGapFiller(
    props,
    () => scroller,
    EDGE,
    anchored,
    (direction) => {
      // Filled above the reader: keep the rows they are reading, let the window's top give.
      if (!follow() && direction === "backward") {
        const end = lowerBound(props.messages, toSeq() + 1);
        freeze(Math.max(0, end - WINDOW), end);
      }
    },
  );

  const toLatest = () => {
    setFollow(true);
    setHighlighted(null);
    scroll?.toBottom();
  };

  onMount(() => {
    scroll = createLogScroll(scroller, inner, follow);
    onCleanup(() => scroll?.dispose());
    props.controls?.({ toLatest, scroller });
    // More new messages than fit: open at the first of them, under its line (the window moved
    // there first if it is not in it); else at the newest. A search hit opens on itself.
    if (props.target) return;
    const i = lowerBound(props.messages, reading.newAt() ?? Number.POSITIVE_INFINITY);
    if (i < range()[0]) freeze(Math.max(0, i - 20), Math.min(props.messages.length, Math.max(0, i - 20) + WINDOW));
    const open = () => (scroll?.openAt(scroller.querySelector(".new-sep")) ? freeze(range()[0], range()[1]) : follow() || toLatest());
    if (follow()) open();
    else queueMicrotask(open);
  });

  // Follow the conversation while the reader is at the bottom: new messages, local sends and
  // each streamed chunk of the newest reply. (Heights that settle later: log-scroll.ts.)
  createEffect(
    on(
      () => [props.messages.length, props.messages[props.messages.length - 1]?.content.length, props.pending.length],
      () => {
        if (follow()) scroll?.toBottom();
      },
    ),
  );

  // Show the target: a window around it, centred on screen, highlighted and focused.
  createEffect(
    on(
      () => props.target,
      (target) => {
        const i = target ? lowerBound(props.messages, target.seq) : -1;
        if (!target || props.messages[i]?.seq !== target.seq) return;
        const start = Math.max(0, Math.min(i - WINDOW / 2, props.messages.length - WINDOW));
        freeze(start, Math.min(props.messages.length, start + WINDOW));
        setHighlighted(target.seq);
        // After the window re-renders with the target in it.
        queueMicrotask(() => {
          const row = scroller.querySelector<HTMLElement>(`[data-seq="${target.seq}"]`);
          if (!row) return;
          scroll?.centre(row);
          // Nothing newer to jump to (a room that fits on the screen never scrolls there).
          if (atEnd() && fromBottom() < 40) setFollow(true);
          row.focus({ preventScroll: true });
          void fillVisibleGap();
        });
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

  const unspoken = () => props.pending.length === 0 && props.messages.every((m) => m.author.kind === "system");
  const gapAfter = (seq: number) => props.gaps?.some((g) => g.after === seq) ?? false;

  const keys = createLogKeys(
    () => scroller,
    () => visible().flatMap((m) => (m.author.kind === "system" ? [] : [m.seq])),
  );

  // Grouping and day breaks for the whole window in one pass, so a window shift does not make
  // every row re-derive them from its neighbours.
  const layout = createMemo(() => groupRows(visible(), range()[0] === 0 && !props.hasMoreBefore));
  // The first new message shows who wrote it, below the "New messages" line.
  const compactAt = (i: number) => (layout().compact[i] ?? false) && visible()[i]?.seq !== reading.newAt();
  const newDayAt = (i: number) => layout().newDay[i] ?? false;

  return (
    <div class="log-wrap">
      <div
        ref={scroller}
        class="log"
        role="log"
        aria-label={props.label}
        // Not read out as it changes: Announcer says what is new.
        aria-live="off"
        aria-busy={props.loadingOlder ? "true" : undefined}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be focusable so keyboards can scroll it
        tabIndex={0}
        onScroll={onScroll}
        onKeyDown={keys.onKeyDown}
        onFocusIn={keys.onFocusIn}
        onFocusOut={keys.onFocusOut}
      >
        <div class="log-inner" ref={inner}>
          <Show when={range()[0] === 0 && !props.hasMoreBefore}>
            <LogStart empty={unspoken()} intro={props.intro} />
          </Show>
          <Show when={props.loadingOlder}>
            <LoadingRow text="Loading older messages…" />
          </Show>
          <For each={visible()}>
            {(m, i) => (
              <>
                <Show when={newDayAt(i())}>
                  <DaySeparator at={m.createdAt} />
                </Show>
                <Show when={m.seq === reading.newAt()}>
                  <NewSeparator />
                </Show>
                <MessageItem
                  message={m}
                  mine={m.author.kind !== "ai" && m.author.id === props.myId}
                  compact={compactAt(i())}
                  groupEnd={!compactAt(i() + 1)}
                  latestAi={m.seq === latestAiSeq()}
                  target={m.seq === highlighted()}
                  canDeleteAny={props.canDeleteAny}
                  answeredBy={answers().get(m.seq)}
                  actions={actionsFor(m)}
                  hold={(el, on, keepBottom) => scroll?.hold(el, on, keepBottom)}
                  tabStop={m.seq === keys.tabStop()}
                />
                <Show when={gapAfter(m.seq)}>
                  <LoadingRow text="Loading messages…" after={m.seq} />
                </Show>
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
          {reading.jumpLabel()}
        </button>
      </Show>
      <Announcer messages={props.messages} myId={props.myId} />
    </div>
  );
}
