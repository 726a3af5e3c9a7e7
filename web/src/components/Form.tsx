// The pieces every form screen is built from, written once: the page frame with its header
// and back link, the alert that says why something failed, a labelled field whose hint or
// error describes its input, the submit button with its busy spinner, Cancel beside it, and
// the busy/error state of a submission.
import { A, useBeforeLeave } from "@solidjs/router";
import { createSignal, type JSX, onCleanup, Show, untrack } from "solid-js";
import { DISPLAY_NAME_MAX } from "../../../shared/wire";
import { ApiError, describeError } from "../api";
import { focusTitleOnArrival } from "../focus-arrival";
import { Icon } from "./Icon";

/** A screen that is a page of content: it scrolls itself (the main pane never does). */
export function Page(props: {
  title: JSX.Element;
  sub?: JSX.Element;
  /** Where the back arrow goes, and what it says to a screen reader. */
  back?: { href: string; label: string; phoneOnly?: boolean };
  action?: JSX.Element;
  children: JSX.Element;
}) {
  let heading: HTMLHeadingElement | undefined;
  let page: HTMLDivElement | undefined;
  focusTitleOnArrival(
    () => heading,
    () => page,
  );
  return (
    <div class="page" ref={page}>
      <header class="page-head">
        <Show when={props.back}>
          {(back) => (
            <A href={back().href} class="icon-btn" classList={{ "mobile-only": !!back().phoneOnly }} aria-label={back().label}>
              <Icon name="back" />
            </A>
          )}
        </Show>
        <div>
          <h1 ref={heading} tabIndex={-1}>
            {props.title}
          </h1>
          <Show when={props.sub}>
            <p class="page-sub">{props.sub}</p>
          </Show>
        </div>
        <Show when={props.action}>
          <div class="page-head-action">{props.action}</div>
        </Show>
      </header>
      {props.children}
    </div>
  );
}

export function FormAlert(props: { children: JSX.Element; tone?: "error" | "warning"; icon?: "alert" | "clock" }) {
  return (
    <div class="alert" classList={{ "alert-warning": props.tone === "warning" }} role={props.tone === "warning" ? "status" : "alert"}>
      <Icon name={props.icon ?? "alert"} />
      <span>{props.children}</span>
    </div>
  );
}

export type FieldAria = { id: string; "aria-describedby"?: string; "aria-invalid"?: "true" };

/** A label, the control (given the ids it must carry), and a hint or an error under it: the
 * error replaces the hint and describes the control, so a screen reader reads it with it. */
export function Field(props: {
  id: string;
  label: JSX.Element;
  hint?: JSX.Element;
  error?: string | null;
  class?: string;
  children: (aria: FieldAria) => JSX.Element;
}) {
  const note = () => (props.error ? `${props.id}-error` : props.hint ? `${props.id}-hint` : undefined);
  // Built once: the control lives as long as the field, and only its attributes follow the
  // error and the hint (re-made with each, it lost the focus and the keys typed after it).
  const aria: FieldAria = {
    id: props.id,
    get "aria-describedby"() {
      return note();
    },
    get "aria-invalid"() {
      return props.error ? ("true" as const) : undefined;
    },
  };
  const control = untrack(() => props.children(aria));
  return (
    <div class={`field ${props.class ?? ""}`}>
      <label class="label" for={props.id}>
        {props.label}
      </label>
      {control}
      <Show
        when={props.error}
        fallback={
          <Show when={props.hint}>
            <span class="hint" id={`${props.id}-hint`}>
              {props.hint}
            </span>
          </Show>
        }
      >
        <span class="field-error" id={`${props.id}-error`}>
          {props.error}
        </span>
      </Show>
    </div>
  );
}

/** A display name's field, at sign-up and on the account page: as long as the server takes. */
export function DisplayNameField(props: {
  id: string;
  label: JSX.Element;
  hint?: string;
  error?: string | null;
  value: string;
  onInput: (v: string) => void;
}) {
  return (
    <Field id={props.id} label={props.label} hint={props.hint} error={props.error}>
      {(aria) => (
        <input
          {...aria}
          class="input"
          name="displayName"
          autocomplete="nickname"
          maxLength={DISPLAY_NAME_MAX}
          value={props.value}
          onInput={(e) => props.onInput(e.currentTarget.value)}
        />
      )}
    </Field>
  );
}

/** While busy the button stays focusable (aria-disabled, not disabled): a refused submit leaves
 * the focus where it was, not on the page's body. createSubmit ignores a second submit. */
export function SubmitButton(props: { busy: boolean; disabled?: boolean; block?: boolean; children: JSX.Element }) {
  return (
    <button
      type="submit"
      class="btn btn-primary"
      classList={{ "btn-block": !!props.block }}
      disabled={props.disabled}
      aria-disabled={props.busy ? "true" : undefined}
    >
      <Show when={props.busy}>
        <span class="spinner" aria-hidden="true" />
      </Show>
      {props.children}
    </button>
  );
}

export function FormActions(props: { cancelHref: string; children: JSX.Element }) {
  return (
    <div class="form-actions">
      <A href={props.cancelHref} class="btn btn-ghost">
        Cancel
      </A>
      {props.children}
    </div>
  );
}

/** After the fields' errors render: the person goes on at the first field at fault. */
export function focusFirstInvalid(form: HTMLFormElement | null) {
  queueMicrotask(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}

/** Asks before leaving a form with changes not saved: for another screen of the app (the
 * router's navigation, the back button) with a confirm, and for a reload or a closed tab with
 * the browser's own question. */
export function warnBeforeLeaving(dirty: () => boolean, question = "Leave without saving your changes?") {
  useBeforeLeave((e) => {
    if (!dirty() || e.defaultPrevented) return;
    e.preventDefault();
    if (window.confirm(question)) e.retry(true);
  });
  const onUnload = (e: BeforeUnloadEvent) => dirty() && e.preventDefault();
  window.addEventListener("beforeunload", onUnload);
  onCleanup(() => window.removeEventListener("beforeunload", onUnload));
}

/** A form's own refusal of one field (before sending), shown under it as the server's are. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Why each field was refused (a 400's `details`: `{path, message}`, or a FieldError), by name. */
function fieldErrors(err: unknown): Record<string, string> {
  if (err instanceof FieldError) return { [err.field]: err.message };
  const details = err instanceof ApiError && Array.isArray(err.details) ? (err.details as { path?: unknown; message?: unknown }[]) : [];
  return Object.fromEntries(
    details.flatMap((d) => (typeof d.path === "string" && typeof d.message === "string" ? [[d.path, sentence(d.message)]] : [])),
  );
}

/** The server's reason for a field ("contains invisible characters") as a sentence under it. */
const sentence = (reason: string) => `${reason.charAt(0).toUpperCase()}${reason.slice(1)}${/[.!?]$/.test(reason) ? "" : "."}`;

/** A form's submission: busy while it runs, and the reason it failed as a sentence. When the
 * server refused only fields the form shows reasons under (`shown`), each field's reason
 * (`field(name)`) and a sentence that points there. Editing the form clears them (`clear`). The
 * work returns normally on success (it navigates away, say) and throws to fail. */
export function createSubmit(work: () => Promise<void>, shown: string[] = []) {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const [fields, setFields] = createSignal<Record<string, string>>({});
  return {
    busy,
    error,
    setError,
    field: (name: string): string | null => fields()[name] ?? null,
    clear() {
      setError(null);
      setFields({});
    },
    async submit(e?: SubmitEvent) {
      e?.preventDefault();
      // Read now: once the event has been dispatched its currentTarget is null.
      const form = e?.currentTarget instanceof HTMLFormElement ? e.currentTarget : null;
      if (busy()) return;
      setBusy(true);
      setError(null);
      setFields({});
      try {
        await work();
      } catch (err) {
        const byField = fieldErrors(err);
        const count = Object.keys(byField).length;
        const below = count > 0 && Object.keys(byField).every((name) => shown.includes(name));
        setFields(below ? byField : {});
        setError(below ? `Check the field${count === 1 ? "" : "s"} marked below.` : describeError(err));
        // The person goes on at the first field at fault.
        if (below) focusFirstInvalid(form);
      } finally {
        setBusy(false);
      }
    },
  };
}
