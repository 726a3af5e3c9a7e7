// The account page's list of the person's sessions: each device, this one first, when it signed
// in and was last active, and a way to sign one of the others out (its token stops working and
// its open rooms disconnect at once).
import { createResource, For, Match, Switch } from "solid-js";
import type { SessionInfo } from "../../../shared/wire";
import { api, describeError } from "../api";
import { deviceLabel } from "../format";
import { toast } from "../stores/toasts";
import { ConfirmButton } from "./ConfirmButton";

const when = (iso: string | null) =>
  iso ? new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" }) : "a while ago";

export function SessionList() {
  const [list, { refetch }] = createResource(async () => (await api.sessions()).sessions);
  async function end(s: SessionInfo) {
    try {
      await api.endSession(s.id);
      toast(`Signed out ${deviceLabel(s.userAgent)}.`, "success");
    } catch (err) {
      toast(`Couldn't sign that session out: ${describeError(err)}`, "error");
    }
    await refetch();
  }
  return (
    <Switch>
      <Match when={list.error}>
        <p class="muted">Couldn't load your sessions: {describeError(list.error)}</p>
      </Match>
      <Match when={list()}>
        {(sessions) => (
          <ul class="session-list" aria-label="Your sessions">
            <For each={sessions()}>
              {(s) => (
                <li class="session-row">
                  <span class="session-what">
                    <span class="session-device">{deviceLabel(s.userAgent)}</span>
                    <span class="muted">
                      {s.current ? "This device · signed in" : "Signed in"} {when(s.startedAt)}
                      {s.lastActiveAt && s.lastActiveAt !== s.startedAt ? ` · active ${when(s.lastActiveAt)}` : ""}
                    </span>
                  </span>
                  {s.current ? null : (
                    <ConfirmButton label={`Sign out ${deviceLabel(s.userAgent)}`} confirmLabel="Sign out" onConfirm={() => end(s)}>
                      Sign out
                    </ConfirmButton>
                  )}
                </li>
              )}
            </For>
          </ul>
        )}
      </Match>
      <Match when={list.loading}>
        <p class="muted">Loading your sessions…</p>
      </Match>
    </Switch>
  );
}
