// Writing a message. Enter sends, Shift+Enter starts a new line (and Enter while an IME is
// composing does neither; on a touch screen Return is a new line and Send sends), Escape stops
// a streaming AI reply. The draft survives a reload (per
// person and room, under `draftKey`), the box grows with its text, and rate limits and closed connections say why sending
// is not possible right now. Files are attached with the paperclip (on a phone it offers the
// camera and the photo library), by pasting or by dropping them on the composer; each uploads
// at once (stores/uploads.ts) and goes with the next send. The placeholder is the longest of
// its wordings that fits the box on one line, so a phone never shows half a second line.
// Typing @ offers the room's people and its AI character (MentionMenu.tsx).
import { createEffect, createMemo, createSignal, on, onCleanup, onMount, Show } from "solid-js";
import type { Attachment } from "../../../shared/wire";
import { limits } from "../limits";
import type { Mentionable } from "../mentions";
import { createUploads, type Uploader } from "../stores/uploads";
import { touchFirst } from "../touch";
import { UploadTray } from "./Attachments";
import { Icon } from "./Icon";
import { createMentionPicker } from "./MentionMenu";

type Props = {
  /** Where the unsent text is kept in sessionStorage. */
  draftKey: string;
  label: string;
  /** What the empty box says: the first of these that fits on its one line (the last if none does). */
  placeholder: string | readonly string[];
  /** Returns an error to show, or null when the message was handed over. */
  onSend: (text: string, attachments: Attachment[]) => string | null;
  upload: Uploader;
  onTyping: () => void;
  /** Seq of the AI reply currently streaming, if any. */
  streamingSeq?: number;
  onStop: (seq: number) => void;
  /** Why sending is impossible (room deleted, removed), or null. */
  disabledReason: string | null;
  /** Sends are waiting their turn (the room's send limit): new ones queue behind them. */
  held: boolean;
  maxChars: number;
  /** Whom an @mention can name: the other members and the room's character. */
  mentionables?: readonly Mentionable[];
  /** Up in the empty box: edit your last message; whether there was one to edit. */
  onEditLast?: () => boolean;
  /** You have a message to edit: the hint says Up opens it. */
  canEditLast?: boolean;
};

let measurer: OffscreenCanvasRenderingContext2D | null | undefined;

/** Whether `text` fits the textarea's one line in its own font; true where nothing is laid out (jsdom). */
function fitsOneLine(area: HTMLTextAreaElement, text: string): boolean {
  const style = getComputedStyle(area);
  const room = area.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight);
  measurer ??= typeof OffscreenCanvas === "function" ? new OffscreenCanvas(1, 1).getContext("2d") : null;
  if (!measurer || !(room > 0)) return true;
  // Built from its parts: Chromium computes the `font` shorthand as "" for a variable font.
  measurer.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  // A pixel to spare for rounding, which would otherwise wrap the last word.
  return measurer.measureText(text).width <= room - 2;
}

export function Composer(props: Props) {
  const [text, setText] = createSignal(sessionStorage.getItem(props.draftKey) ?? "");
  const [error, setError] = createSignal<string | null>(null);
  const [dragging, setDragging] = createSignal(false);
  // Up edits your last message only from this box: the hint says so only while it has the focus.
  const [inBox, setInBox] = createSignal(false);
  const uploads = createUploads(props.upload, () => limits()?.attachmentBytes);
  let area!: HTMLTextAreaElement;
  const attach = (files: FileList | null | undefined) => {
    if (files?.length) setError(uploads.add(files));
  };
  // Measured once the box is laid out, and again when its width changes or a web font arrives.
  const [layout, setLayout] = createSignal(0);
  const placeholder = createMemo(() => {
    const options = typeof props.placeholder === "string" ? [props.placeholder] : props.placeholder;
    if (!layout()) return options[0] ?? "";
    return options.find((text) => fitsOneLine(area, text)) ?? options[options.length - 1] ?? "";
  });

  // Grows with its text up to the CSS max-height (a share of a short screen, so a long draft
  // leaves the conversation in view), then scrolls.
  const resize = () => {
    area.style.height = "auto";
    const max = Number.parseFloat(getComputedStyle(area).maxHeight) || 240;
    area.style.height = `${Math.min(area.scrollHeight, max)}px`;
  };

  onMount(() => {
    const relayout = () => setLayout((n) => n + 1);
    relayout();
    resize();
    let width = area.clientWidth;
    const observer = new ResizeObserver(() => {
      if (area.clientWidth !== width) relayout();
      width = area.clientWidth;
    });
    observer.observe(area);
    document.fonts?.addEventListener("loadingdone", relayout);
    onCleanup(() => {
      observer.disconnect();
      document.fonts?.removeEventListener("loadingdone", relayout);
    });
    // Focus where people expect it: straight into the box, unless on a touch screen where the
    // keyboard would pop up over the conversation.
    if (!touchFirst()) area.focus();
  });

  createEffect(
    on(text, (t) => {
      if (t) sessionStorage.setItem(props.draftKey, t);
      else sessionStorage.removeItem(props.draftKey);
    }),
  );

  const mention = createMentionPicker({
    area: () => area,
    text,
    candidates: () => props.mentionables ?? [],
    replace: (t) => {
      setText(t);
      area.value = t;
      resize();
    },
  });

  const tooLong = () => text().length > props.maxChars;
  const blocked = () => !!props.disabledReason;

  const sendable = () => !!text().trim() || uploads.ready().length > 0;

  function send() {
    if (blocked() || !sendable()) return;
    const waiting = uploads.blocking();
    if (waiting) return setError(waiting);
    const problem = props.onSend(text(), uploads.ready());
    setError(problem);
    if (problem) return;
    uploads.clear();
    setText("");
    area.value = "";
    resize();
    area.focus();
  }

  return (
    <form
      class="composer"
      classList={{ "is-dragging": dragging() }}
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
      onDragOver={(e) => {
        if (!e.dataTransfer?.types.includes("Files") || props.disabledReason) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        if (!e.dataTransfer?.files.length || props.disabledReason) return;
        e.preventDefault();
        setDragging(false);
        attach(e.dataTransfer.files);
      }}
    >
      <Show when={props.held}>
        <p class="composer-note composer-note-warn" role="status">
          <Icon name="clock" /> Sending as fast as the room allows: what you write now goes after them.
        </p>
      </Show>
      <Show when={error()}>
        <p class="composer-note composer-note-error" role="alert">
          <Icon name="alert" /> {error()}
        </p>
      </Show>
      <Show when={uploads.items.length > 0}>
        <UploadTray items={uploads.items} />
      </Show>
      <div class="composer-box" classList={{ "is-disabled": !!props.disabledReason }}>
        {mention.menu()}
        <label class="composer-btn composer-attach" title="Attach files" classList={{ "is-disabled": !!props.disabledReason }}>
          <input
            type="file"
            class="sr-only"
            multiple
            accept="image/*,application/pdf,text/*,application/json,.md,.markdown,.csv,.tsv,.json,.log,.yaml,.yml,.toml"
            aria-label="Attach files"
            disabled={!!props.disabledReason}
            onChange={(e) => {
              attach(e.currentTarget.files);
              e.currentTarget.value = "";
            }}
          />
          <Icon name="paperclip" />
        </label>
        <label class="sr-only" for="composer-input">
          {props.label}
        </label>
        <textarea
          ref={area}
          id="composer-input"
          class="composer-input"
          dir="auto"
          rows={1}
          placeholder={props.disabledReason ?? placeholder()}
          disabled={!!props.disabledReason}
          value={text()}
          aria-describedby="composer-hint"
          aria-invalid={tooLong() ? "true" : undefined}
          aria-autocomplete="list"
          aria-controls={mention.controls()}
          aria-activedescendant={mention.activeId()}
          onInput={(e) => {
            setText(e.currentTarget.value);
            setError(null);
            resize();
            mention.track();
            if (e.currentTarget.value.trim()) props.onTyping();
          }}
          onPaste={(e) => {
            if (!e.clipboardData?.files.length) return;
            e.preventDefault();
            attach(e.clipboardData.files);
          }}
          onKeyUp={mention.track}
          onClick={mention.track}
          onFocus={() => {
            setInBox(true);
            mention.track();
          }}
          onBlur={() => {
            setInBox(false);
            mention.close();
          }}
          onKeyDown={(e) => {
            if (mention.keyDown(e)) return;
            if (e.key === "Enter" && !e.shiftKey && !e.isComposing && !e.altKey && !touchFirst()) {
              e.preventDefault();
              send();
            } else if (e.key === "ArrowUp" && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey && !e.currentTarget.value) {
              if (props.onEditLast?.()) e.preventDefault();
            } else if (e.key === "Escape" && props.streamingSeq !== undefined) {
              e.preventDefault();
              props.onStop(props.streamingSeq);
            }
          }}
        />
        <Show when={props.streamingSeq !== undefined}>
          <button
            type="button"
            class="composer-btn composer-stop"
            aria-label="Stop the AI reply"
            title="Stop (Esc)"
            onClick={() => props.onStop(props.streamingSeq as number)}
          >
            <Icon name="stop" />
          </button>
        </Show>
        <button
          type="submit"
          class="composer-btn composer-send"
          aria-label="Send message"
          title="Send (Enter)"
          disabled={blocked() || !sendable() || tooLong()}
        >
          <Icon name="send" />
        </button>
      </div>
      <div class="composer-foot" id="composer-hint">
        <span class="composer-keys" classList={{ "is-hidden": !!props.disabledReason }}>
          <kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line
          <Show when={props.streamingSeq !== undefined}>
            {" "}
            · <kbd>Esc</kbd> to stop the reply
          </Show>
          <Show when={props.streamingSeq === undefined && props.canEditLast && !text() && inBox()}>
            {" "}
            · <kbd>↑</kbd> to edit your last message
          </Show>
        </span>
        <Show when={text().length > props.maxChars * 0.8}>
          <span class="composer-count" classList={{ "is-over": tooLong() }}>
            {text().length.toLocaleString()} / {props.maxChars.toLocaleString()}
          </span>
        </Show>
      </div>
    </form>
  );
}
