// The connection state in the room header: connecting, live, reconnecting (with a way to skip
// the wait) or disconnected. A polite status region, so a change is announced once. On a phone
// the words are for screen readers only (chat.css): the dot, and a retry icon while
// reconnecting, leave the room's name the header's width.
import { Show } from "solid-js";
import type { Connection } from "../stores/room";
import { Icon } from "./Icon";

const WORDS: Record<Connection, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  closed: "Disconnected",
};

export function ConnectionStatus(props: { state: Connection; onRetry: () => void }) {
  return (
    <div class={`conn conn-${props.state}`} role="status" aria-live="polite">
      <span class="conn-dot" aria-hidden="true" />
      <span class="conn-label">{WORDS[props.state]}</span>
      <Show when={props.state === "reconnecting"}>
        <button type="button" class="conn-retry" onClick={() => props.onRetry()}>
          <Icon name="regenerate" />
          <span class="conn-label">Retry now</span>
        </button>
      </Show>
    </div>
  );
}
