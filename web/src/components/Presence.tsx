// Who is in the room right now (avatars with a live dot) and who is typing, each named with
// their unique @username beside the display name (which anyone may copy).
import { For, Show } from "solid-js";
import type { OnlineUser } from "../../../shared/wire";
import { Avatar } from "./Avatar";

/** Who else is here: nothing while you are alone (a lone "1 online" only ever meant you). */
export function OnlineAvatars(props: { online: OnlineUser[]; myId?: string }) {
  const others = () => props.online.filter((u) => u.id !== props.myId);
  const names = () => props.online.map((u) => (u.id === props.myId ? "you" : personName(u))).join(", ");
  return (
    <Show when={others().length > 0}>
      <div class="online" title={`Online: ${names()}`}>
        <span class="sr-only">Online: {names()}</span>
        <span class="online-stack" aria-hidden="true">
          <For each={others().slice(0, 4)}>{(u) => <Avatar id={u.id} name={u.displayName || u.username} size={26} ring />}</For>
        </span>
        <span class="online-count" aria-hidden="true">
          {props.online.length} online
        </span>
      </div>
    </Show>
  );
}

/** "Alice (@alice)": the display name and the handle that tells same-named people apart. */
export function personName(u: OnlineUser): string {
  return u.displayName && u.displayName !== u.username ? `${u.displayName} (@${u.username})` : `@${u.username}`;
}

export function typingText(names: string[]): string {
  if (names.length === 0) return "";
  if (names.length === 1) return `${names[0]} is typing`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing`;
  return `${names.length} people are typing`;
}

export function TypingIndicator(props: { users: OnlineUser[] }) {
  const text = () => typingText(props.users.map(personName));
  return (
    <div class="typing" aria-live="off">
      <Show when={props.users.length > 0}>
        <span class="typing-dots" aria-hidden="true">
          <span />
          <span />
          <span />
        </span>
        {text()}…
      </Show>
    </div>
  );
}
