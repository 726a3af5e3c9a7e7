// The connection state in the room header: connecting, live, reconnecting (with a way to skip
// the wait) or disconnected. A polite status region, so a change is announced once.
import { Match, Show, Switch } from "solid-js";
import type { Connection } from "../stores/room";

export function ConnectionStatus(props: { state: Connection; onRetry: () => void }) {
  return (
    <div class={`conn conn-${props.state}`} role="status" aria-live="polite">
      <span class="conn-dot" aria-hidden="true" />
      <Switch>
        <Match when={props.state === "live"}>
          <span class="conn-label">Live</span>
        </Match>
        <Match when={props.state === "connecting"}>Connecting…</Match>
        <Match when={props.state === "reconnecting"}>Reconnecting…</Match>
        <Match when={props.state === "closed"}>Disconnected</Match>
      </Switch>
      <Show when={props.state === "reconnecting"}>
        <button type="button" class="conn-retry" onClick={() => props.onRetry()}>
          Retry now
        </button>
      </Show>
    </div>
  );
}
