// A password field with a show/hide toggle. Choosing a new password, it lists the rules before
// anything is typed, then says while you type whether the password is strong enough and, if
// not, why, using the same estimator the server applies (shared/password.ts, loaded with this
// screen's first paint rather than in the app's first bundle).
import { createMemo, createSignal, For, onMount, Show } from "solid-js";
import { PASSWORD_RULES } from "../../../shared/password-rules";
import { Icon } from "./Icon";

type Check = typeof import("../../../shared/password").checkPassword;

type Props = {
  id: string;
  label: string;
  value: string;
  onInput: (value: string) => void;
  /** "new" checks strength as it is typed; "current" is a plain sign-in field. */
  purpose: "new" | "current";
  /** Words the password must not lean on (username, display name). */
  personal?: () => string[];
  /** Set after a submit was refused: replaces the live verdict. */
  error?: string | null;
};

export function PasswordField(props: Props) {
  const [visible, setVisible] = createSignal(false);
  const [check, setCheck] = createSignal<Check | null>(null);
  onMount(() => {
    // The form's own checker keeps the estimator while the form is there (shared/password.ts).
    if (props.purpose === "new") void import("../../../shared/password").then((m) => setCheck(() => m.passwordChecker()));
  });
  const verdict = createMemo(() => {
    const run = check();
    return run && props.value ? run(props.value, props.personal?.() ?? []) : null;
  });
  const note = `${props.id}-note`;

  return (
    <div class="field">
      <label class="label" for={props.id}>
        {props.label}
      </label>
      <div class="pw-box">
        <input
          id={props.id}
          class="input"
          type={visible() ? "text" : "password"}
          name="password"
          autocomplete={props.purpose === "new" ? "new-password" : "current-password"}
          autocapitalize="none"
          spellcheck={false}
          value={props.value}
          onInput={(e) => props.onInput(e.currentTarget.value)}
          aria-invalid={props.error ? "true" : undefined}
          aria-describedby={props.purpose === "new" || props.error ? note : undefined}
        />
        <button
          type="button"
          class="pw-toggle"
          aria-label={visible() ? "Hide password" : "Show password"}
          aria-pressed={visible()}
          aria-controls={props.id}
          onClick={() => setVisible(!visible())}
        >
          <Icon name={visible() ? "eyeOff" : "eye"} />
        </button>
      </div>
      <div id={note} aria-live="polite">
        <Show
          when={!props.error}
          fallback={
            <span class="field-error" id={`${props.id}-error`}>
              {props.error}
            </span>
          }
        >
          <Show when={props.purpose === "new"}>
            <Show
              when={verdict()}
              fallback={
                <ul class="pw-rules hint">
                  <For each={PASSWORD_RULES}>{(rule) => <li>{rule}</li>}</For>
                </ul>
              }
            >
              {(v) => (
                <span class="pw-verdict" classList={{ "is-ok": v().ok, "is-weak": !v().ok }}>
                  <Icon name={v().ok ? "check" : "alert"} /> {v().ok ? "Strong enough." : (v() as { reason: string }).reason}
                </span>
              )}
            </Show>
          </Show>
        </Show>
      </div>
    </div>
  );
}

/** The reason a new password would be refused, or null (the server checks it again). */
export async function passwordProblem(password: string, personal: string[]): Promise<string | null> {
  const { checkPassword } = await import("../../../shared/password");
  const verdict = checkPassword(password, personal);
  return verdict.ok ? null : verdict.reason;
}
