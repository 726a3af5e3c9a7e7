// The signed-in person's account: change the display name (every session and open room shows
// the new one at once), change the password (every other session ends), see where one is signed
// in and sign a device out, and sign out everywhere (every session ends, this one too). The server also closes the ended sessions'
// open rooms.
import { useNavigate } from "@solidjs/router";
import { createSignal, onMount, Show } from "solid-js";
import { DISPLAY_NAME_MAX } from "../../../shared/wire";
import { ApiError, api } from "../api";
import { ConfirmButton } from "../components/ConfirmButton";
import { createSubmit, DisplayNameField, FieldError, FormActions, FormAlert, Page, SubmitButton } from "../components/Form";
import { NotificationSetting } from "../components/NotificationSetting";
import { PasswordField } from "../components/PasswordField";
import { SessionList } from "../components/SessionList";
import { session, signOutEverywhere } from "../session";
import { signOutWarning } from "../stores/outbox";
import { toast } from "../stores/toasts";

export default function Account() {
  const navigate = useNavigate();
  const [current, setCurrent] = createSignal("");
  const [next, setNext] = createSignal("");
  const [name, setName] = createSignal(session.user()?.displayName ?? "");
  const personal = () => [session.user()?.username ?? "", session.user()?.displayName ?? ""];
  onMount(() => {
    document.title = "Account · Parlor";
  });

  const profile = createSubmit(async () => {
    const displayName = name().trim();
    if (!displayName) throw new FieldError("displayName", "Enter the name people should see.");
    if (displayName.length > DISPLAY_NAME_MAX) throw new FieldError("displayName", `At most ${DISPLAY_NAME_MAX} characters.`);
    const { user } = await api.updateProfile({ displayName });
    session.updateUser(user);
    setName(user.displayName);
    toast("Display name changed. Everyone sees the new one now.", "success");
  }, ["displayName"]);
  const unchanged = () => name().trim() === session.user()?.displayName;

  // The same password again is refused as it is typed, not only by the server.
  // Typing in a field clears the refusal it answered.
  const typed = (set: (v: string) => void) => (v: string) => {
    set(v);
    form.clear();
  };
  const sameAgain = () => (next() && next() === current() ? "That is your current password; choose another." : null);
  const form = createSubmit(async () => {
    if (!current()) throw new FieldError("currentPassword", "Enter your current password.");
    if (!next()) throw new FieldError("newPassword", "Choose a new password.");
    if (sameAgain()) throw new FieldError("newPassword", sameAgain() ?? "");
    const { ended } = await api.changePassword(current(), next()).catch((err) => {
      // Said under the field at fault, as the server's field errors are.
      if (err instanceof ApiError && err.code === "invalid_credentials")
        throw new FieldError("currentPassword", "That isn't your current password.");
      if (err instanceof ApiError && (err.code === "weak_password" || err.code === "same_password"))
        throw new FieldError("newPassword", err.message);
      throw err;
    });
    setCurrent("");
    setNext("");
    toast(`Password changed. ${ended === 1 ? "1 other session was" : `${ended} other sessions were`} signed out.`, "success");
  }, ["currentPassword", "newPassword"]);

  return (
    <Page title="Account" back={{ href: "/", label: "Back to rooms", phoneOnly: true }}>
      <div class="page-body settings">
        <p class="muted">
          Signed in as <strong>{session.user()?.displayName}</strong> <span class="muted">@{session.user()?.username}</span>
        </p>
        <form class="card form-stack" onSubmit={(e) => profile.submit(e)} aria-labelledby="profile-heading">
          <h2 id="profile-heading">Profile</h2>
          <Show when={profile.error()}>
            <FormAlert>Couldn't change your name: {profile.error()}</FormAlert>
          </Show>
          <DisplayNameField
            id="display-name"
            label="Display name"
            hint={`What people see beside your messages. Your username, @${session.user()?.username ?? ""}, stays.`}
            error={profile.field("displayName")}
            value={name()}
            onInput={(v) => {
              setName(v);
              profile.clear();
            }}
          />
          <div class="form-actions">
            <SubmitButton busy={profile.busy()} disabled={unchanged()}>
              Save name
            </SubmitButton>
          </div>
        </form>
        <form class="card form-stack" onSubmit={(e) => form.submit(e)} aria-labelledby="password-heading">
          <h2 id="password-heading">Change password</h2>
          <Show when={form.error()}>
            <FormAlert>Couldn't change the password: {form.error()}</FormAlert>
          </Show>
          <PasswordField
            id="current-password"
            label="Current password"
            purpose="current"
            value={current()}
            onInput={typed(setCurrent)}
            error={form.field("currentPassword")}
          />
          <PasswordField
            id="new-password"
            label="New password"
            purpose="new"
            value={next()}
            onInput={typed(setNext)}
            personal={personal}
            error={sameAgain() ?? form.field("newPassword")}
          />
          <FormActions cancelHref="/">
            <SubmitButton busy={form.busy()}>Change password</SubmitButton>
          </FormActions>
        </form>
        <section class="card" aria-labelledby="notify-heading">
          <h2 id="notify-heading">Notifications</h2>
          <NotificationSetting />
        </section>
        <section class="card" aria-labelledby="sessions-heading">
          <h2 id="sessions-heading">Sessions</h2>
          <p class="muted">Where you are signed in. Signing one out disconnects its open rooms at once.</p>
          <SessionList />
        </section>
        <section class="card card-danger" aria-labelledby="everywhere-heading">
          <h2 id="everywhere-heading">Sign out everywhere</h2>
          <p class="muted">Signs this browser and every other device out. Open rooms disconnect at once.</p>
          <ConfirmButton
            label="Sign out everywhere"
            confirmLabel="Sign out everywhere"
            warning={signOutWarning(session.user()?.id)}
            onConfirm={async () => {
              await signOutEverywhere(true);
              navigate("/signin");
            }}
          >
            Sign out everywhere
          </ConfirmButton>
        </section>
      </div>
    </Page>
  );
}
