// Shows toasts in a polite live region so screen readers announce them without stealing focus.
import { For } from "solid-js";
import { dismissToast, toasts } from "../stores/toasts";
import { Icon } from "./Icon";

export function Toaster() {
  return (
    <div class="toaster" role="status" aria-live="polite">
      <For each={toasts}>
        {(t) => (
          <div class={`toast toast-${t.kind}`}>
            <Icon name={t.kind === "error" ? "alert" : "check"} />
            <span>{t.text}</span>
            <button type="button" class="icon-btn toast-close" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
              <Icon name="close" />
            </button>
          </div>
        )}
      </For>
    </div>
  );
}
