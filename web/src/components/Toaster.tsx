// Shows toasts in a polite live region so screen readers announce them without stealing focus.
import { For } from "solid-js";
import { dismissToast, type Toast, toasts } from "../stores/toasts";
import { Icon, type IconName } from "./Icon";

/** A tick only for what succeeded: a tip or a notice is not a success. */
const ICONS: Record<Toast["kind"], IconName> = { error: "alert", info: "info", success: "check" };

export function Toaster() {
  return (
    <div class="toaster" role="status" aria-live="polite">
      <For each={toasts}>
        {(t) => (
          <div class={`toast toast-${t.kind}`}>
            <Icon name={ICONS[t.kind]} />
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
