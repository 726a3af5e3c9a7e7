// A username field for inviting people: as you type it offers the people you already share a
// room with (GET /api/people) in an accessible combobox, and says whether the name typed is
// someone (GET /api/users/:username) before you commit to it. Picking (Enter, comma, space or
// a click) hands a checked username to the parent, which adds a chip or sends the invite.
import { createSignal, For, type JSX, onCleanup, Show } from "solid-js";
import type { User } from "../../../shared/wire";
import { api } from "../api";

const USERNAME = /^[a-z0-9_]{3,32}$/;
const normalise = (s: string) => s.trim().replace(/^@/, "").toLowerCase();

type Props = {
  id: string;
  /** Usernames already chosen, and yours: not offered, not added twice. */
  taken: string[];
  me?: string;
  /** A name picked; `false` (or a promise of it) if it did not go through: the name stays typed. */
  onPick: (username: string) => unknown;
  /** Backspace in an empty field (removes the last chip). */
  onBackspace?: () => void;
  hint: string;
  placeholder: string;
  boxClass?: string;
  inputClass?: string;
  /** Shown inside the box before the input (chips). */
  before?: JSX.Element;
  /** A button after the input that picks what is typed ("Invite"). */
  button?: { label: JSX.Element; disabled?: boolean };
  /** Receives `settle()`: waits for a pick under way and picks what is still typed; false if
   * that name was refused. A form calls it before it submits, so nothing typed is lost. */
  controls?: (c: { settle: () => Promise<boolean> }) => void;
};

export function PeopleInput(props: Props) {
  const [draft, setDraft] = createSignal("");
  const [options, setOptions] = createSignal<User[]>([]);
  const [active, setActive] = createSignal(-1);
  const [open, setOpen] = createSignal(false);
  const [status, setStatus] = createSignal<{ text: string; error: boolean } | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | undefined;
  onCleanup(() => {
    clearTimeout(timer);
    controller?.abort();
  });

  /** Whoever has exactly this username (null: no one), asked without completions. */
  const lookUp = async (name: string): Promise<User | null> => (await api.people(name, undefined, 1)).exact;

  /** Completions and a check of the exact name, a moment after typing stops. */
  function suggest(text: string) {
    clearTimeout(timer);
    controller?.abort();
    const name = normalise(text);
    if (!name) return setOptions([]);
    timer = setTimeout(async () => {
      const ctl = (controller = new AbortController());
      try {
        const { people, exact } = await api.people(name, ctl.signal);
        if (ctl.signal.aborted) return;
        const offered = people.filter((p) => p.username !== props.me && !props.taken.includes(p.username));
        setOptions(offered);
        // Enter picks what is highlighted: the exact name typed, else the top completion ("caro"
        // is Carol, not a name no one has); someone who exists but shares no room is the draft.
        const exactAt = offered.findIndex((p) => p.username === exact?.username);
        setActive(exactAt >= 0 ? exactAt : exact ? -1 : offered.length > 0 ? 0 : -1);
        setOpen(true);
        // Said as it is typed, in the hint's tone: the name may be half-typed. Picking it (Enter,
        // or the form's submit) is what refuses it.
        if (USERNAME.test(name))
          setStatus({ text: exact ? `@${name} is ${exact.displayName}.` : `No one is called @${name}.`, error: false });
      } catch {
        // Suggestions are a help, not a gate: the name is checked again when picked.
      }
    }, 200);
  }

  let picking: Promise<void> = Promise.resolve();
  function pick(raw: string): Promise<void> {
    picking = picking.then(async () => void (await choose(raw)));
    return picking;
  }
  props.controls?.({
    async settle() {
      await picking;
      if (draft().trim()) await pick(draft());
      return !status()?.error;
    },
  });

  async function choose(raw: string) {
    const name = normalise(raw);
    if (!name) return;
    setOpen(false);
    if (!USERNAME.test(name)) return setStatus({ text: `“${name}” isn't a valid username.`, error: true });
    if (name === props.me) return setStatus({ text: "You're already in the room.", error: true });
    if (!props.taken.includes(name)) {
      const user = await lookUp(name).catch(() => undefined);
      if (user === null) return setStatus({ text: `No one is called @${name}.`, error: true });
      if ((await props.onPick(name)) === false) return;
    }
    // A suggestion still on its way is about the name just picked: not wanted any more.
    clearTimeout(timer);
    controller?.abort();
    setDraft("");
    setOptions([]);
    setStatus(null);
  }

  const listId = `${props.id}-options`;
  const showList = () => open() && options().length > 0;
  return (
    <div class="people-input">
      <div class={props.boxClass ?? ""}>
        {props.before}
        <input
          id={props.id}
          class={props.inputClass ?? "input"}
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={showList()}
          aria-controls={listId}
          aria-activedescendant={active() >= 0 ? `${listId}-${active()}` : undefined}
          aria-describedby={`${props.id}-status`}
          aria-invalid={status()?.error ? "true" : undefined}
          placeholder={props.placeholder}
          autocomplete="off"
          autocapitalize="none"
          spellcheck={false}
          value={draft()}
          onInput={(e) => {
            setDraft(e.currentTarget.value);
            setStatus(null);
            suggest(e.currentTarget.value);
          }}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onKeyDown={(e) => {
            const list = options();
            if (e.key === "ArrowDown" && list.length) {
              e.preventDefault();
              setOpen(true);
              setActive((active() + 1) % list.length);
            } else if (e.key === "ArrowUp" && list.length) {
              e.preventDefault();
              setActive(active() <= 0 ? list.length - 1 : active() - 1);
            } else if (e.key === "Escape") {
              setOpen(false);
            } else if ((e.key === "Enter" || e.key === "," || e.key === " ") && draft().trim()) {
              e.preventDefault();
              void pick(showList() && active() >= 0 ? (list[active()]?.username ?? draft()) : draft());
            } else if (e.key === "Backspace" && !draft()) {
              props.onBackspace?.();
            }
          }}
        />
        <Show when={props.button}>
          {(button) => (
            <button type="button" class="btn" disabled={button().disabled || !draft().trim()} onClick={() => void pick(draft())}>
              {button().label}
            </button>
          )}
        </Show>
      </div>
      <div class="people-options" id={listId} role="listbox" aria-label="People you share a room with" hidden={!showList()}>
        <For each={options()}>
          {(p, i) => (
            // Focus stays in the input (aria-activedescendant); -1 only makes the option focusable.
            <div
              id={`${listId}-${i()}`}
              role="option"
              tabIndex={-1}
              aria-selected={i() === active()}
              class="people-option"
              onMouseDown={(e) => {
                e.preventDefault();
                void pick(p.username);
              }}
            >
              <span class="people-name">{p.displayName}</span> <span class="people-handle">@{p.username}</span>
            </div>
          )}
        </For>
      </div>
      <span id={`${props.id}-status`} classList={{ hint: !status()?.error, "field-error": !!status()?.error }} aria-live="polite">
        <Show when={status()} fallback={props.hint}>
          {status()?.text}
        </Show>
      </span>
    </div>
  );
}
