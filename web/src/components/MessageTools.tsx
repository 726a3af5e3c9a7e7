// What a person can do to a message already in the room, shown on hover, when a control in the
// message has keyboard focus, or after a long press on a phone: copy its Markdown source, edit
// or delete your own (the room's owner may delete any), and on an AI reply regenerate it and
// flip between its versions (‹ 2 / 3 ›, the same version for everyone in the room). Also the
// inline editor an edit opens.
import { createEffect, createSignal, on, onCleanup, Show, untrack } from "solid-js";
import type { Message } from "../../../shared/wire";
import { copyText } from "../markdown/code-block";
import { toast } from "../stores/toasts";
import { touchFirst } from "../touch";
import { ConfirmButton } from "./ConfirmButton";
import { Icon } from "./Icon";

type ToolProps = {
  message: Message;
  canEdit: boolean;
  canDelete: boolean;
  onEdit: () => void;
  onDelete: () => void;
  onRegenerate?: () => void;
};

export function MessageTools(props: ToolProps) {
  const [copied, setCopied] = createSignal<boolean | null>(null);
  const copy = async () => {
    setCopied(await copyText(props.message.content));
    setTimeout(() => setCopied(null), 1500);
  };
  return (
    // A group, not a toolbar: each action is its own Tab stop, and a toolbar would promise arrows.
    // biome-ignore lint/a11y/useSemanticElements: the same group to assistive technology as a fieldset, without a fieldset's own layout in the positioned bar
    <div class="msg-tools" role="group" aria-label="Message actions">
      <button type="button" class="btn btn-sm btn-ghost msg-action" onClick={copy} aria-label="Copy message as Markdown">
        <Icon name="copy" /> {copied() === null ? "Copy" : copied() ? "Copied" : "Copy failed"}
      </button>
      <Show when={props.onRegenerate}>
        {(regenerate) => (
          <button type="button" class="btn btn-sm btn-ghost msg-action" onClick={() => regenerate()()}>
            <Icon name="regenerate" /> Regenerate
          </button>
        )}
      </Show>
      <Show when={props.canEdit}>
        <button type="button" class="btn btn-sm btn-ghost msg-action" onClick={() => props.onEdit()}>
          <Icon name="edit" /> Edit
        </button>
      </Show>
      <Show when={props.canDelete}>
        <ConfirmButton label="Delete message" confirmLabel="Delete" onConfirm={() => props.onDelete()}>
          <Icon name="trash" /> Delete
        </ConfirmButton>
      </Show>
    </div>
  );
}

/** ‹ n / N › on a regenerated reply: flipping changes the version everyone sees. At either end
 * the button says it does nothing (aria-disabled) but keeps the focus a press gave it. */
export function VersionFlipper(props: { version: number; count: number; disabled: boolean; select: (version: number) => void }) {
  const flip = (to: number) => !props.disabled && to >= 1 && to <= props.count && props.select(to);
  return (
    <fieldset class="msg-versions" aria-label="Reply versions">
      <button
        type="button"
        class="btn btn-sm btn-ghost msg-action"
        aria-label="Previous version"
        aria-disabled={props.disabled || props.version <= 1 ? "true" : undefined}
        onClick={() => flip(props.version - 1)}
      >
        ‹
      </button>
      <span class="msg-version-label" aria-live="polite">
        <span aria-hidden="true">
          {props.version} / {props.count}
        </span>
        <span class="sr-only">
          Version {props.version} of {props.count}
        </span>
      </span>
      <button
        type="button"
        class="btn btn-sm btn-ghost msg-action"
        aria-label="Next version"
        aria-disabled={props.disabled || props.version >= props.count ? "true" : undefined}
        onClick={() => flip(props.version + 1)}
      >
        ›
      </button>
    </fieldset>
  );
}

/** Editing your message in place: Enter saves (on a touch screen, Save does and Return is a new
 * line), Shift+Enter is a new line, Escape cancels. */
/** Your message's text to change. It starts from the text as it was when opened: a change from
 * your other device meanwhile does not overwrite what you type. Deleted meanwhile (the room's
 * owner may), it closes and says so. */
export function MessageEditor(props: { message: Message; onSave: (text: string) => void; onCancel: () => void }) {
  let area: HTMLTextAreaElement | undefined;
  const opened = untrack(() => props.message.content);
  const save = () => {
    const text = area?.value.trim() ?? "";
    if (text && text !== props.message.content) props.onSave(text);
    else props.onCancel();
  };
  createEffect(
    on(
      () => Boolean(props.message.deletedAt),
      (gone) => {
        if (!gone) return;
        toast("That message was deleted while you were editing it; your changes were not saved.", "error");
        props.onCancel();
      },
      { defer: true },
    ),
  );
  return (
    <div class="msg-editor">
      <textarea
        ref={(el) => {
          area = el;
          queueMicrotask(() => {
            // The log brings the editor into view itself (log-scroll.ts), keeping the row still.
            el.focus({ preventScroll: true });
            el.setSelectionRange(el.value.length, el.value.length);
          });
        }}
        class="input"
        dir="auto"
        aria-label="Edit message"
        rows={Math.min(8, opened.split("\n").length + 1)}
        value={opened}
        onKeyDown={(e) => {
          if (e.key === "Escape") props.onCancel();
          else if (e.key === "Enter" && !e.shiftKey && !e.isComposing && !touchFirst()) {
            e.preventDefault();
            save();
          }
        }}
      />
      <div class="msg-editor-actions">
        <button type="button" class="btn btn-sm btn-ghost" onClick={() => props.onCancel()}>
          Cancel
        </button>
        <button type="button" class="btn btn-sm btn-primary" onClick={save}>
          Save
        </button>
      </div>
    </div>
  );
}

/** After you edit a message the AI answered: offer a new reply to the new text. */
/** Regenerate, out in the open under the newest reply that stopped or failed. */
export function RegenerateButton(props: { onClick: () => void }) {
  return (
    <button type="button" class="btn btn-sm btn-ghost msg-action" onClick={props.onClick}>
      <Icon name="regenerate" /> Regenerate
    </button>
  );
}

export function RegenerateOffer(props: { regenerate: () => void; dismiss: () => void }) {
  return (
    <div class="msg-meta msg-offer" role="status">
      <span class="msg-state">The AI answered your earlier text.</span>
      {/* The two answers stay side by side when the line wraps. */}
      <span class="msg-offer-actions">
        <button
          type="button"
          class="btn btn-sm msg-action"
          onClick={() => {
            props.regenerate();
            props.dismiss();
          }}
        >
          <Icon name="regenerate" /> Regenerate reply
        </button>
        <button type="button" class="btn btn-sm btn-ghost msg-action" onClick={() => props.dismiss()}>
          Keep
        </button>
      </span>
    </div>
  );
}

/** Calls `open` after a finger rests on the element for LONG_PRESS_MS (phones have no hover).
 * A short tap on the message itself (not on a link, button or picture in it), the first on this
 * device, says how to reach the actions: nothing on the message says so. A scroll is no tap:
 * the browser cancels the pointer when it takes the gesture over. */
export function longPress(open: () => void) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let downAt = 0;
  const cancel = () => clearTimeout(timer);
  return {
    onPointerDown: (e: PointerEvent) => {
      if (e.pointerType !== "touch") return;
      cancel();
      downAt = e.timeStamp;
      timer = setTimeout(() => {
        localStorage.setItem(TIP_KEY, "learned");
        open();
      }, LONG_PRESS_MS);
    },
    onPointerUp: (e: PointerEvent) => {
      cancel();
      const tap = e.pointerType === "touch" && e.timeStamp - downAt < LONG_PRESS_MS;
      if (tap && !(e.target as Element | null)?.closest?.("a, button, img, video, input, textarea, summary")) tipOnce();
    },
    onPointerCancel: cancel,
    onPointerLeave: cancel,
  };
}

const LONG_PRESS_MS = 500;
const TIP_KEY = "parlor.tip.longPress";

function tipOnce() {
  if (localStorage.getItem(TIP_KEY)) return;
  localStorage.setItem(TIP_KEY, "shown");
  toast("Press and hold a message to see what you can do with it.", "info", 6000);
}

/** The editors of your own messages now on screen, by seq: Up in an empty composer opens the
 * newest one's (editLatest), as in the chat apps people know. */
const editors = new Map<number, () => void>();

/** Registers `open` as the editor of `message` while the calling component lives. */
export function offerEdit(message: () => Message, open: () => void) {
  createEffect(() => {
    const at = message().seq;
    editors.set(at, open);
    onCleanup(() => editors.get(at) === open && editors.delete(at));
  });
}

/** Your newest message among `messages` that you can edit. */
export const latestOwn = (messages: readonly Message[], myId: string | undefined) =>
  messages.findLast((m) => m.author.kind === "user" && m.author.id === myId && !m.deletedAt && m.status !== "streaming");

/** Opens the editor of your newest message among `messages`, if it is on screen; whether it did. */
export function editLatest(messages: readonly Message[], myId: string | undefined): boolean {
  const mine = latestOwn(messages, myId);
  const open = mine && editors.get(mine.seq);
  open?.();
  return Boolean(open);
}
