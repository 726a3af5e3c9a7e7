// A destructive action that asks once, inline: the button turns into "Cancel / Confirm" so the
// decision happens where the user is looking, and focus moves to Cancel (the safe choice);
// Escape cancels. An action that takes its row of a list away (a member removed, a session
// ended) hands the keyboard to the next row, or the one before, or what follows the list.
import { createSignal, createUniqueId, type JSX, Show } from "solid-js";

type Props = {
  label: string;
  confirmLabel: string;
  onConfirm: () => unknown;
  children: JSX.Element;
  /** Said above Cancel / Confirm while asking: what the action takes with it. */
  warning?: string;
  /** The first button's look: a small danger button unless given (an icon button, say). */
  class?: string;
  title?: string;
};

/** The first control in the first of `places` still on the page, if the focus was lost. */
function focusNear(places: (Element | null | undefined)[]) {
  if (document.activeElement && document.activeElement !== document.body) return;
  const controls = "button, input, a[href]";
  for (const place of places) {
    if (!place?.isConnected) continue;
    const control = place.matches(controls) ? place : place.querySelector(controls);
    if (control instanceof HTMLElement) return control.focus();
  }
}

export function ConfirmButton(props: Props) {
  const [asking, setAsking] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const prompt = createUniqueId();
  let trigger: HTMLButtonElement | undefined;

  const ask = () => setAsking(true);
  const back = () => {
    setAsking(false);
    trigger?.focus();
  };
  // Escape is Cancel, as in a dialog, and goes no further (a message's open toolbar closes on
  // the next one).
  const cancelOnEscape = (e: KeyboardEvent) => {
    if (e.key !== "Escape" || busy()) return;
    e.preventDefault();
    e.stopPropagation();
    back();
  };

  return (
    <Show
      when={asking()}
      fallback={
        <button
          ref={trigger}
          type="button"
          class={props.class ?? "btn btn-danger btn-sm"}
          aria-label={props.label}
          title={props.title}
          onClick={ask}
        >
          {props.children}
        </button>
      }
    >
      <span class="confirm">
        {/* What is being confirmed, said with each button (a bare "Cancel" said nothing). */}
        <span id={prompt} classList={{ "confirm-note": !!props.warning, "sr-only": !props.warning }}>
          {props.warning ?? `${props.label}?`}
        </span>
        <button
          ref={(el) => queueMicrotask(() => el.focus())}
          type="button"
          aria-describedby={prompt}
          class="btn btn-sm btn-ghost"
          onClick={back}
          onKeyDown={cancelOnEscape}
        >
          Cancel
        </button>
        <button
          type="button"
          aria-describedby={prompt}
          class="btn btn-sm btn-danger-solid"
          disabled={busy()}
          onKeyDown={cancelOnEscape}
          onClick={async (e) => {
            const row = e.currentTarget.closest("li");
            const near = [row?.nextElementSibling, row?.previousElementSibling, row?.parentElement?.nextElementSibling];
            setBusy(true);
            try {
              await props.onConfirm();
            } finally {
              setBusy(false);
              setAsking(false);
            }
            requestAnimationFrame(() => row && !row.isConnected && focusNear(near));
          }}
        >
          {props.confirmLabel}
        </button>
      </span>
    </Show>
  );
}
