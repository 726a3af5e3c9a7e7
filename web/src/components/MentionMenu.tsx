// The list of people and the AI character that opens above the composer while an @mention is
// being typed. Arrow keys move through it, Enter or Tab picks, Escape closes it for that
// mention; a click or a tap picks without taking the focus from the box. The box points at
// the highlighted option (aria-activedescendant), so a screen reader follows the arrows.
import { createEffect, createMemo, createSignal, For, type JSX, on, Show } from "solid-js";
import { applyMention, type Mentionable, mentionAt, mentionMatches } from "../mentions";
import { Avatar } from "./Avatar";

type Options = {
  area: () => HTMLTextAreaElement | undefined;
  text: () => string;
  candidates: () => readonly Mentionable[];
  /** Puts the new text in the box; the caret is placed after it. */
  replace: (text: string) => void;
};

export type MentionPicker = {
  /** Call when the caret may have moved (input, keys, clicks). */
  track: () => void;
  /** Handles the key if the list is open; true when it did. */
  keyDown: (e: KeyboardEvent) => boolean;
  close: () => void;
  /** For the textarea: the list's id while it is open, and the highlighted option's. */
  controls: () => string | undefined;
  activeId: () => string | undefined;
  menu: () => JSX.Element;
};

const MENU_ID = "mention-menu";

export function createMentionPicker(o: Options): MentionPicker {
  const [caret, setCaret] = createSignal<number | null>(null);
  // The `@` whose list Escape closed: it stays closed until another mention starts.
  const [dismissed, setDismissed] = createSignal<number | null>(null);
  const [active, setActive] = createSignal(0);

  const query = createMemo(() => {
    const at = caret();
    if (at === null || !o.candidates().length) return null;
    const q = mentionAt(o.text(), at);
    return q && q.start !== dismissed() ? q : null;
  });
  const matches = createMemo(() => {
    const q = query();
    return q ? mentionMatches(o.candidates(), q.query) : [];
  });
  createEffect(on(matches, () => setActive(0)));
  const open = () => matches().length > 0;

  const track = () => {
    const area = o.area();
    const at = area && area.selectionStart === area.selectionEnd ? area.selectionStart : null;
    setCaret(at);
    const q = at === null ? null : mentionAt(o.text(), at);
    if (q?.start !== dismissed()) setDismissed(null);
  };

  const pick = (m: Mentionable | undefined) => {
    const q = query();
    const area = o.area();
    if (!m || !q || !area) return;
    const next = applyMention(o.text(), q, m);
    o.replace(next.text);
    area.setSelectionRange(next.caret, next.caret);
    area.focus();
    track();
  };

  const keyDown = (e: KeyboardEvent): boolean => {
    if (!open() || e.isComposing) return false;
    const n = matches().length;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      setActive((i) => (i + (e.key === "ArrowDown" ? 1 : n - 1)) % n);
    } else if ((e.key === "Enter" && !e.shiftKey) || (e.key === "Tab" && !e.shiftKey)) {
      pick(matches()[active()]);
    } else if (e.key === "Escape") {
      setDismissed(query()?.start ?? null);
    } else return false;
    e.preventDefault();
    return true;
  };

  const optionId = (i: number) => `${MENU_ID}-${i}`;

  const menu = () => (
    <>
      {/* A screen reader hears the list open (the textarea cannot be a combobox) and how to use it. */}
      <span class="sr-only" role="status">
        {open() ? `${matches().length} to mention: up and down arrows choose, Enter picks, Escape closes.` : ""}
      </span>
      <Show when={open()}>
        <div id={MENU_ID} class="mention-menu" role="listbox" aria-label="Mention someone">
          <For each={matches()}>
            {(m, i) => (
              // Focus stays in the box (aria-activedescendant); -1 only makes the option focusable.
              // Picked on mousedown, whose default is cancelled, so the box keeps focus and caret.
              <div
                id={optionId(i())}
                role="option"
                tabIndex={-1}
                class="mention-option"
                aria-selected={i() === active()}
                onMouseDown={(e) => {
                  e.preventDefault();
                  pick(m);
                }}
                onMouseMove={() => setActive(i())}
              >
                <Avatar id={m.id} name={m.name} ai={m.kind === "ai"} emoji={m.emoji} size={24} />
                <span class="mention-name">{m.name}</span>
                <span class="mention-handle">{m.kind === "ai" ? "AI" : `@${m.insert}`}</span>
              </div>
            )}
          </For>
        </div>
      </Show>
    </>
  );

  return {
    track,
    keyDown,
    close: () => setCaret(null),
    controls: () => (open() ? MENU_ID : undefined),
    activeId: () => (open() ? optionId(active()) : undefined),
    menu,
  };
}
