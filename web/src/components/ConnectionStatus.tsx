// The connection state in the room header: connecting, live, reconnecting (with a way to skip
// the wait; "Offline" while the device has no network) or disconnected. A polite status region, so a change is announced once. On a phone
// the words are for screen readers only (connection.css): the dot, and a retry icon while
// reconnecting, leave the room's name the header's width. A live connection that comes back
// within a moment (a refreshed token, a brief network flap) is not reported as lost.
import { createEffect, createSignal, on, onCleanup, Show } from "solid-js";
import { createOnline } from "../online";
import type { Connection } from "../stores/room";
import { Icon } from "./Icon";
import "../styles/connection.css";

const WORDS: Record<Connection, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  closed: "Disconnected",
};

/** How long a live connection may be away before the header says it is reconnecting. */
export const RECONNECT_GRACE_MS = 1500;

export function ConnectionStatus(props: { state: Connection; onRetry: () => void }) {
  const [shown, setShown] = createSignal(props.state);
  let timer: ReturnType<typeof setTimeout> | undefined;
  createEffect(
    on(
      () => props.state,
      (state) => {
        clearTimeout(timer);
        if (state === "reconnecting" && shown() === "live") timer = setTimeout(() => setShown(state), RECONNECT_GRACE_MS);
        else setShown(state);
      },
    ),
  );
  onCleanup(() => clearTimeout(timer));
  // Reconnecting while the device itself is offline says so: the wait is for the network.
  const online = createOnline();
  const words = () => (shown() === "reconnecting" && !online() ? "Offline" : WORDS[shown()]);
  return (
    <div class={`conn conn-${shown()}`} role="status" aria-live="polite">
      <span class="conn-dot" aria-hidden="true" />
      <span class="conn-label">{words()}</span>
      <Show when={shown() === "reconnecting"}>
        <button type="button" class="conn-retry" onClick={() => props.onRetry()}>
          <Icon name="regenerate" />
          <span class="conn-label">Retry now</span>
        </button>
      </Show>
    </div>
  );
}
