// Choosing a room's AI character (or none) and how it joins the conversation. Radio groups, so
// arrow keys move between options and screen readers announce the choice.
import { For, Show } from "solid-js";
import type { AiMode, RoomCharacter } from "../../../shared/wire";
import { Avatar } from "./Avatar";

export function CharacterPicker(props: {
  characters: RoomCharacter[];
  loading?: boolean;
  value: string | null;
  onChange: (id: string | null) => void;
}) {
  return (
    // One group of radios by their shared name, named by the fieldset around it: a radiogroup
    // of its own would be announced a second time with the same name.
    <div class="choice-grid">
      <label class="choice" classList={{ "is-selected": props.value === null }}>
        <input type="radio" name="character" class="sr-only" checked={props.value === null} onChange={() => props.onChange(null)} />
        <span class="choice-avatar choice-none" aria-hidden="true">
          –
        </span>
        <span class="choice-text">
          <span class="choice-title">No AI</span>
          <span class="choice-desc">Just people</span>
        </span>
      </label>
      <For each={props.characters}>
        {(c) => (
          <label class="choice" classList={{ "is-selected": props.value === c.id }}>
            <input type="radio" name="character" class="sr-only" checked={props.value === c.id} onChange={() => props.onChange(c.id)} />
            <Avatar id={c.id} name={c.name} ai emoji={c.avatar} size={32} />
            <span class="choice-text">
              <span class="choice-title">{c.name}</span>
              <span class="choice-desc">{c.description || (c.builtIn ? "Built in" : "Your character")}</span>
            </span>
          </label>
        )}
      </For>
      <Show when={props.loading}>
        <div class="choice choice-loading" aria-hidden="true" />
      </Show>
    </div>
  );
}

const MODES: { value: AiMode; title: string; desc: string }[] = [
  { value: "always", title: "Replies to every message", desc: "Best for one-to-one chats" },
  { value: "mention", title: "Only when @mentioned", desc: "Stays quiet in group chats" },
  { value: "off", title: "Off", desc: "Keeps the character, no replies" },
];

export function AiModePicker(props: { value: AiMode; onChange: (m: AiMode) => void }) {
  return (
    <fieldset class="fieldset">
      <legend class="label">When the AI replies</legend>
      <div class="segmented">
        <For each={MODES}>
          {(m) => (
            <label class="segment" classList={{ "is-selected": props.value === m.value }}>
              <input
                type="radio"
                name="aiMode"
                class="sr-only"
                value={m.value}
                checked={props.value === m.value}
                onChange={() => props.onChange(m.value)}
              />
              <span class="segment-title">{m.title}</span>
              <span class="segment-desc">{m.desc}</span>
            </label>
          )}
        </For>
      </div>
    </fieldset>
  );
}
