// The log's rows that are not messages: where the conversation starts, history loading, a new
// day, and where the unread messages begin.
import { Show } from "solid-js";
import { dayLabel } from "../format";
import { Icon } from "./Icon";

/** The top of the conversation; in a room where nothing was said yet, what to do first. */
export function LogStart(props: { empty: boolean; intro?: string }) {
  return (
    <div class="log-start" classList={{ "is-empty": props.empty }}>
      <Icon name="chat" />
      <p>This is the beginning of the conversation.</p>
      <Show when={props.empty && props.intro}>
        <p class="log-intro">{props.intro}</p>
      </Show>
    </div>
  );
}

/** Messages on their way: older ones at the top, or a gap between two loaded runs (`after`). */
export function LoadingRow(props: { text: string; after?: number }) {
  return (
    <div class="log-loading" classList={{ "log-gap": props.after !== undefined }} data-after={props.after}>
      <span class="spinner" aria-hidden="true" /> {props.text}
    </div>
  );
}

export function DaySeparator(props: { at: string }) {
  return (
    <div class="day-sep">
      <span>{dayLabel(props.at)}</span>
    </div>
  );
}

/** Before the first message that was new to the reader. */
export function NewSeparator() {
  return (
    <div class="new-sep">
      <span>New messages</span>
    </div>
  );
}
