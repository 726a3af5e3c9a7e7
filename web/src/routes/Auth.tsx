// Sign in and sign up: one form, two modes. Checks what the API will reject before sending
// (username pattern; for a new password its strength, live while typing, with the rules shown
// before the first keystroke) and shows the API's reason when it still refuses.
import { A, useNavigate, useSearchParams } from "@solidjs/router";
import { createSignal, onMount, Show } from "solid-js";
import { DISPLAY_NAME_MAX } from "../../../shared/wire";
import { ApiError, api, describeError } from "../api";
import { DisplayNameField, Field, FormAlert, focusFirstInvalid, SubmitButton } from "../components/Form";
import { Icon } from "../components/Icon";
import { PasswordField, passwordProblem } from "../components/PasswordField";
import { session } from "../session";

const USERNAME = /^[a-z0-9_]{3,32}$/;
type Errors = { username?: string; displayName?: string; password?: string; form?: string };

export default function Auth(props: { mode: "signin" | "signup" }) {
  const navigate = useNavigate();
  const [params] = useSearchParams<{ next?: string }>();
  // Signed out by the server, or the session ran out: the same person, most likely.
  const [username, setUsername] = createSignal(props.mode === "signin" ? (session.lastUsername() ?? "") : "");
  const [displayName, setDisplayName] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [errors, setErrors] = createSignal<Errors>({});
  const [busy, setBusy] = createSignal(false);
  const signup = () => props.mode === "signup";
  // Only same-app paths, so a crafted ?next= cannot send someone elsewhere.
  const next = () => (params.next?.startsWith("/") && !params.next.startsWith("//") ? params.next : "/");
  const personal = () => [username().trim().toLowerCase(), displayName().trim()];
  let userRef!: HTMLInputElement;

  onMount(() => {
    if (session.current()) navigate(next(), { replace: true });
    document.title = signup() ? "Create account · Parlor" : "Sign in · Parlor";
    // Known already: the password is what is left to type.
    if (username()) document.getElementById("auth-password")?.focus();
    else userRef.focus();
  });

  async function check(u: string): Promise<Errors> {
    const found: Errors = {};
    if (signup() && !USERNAME.test(u)) found.username = "3–32 characters: lowercase letters, digits and _.";
    if (!u) found.username = "Enter your username.";
    if (signup() && displayName().trim().length > DISPLAY_NAME_MAX) found.displayName = `At most ${DISPLAY_NAME_MAX} characters.`;
    if (!password()) found.password = "Enter your password.";
    else if (signup()) found.password = (await passwordProblem(password(), personal())) ?? undefined;
    return found;
  }

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.currentTarget instanceof HTMLFormElement ? e.currentTarget : null;
    const u = username().trim().toLowerCase();
    setBusy(true);
    try {
      const found = await check(u);
      setErrors(found);
      if (found.username || found.displayName || found.password) return focusFirstInvalid(form);
      const s = signup()
        ? await api.register({ username: u, password: password(), displayName: displayName().trim() || undefined })
        : await api.login({ username: u, password: password() });
      session.signIn(s);
      navigate(next(), { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) setErrors({ username: "That username is taken. Try another." });
      else if (err instanceof ApiError && err.code === "weak_password") setErrors({ password: err.message });
      else if (err instanceof ApiError && err.status === 401) setErrors({ form: "Wrong username or password." });
      else setErrors({ form: describeError(err) });
      focusFirstInvalid(form);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main class="auth">
      <div class="auth-card">
        <div class="auth-brand">
          <span class="brand-mark" aria-hidden="true">
            <Icon name="chat" />
          </span>
          Parlor
        </div>
        <h1>{signup() ? "Create your account" : "Welcome back"}</h1>
        <p class="auth-sub">{signup() ? "Rooms for people and AI characters, in real time." : "Sign in to pick up where you left off."}</p>
        <Show when={session.notice()}>
          <FormAlert tone="warning" icon="clock">
            {session.notice()}
          </FormAlert>
        </Show>
        <form class="auth-form" onSubmit={submit} novalidate>
          <Show when={errors().form}>
            <FormAlert>{errors().form}</FormAlert>
          </Show>
          <Field id="auth-username" label="Username" error={errors().username}>
            {(aria) => (
              <input
                ref={userRef}
                {...aria}
                class="input"
                name="username"
                autocomplete="username"
                autocapitalize="none"
                spellcheck={false}
                value={username()}
                onInput={(e) => {
                  setUsername(e.currentTarget.value);
                  // Fixed as it is typed: the next submit checks it again.
                  if (errors().username) setErrors({ ...errors(), username: undefined });
                }}
              />
            )}
          </Field>
          <Show when={signup()}>
            <DisplayNameField
              id="auth-display-name"
              label={
                <>
                  Display name <span class="muted">(optional)</span>
                </>
              }
              error={errors().displayName}
              value={displayName()}
              onInput={(v) => {
                setDisplayName(v);
                if (errors().displayName) setErrors({ ...errors(), displayName: undefined });
              }}
            />
          </Show>
          <PasswordField
            id="auth-password"
            label="Password"
            purpose={signup() ? "new" : "current"}
            value={password()}
            onInput={(v) => {
              setPassword(v);
              if (errors().password) setErrors({ ...errors(), password: undefined });
            }}
            personal={personal}
            error={errors().password}
          />
          <SubmitButton busy={busy()} block>
            {signup() ? "Create account" : "Sign in"}
          </SubmitButton>
        </form>
        <p class="auth-switch">
          <Show
            when={signup()}
            fallback={
              <>
                New to Parlor? <A href={`/signup${location.search}`}>Create an account</A>
              </>
            }
          >
            Already have an account? <A href={`/signin${location.search}`}>Sign in</A>
          </Show>
        </p>
      </div>
    </main>
  );
}
