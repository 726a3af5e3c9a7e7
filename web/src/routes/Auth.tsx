// Sign in and sign up: one form, two modes. Validates what the API will reject (username
// pattern, password length) before sending, and shows the API's reason when it still refuses.
import { A, useNavigate, useSearchParams } from "@solidjs/router";
import { createSignal, onMount, Show } from "solid-js";
import { ApiError, api, describeError } from "../api";
import { Icon } from "../components/Icon";
import { session } from "../session";

const USERNAME = /^[a-z0-9_]{3,32}$/;

export default function Auth(props: { mode: "signin" | "signup" }) {
  const navigate = useNavigate();
  const [params] = useSearchParams<{ next?: string }>();
  const [username, setUsername] = createSignal("");
  const [displayName, setDisplayName] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [errors, setErrors] = createSignal<{ username?: string; password?: string; form?: string }>({});
  const [busy, setBusy] = createSignal(false);
  const signup = () => props.mode === "signup";
  // Only same-app paths, so a crafted ?next= cannot send someone elsewhere.
  const next = () => (params.next?.startsWith("/") && !params.next.startsWith("//") ? params.next : "/");
  let userRef!: HTMLInputElement;

  onMount(() => {
    if (session.current()) navigate(next(), { replace: true });
    document.title = signup() ? "Create account · Parlor" : "Sign in · Parlor";
    userRef.focus();
  });

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    const u = username().trim().toLowerCase();
    const found: ReturnType<typeof errors> = {};
    if (signup() && !USERNAME.test(u)) found.username = "3–32 characters: lowercase letters, digits and _.";
    if (!u) found.username = "Enter your username.";
    if (signup() && password().length < 8) found.password = "Use at least 8 characters.";
    if (!password()) found.password = "Enter your password.";
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      const s = signup()
        ? await api.register({ username: u, password: password(), displayName: displayName().trim() || undefined })
        : await api.login({ username: u, password: password() });
      session.signIn(s);
      navigate(next(), { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) setErrors({ username: "That username is taken. Try another." });
      else if (err instanceof ApiError && err.status === 401) setErrors({ form: "Wrong username or password." });
      else setErrors({ form: describeError(err) });
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
          <div class="alert alert-warning" role="status">
            <Icon name="clock" />
            <span>{session.notice()}</span>
          </div>
        </Show>
        <form class="auth-form" onSubmit={submit} novalidate>
          <Show when={errors().form}>
            <div class="alert" role="alert">
              <Icon name="alert" />
              <span>{errors().form}</span>
            </div>
          </Show>
          {/* Errors sit outside the label so they describe the field rather than rename it. */}
          <div class="field">
            <label class="label" for="auth-username">
              Username
            </label>
            <input
              ref={userRef}
              id="auth-username"
              class="input"
              name="username"
              autocomplete="username"
              autocapitalize="none"
              spellcheck={false}
              value={username()}
              onInput={(e) => setUsername(e.currentTarget.value)}
              aria-invalid={errors().username ? "true" : undefined}
              aria-describedby={errors().username ? "username-error" : undefined}
            />
            <Show when={errors().username}>
              <span class="field-error" id="username-error">
                {errors().username}
              </span>
            </Show>
          </div>
          <Show when={signup()}>
            <label class="field">
              <span>
                Display name <span class="muted">(optional)</span>
              </span>
              <input
                class="input"
                name="displayName"
                autocomplete="nickname"
                value={displayName()}
                onInput={(e) => setDisplayName(e.currentTarget.value)}
              />
            </label>
          </Show>
          <div class="field">
            <label class="label" for="auth-password">
              Password
            </label>
            <input
              id="auth-password"
              class="input"
              type="password"
              name="password"
              autocomplete={signup() ? "new-password" : "current-password"}
              value={password()}
              onInput={(e) => setPassword(e.currentTarget.value)}
              aria-invalid={errors().password ? "true" : undefined}
              aria-describedby={errors().password ? "password-error" : undefined}
            />
            <Show when={errors().password}>
              <span class="field-error" id="password-error">
                {errors().password}
              </span>
            </Show>
          </div>
          <button class="btn btn-primary btn-block" type="submit" disabled={busy()}>
            <Show when={busy()}>
              <span class="spinner" aria-hidden="true" />
            </Show>
            {signup() ? "Create account" : "Sign in"}
          </button>
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
