// One message in the log: author and time (folded for a run from one person), the Markdown body
// and its state: streaming (Stop), stopped or failed AI replies (Regenerate), edited, deleted (a
// tombstone), versions, a mention of you. Actions: MessageTools.tsx; a send not acked: PendingItem.tsx.
import { createEffect, createSignal, Match, on, onCleanup, Show, Switch, useContext } from "solid-js";
import type { Message } from "../../../shared/wire";
import { clockTime, noticeText, retryWhen } from "../format";
import { RoomPeople } from "../mentions";
import { AttachmentList } from "./Attachments";
import { Avatar } from "./Avatar";
import { Icon } from "./Icon";
import { Markdown } from "./Markdown";
import { longPress, MessageEditor, MessageTools, offerEdit, RegenerateButton, RegenerateOffer, VersionFlipper } from "./MessageTools";
import { placeActions } from "./place-actions";
import { WritingState } from "./WritingState";

export type MessageActions = {
  stop: (seq: number) => void;
  /** None while the room has no character to answer again. */
  regenerate?: (seq: number) => void;
  retry: (clientId: string) => void;
  discard: (clientId: string) => void;
  edit?: (seq: number, content: string) => boolean; // false: not sent (offline), the editor keeps the text
  remove?: (seq: number) => void;
  selectVersion?: (seq: number, version: number) => void;
};

type Props = {
  message: Message;
  mine: boolean;
  /** Same author as the message above, shortly before: no name or avatar. */
  compact: boolean;
  /** Last of a run from one author: where the time goes on your own messages. */
  groupEnd: boolean;
  /** The newest AI reply, the one Regenerate applies to. */
  latestAi: boolean;
  /** The message a search hit (or a link) pointed at: highlighted, and focusable. */
  target?: boolean;
  /** You own the room: you may delete anyone's message. */
  canDeleteAny?: boolean;
  /** The seq of the AI reply that answered this message, if any. */
  answeredBy?: number;
  actions: MessageActions;
  /** Hold this row still in the log while it changes size in place (`on`), or let it go. */
  hold?: (el: HTMLElement, on: boolean, keepBottom?: boolean) => void;
  /** The log's one message in the tab order (the arrow keys move between the others). */
  tabStop?: boolean;
};

/** The message a control of which last had the keyboard focus (see keepFocus). */
let lastFocused: HTMLElement | undefined;

export function MessageItem(props: Props) {
  const m = () => props.message;
  const ai = () => m().author.kind === "ai";
  const regenerate = (seq: number) => props.actions.regenerate?.(seq);
  const people = useContext(RoomPeople);
  // The author's name now, if the room knows them; else the one the message was sent with.
  const authorName = () => people?.nameOf(m().author.id) ?? m().author.name;
  const name = () => (props.mine ? "You" : authorName());
  const [editing, setEditing] = createSignal(false);
  const [offer, setOffer] = createSignal(false);
  // The actions are built the first time a pointer or the keyboard reaches the message (a long
  // log stays light); a long press on a phone shows them until the next touch elsewhere.
  const [armed, setArmed] = createSignal(false);
  const [open, setOpen] = createSignal(false);
  let article: HTMLElement | undefined;
  const closeActions = () => {
    setOpen(false);
    document.removeEventListener("pointerdown", closeOutside);
  };
  const closeOutside = (e: PointerEvent) => {
    if (!article?.contains(e.target as Node)) closeActions();
  };
  const openActions = () => {
    setArmed(true);
    setOpen(true);
    placeTools();
    document.addEventListener("pointerdown", closeOutside);
  };
  const placeTools = () => article && placeActions(article);
  const arm = () => {
    setArmed(true);
    placeTools();
  };
  onCleanup(() => document.removeEventListener("pointerdown", closeOutside));
  // An action that takes away the control it was done with (the editor closing, a delete, a
  // regenerate, the last version reached) would leave the focus on the page's body: the
  // message keeps it, so the keyboard goes on from here.
  const keepFocus = () =>
    requestAnimationFrame(() => {
      const at = document.activeElement;
      if (lastFocused === article && article?.isConnected && (!at || at === document.body)) article.focus({ preventScroll: true });
    });
  createEffect(on([editing, () => m().deletedAt, () => m().status, () => m().version], keepFocus, { defer: true }));
  // A new version or an edit resizes the bubble under a shown bar: it follows, once the text is
  // whole (no bar while a reply streams, so no measuring per chunk).
  createEffect(
    on([armed, () => m().content, () => m().status, () => m().version], () => {
      if (armed() && m().status !== "streaming") requestAnimationFrame(placeTools);
    }),
  );
  const deleted = () => Boolean(m().deletedAt);
  // A reply waiting (for a key, a retry, its asker's turn) counts down to when it tries again.
  const waiting = () => m().status === "streaming" && !!m().retryAt;
  const [now, setNow] = createSignal(Date.now());
  createEffect(() => {
    if (!waiting()) return;
    const tick = setInterval(() => setNow(Date.now()), 1000);
    onCleanup(() => clearInterval(tick));
  });
  // Whether the rendered text marks a mention of you (not one inside code or a link).
  const [namesMe, setNamesMe] = createSignal(false);
  // A reply stopped or failed part-way may end mid-Markdown, as a streaming one does: it is
  // rendered the same tolerant way, so it keeps looking as it did when it stopped.
  const cutShort = () => m().status === "streaming" || m().status === "stopped" || m().status === "error";
  // The row stays where the reader is looking while its editor opens, grows and closes; opened
  // from the composer (Up), the log's newest lines stay in view instead while it fits, and the
  // keyboard goes back to the composer when it closes, so the next words typed land there.
  let returnTo: HTMLElement | null = null;
  const edit = (on: boolean, fromComposer = false) => {
    // Editing is the action the bar was opened for: it does not come back over the bubble.
    if (on) closeActions();
    if (on) returnTo = fromComposer ? (document.activeElement as HTMLElement | null) : null;
    if (on && article) props.hold?.(article, true, fromComposer);
    setEditing(on);
    if (!on && article) props.hold?.(article, false);
    if (!on && returnTo?.isConnected) returnTo.focus({ preventScroll: true });
  };
  if (props.mine && m().author.kind === "user") offerEdit(m, () => edit(true, true));
  const saveEdit = (text: string) => {
    if (props.actions.edit?.(m().seq, text) === false) return;
    edit(false);
    if (props.answeredBy !== undefined) setOffer(true);
  };
  return (
    <Show
      when={m().author.kind !== "system"}
      fallback={
        <p class="msg-system" data-seq={m().seq}>
          <strong>{name()}</strong> {noticeText(m().content, people?.me?.(), people?.nameOfUser)}&nbsp;
          <time datetime={m().createdAt}>{clockTime(m().createdAt)}</time>
        </p>
      }
    >
      <article
        ref={article}
        {...longPress(openActions)}
        onPointerEnter={arm}
        onFocusIn={() => {
          lastFocused = article;
          arm();
        }}
        onContextMenu={(e) => open() && e.preventDefault()}
        class="msg"
        classList={{
          "is-mine": props.mine,
          "is-ai": ai(),
          "is-compact": props.compact,
          "is-streaming": m().status === "streaming",
          "is-waiting": waiting(),
          "is-target": props.target,
          "is-deleted": deleted(),
          "is-actions-open": open(),
          "mentions-me": !props.mine && !deleted() && namesMe(),
        }}
        data-seq={m().seq}
        // A message takes focus (one of them in the tab order, as in a feed), so the keyboard
        // reaches its actions.
        tabIndex={props.tabStop === false ? -1 : 0}
        aria-current={props.target ? "true" : undefined}
        aria-busy={m().status === "streaming" ? "true" : undefined}
      >
        <div class="msg-gutter">
          <Show when={!props.compact && !props.mine}>
            <Avatar id={m().author.id} name={authorName()} ai={ai()} emoji={people?.avatarOf(m().author.id)} size={32} />
          </Show>
        </div>
        <div class="msg-main">
          <header class="msg-head" classList={{ "sr-only": props.compact || props.mine }}>
            <span class="msg-author">{name()}</span>
            {/* The unique handle: a display name is free text, so two people may share one. */}
            <Show when={!props.mine && m().author.username}>{(u) => <span class="msg-handle">@{u()}</span>}</Show>
            <Show when={ai()}>
              <span class="msg-tag">AI</span>
            </Show>
            <time class="msg-time" datetime={m().createdAt}>
              {clockTime(m().createdAt)}
            </time>
          </header>
          <Show when={!editing()} fallback={<MessageEditor message={m()} onSave={saveEdit} onCancel={() => edit(false)} />}>
            <Show when={deleted() || m().content || !m().attachments?.length}>
              <div class="bubble">
                <Show when={!deleted()} fallback={<span class="msg-deleted">Message deleted</span>}>
                  <Show when={m().content || m().status !== "streaming"} fallback={<ThinkingDots />}>
                    {/* A reply stopped or failed before its first word: say so, not an empty bubble. */}
                    <Show when={m().content || !ai()} fallback={<span class="msg-deleted">Nothing was written.</span>}>
                      <Markdown text={m().content} streaming={cutShort()} namesMe={setNamesMe} />
                    </Show>
                  </Show>
                </Show>
              </div>
            </Show>
            <Show when={!deleted() && m().attachments?.length}>
              <AttachmentList attachments={m().attachments ?? []} />
            </Show>
          </Show>
          <Show when={!deleted() && !editing()}>
            <div class="msg-bar">
              <Show when={m().versions && m().version}>
                <VersionFlipper
                  version={m().version ?? 1}
                  count={m().versions?.length ?? 1}
                  disabled={m().status === "streaming"}
                  select={(v) => props.actions.selectVersion?.(m().seq, v)}
                />
              </Show>
              <Show when={m().editedAt}>
                <span class="msg-edited">edited</span>
              </Show>
              <Show when={armed() && m().status !== "streaming"}>
                <MessageTools
                  message={m()}
                  canEdit={props.mine}
                  canDelete={props.mine || Boolean(props.canDeleteAny)}
                  onEdit={() => edit(true)}
                  onDelete={() => {
                    props.actions.remove?.(m().seq);
                    keepFocus();
                  }}
                  onRegenerate={
                    ai() && props.actions.regenerate && !(m().status === "error" || (props.latestAi && m().status === "stopped"))
                      ? () => regenerate(m().seq)
                      : undefined
                  }
                />
              </Show>
            </div>
          </Show>
          <Show when={offer() && props.answeredBy !== undefined && props.actions.regenerate}>
            <RegenerateOffer regenerate={() => regenerate(props.answeredBy as number)} dismiss={() => setOffer(false)} />
          </Show>
          <Switch>
            <Match when={m().status === "streaming"}>
              <div class="msg-meta">
                <span class="msg-state">
                  <span class="live-dot" aria-hidden="true" />{" "}
                  {/* Waiting (for a key, a retry, or the asker's other replies): why, and until when. */}
                  <Show when={waiting()} fallback={<WritingState />}>
                    {m().error || "Waiting."} {/* Not read out every second inside the log's live region. */}
                    <span aria-hidden="true">{retryWhen(m().retryAt as string, now())}</span>
                  </Show>
                </span>
                <button type="button" class="btn btn-sm msg-action" onClick={() => props.actions.stop(m().seq)}>
                  <Icon name="stop" /> Stop
                </button>
              </div>
            </Match>
            <Match when={m().status === "stopped"}>
              <div class="msg-meta">
                <span class="msg-state">Stopped</span>
                <Show when={props.latestAi && props.actions.regenerate}>
                  <RegenerateButton onClick={() => regenerate(m().seq)} />
                </Show>
              </div>
            </Match>
            <Match when={m().status === "error"}>
              <div class="msg-meta msg-meta-error">
                <Icon name="alert" />
                <span class="msg-state">
                  {m().error || "The AI couldn't finish this reply."}
                  <Show when={m().retryAt}> Trying again at {clockTime(m().retryAt as string)}.</Show>
                </span>
                <Show when={props.actions.regenerate}>
                  <RegenerateButton onClick={() => regenerate(m().seq)} />
                </Show>
              </div>
            </Match>
            <Match when={props.mine && props.groupEnd}>
              <div class="msg-meta msg-meta-mine">
                <time class="msg-time" datetime={m().createdAt} aria-hidden="true">
                  {clockTime(m().createdAt)}
                </time>
              </div>
            </Match>
          </Switch>
        </div>
      </article>
    </Show>
  );
}

function ThinkingDots() {
  return (
    <span class="thinking" role="img" aria-label="Thinking">
      <span />
      <span />
      <span />
    </span>
  );
}
