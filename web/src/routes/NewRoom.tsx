// Start a room: a title, an AI character (or none) with how it joins in, and the people to
// invite by username (checked, and completed among people you share rooms with, as you type).
// Everything but the title is optional. Untitled, without a character and with one person it
// is a direct chat, named after them: the server answers one you already have with them
// (`existing`), which opens instead of a second.
import { useNavigate } from "@solidjs/router";
import { createResource, createSignal, For, onMount, Show } from "solid-js";
import type { AiMode } from "../../../shared/wire";
import { api, describeError } from "../api";
import { AiModePicker, CharacterPicker } from "../components/CharacterPicker";
import { createSubmit, Field, FormActions, FormAlert, Page, SubmitButton, warnBeforeLeaving } from "../components/Form";
import { Icon } from "../components/Icon";
import { PeopleInput } from "../components/PeopleInput";
import { useRooms } from "../context";
import { settled } from "../resource";
import { session } from "../session";
import { toast } from "../stores/toasts";

export default function NewRoom() {
  const navigate = useNavigate();
  const rooms = useRooms();
  const [charactersRes] = createResource(() => api.characters().then((r) => r.characters));
  const characters = settled(charactersRes);
  const [title, setTitle] = createSignal("");
  const [characterId, setCharacterId] = createSignal<string | null>(null);
  const [aiMode, setAiMode] = createSignal<AiMode>("always");
  const [members, setMembers] = createSignal<string[]>([]);
  let titleRef!: HTMLInputElement;
  let invites: { settle: () => Promise<boolean> } | undefined;
  // What was filled in goes only when asked; once the room is made, nothing is left to lose.
  let made = false;
  warnBeforeLeaving(
    () => !made && (!!title().trim() || members().length > 0 || characterId() !== null),
    "Leave without creating the room?",
  );

  onMount(() => {
    document.title = "New room · Parlor";
    titleRef.focus();
  });

  const form = createSubmit(async () => {
    // A name still being checked, or typed without Enter, is part of the room too; one that is
    // refused stops here, its reason under the field.
    if (invites && !(await invites.settle())) return;
    const { room, existing } = await api.createRoom({
      title: title().trim() || undefined,
      characterId: characterId() ?? undefined,
      aiMode: characterId() ? aiMode() : undefined,
      members: members().length ? members() : undefined,
    });
    if (existing) {
      const peer = rooms.state.rooms.find((r) => r.id === room.id)?.peer?.displayName ?? `@${members()[0]}`;
      toast(`You already have a chat with ${peer}: here it is.`);
    } else rooms.upsertRoom(room);
    made = true;
    // In place of the form: Back from the new room goes where the form was opened from, not to a
    // form that would make the room again.
    navigate(`/rooms/${room.id}`, { replace: true });
  });

  return (
    <Page title="New room" back={{ href: "/", label: "Back to rooms", phoneOnly: true }}>
      <form class="page-body form-stack" onSubmit={(e) => form.submit(e)}>
        <Show when={form.error()}>
          <FormAlert>Couldn't create the room: {form.error()}</FormAlert>
        </Show>
        <Field id="new-room-title" label="Title" hint="Leave empty to name it after the first message.">
          {(aria) => (
            <input
              ref={titleRef}
              {...aria}
              class="input"
              name="title"
              maxLength={120}
              placeholder="e.g. Weekend plans"
              value={title()}
              onInput={(e) => setTitle(e.currentTarget.value)}
            />
          )}
        </Field>
        <fieldset class="fieldset">
          <legend class="label">AI character</legend>
          <CharacterPicker
            characters={characters() ?? []}
            loading={charactersRes.loading}
            value={characterId()}
            onChange={setCharacterId}
          />
          <Show when={charactersRes.error}>
            <span class="field-error">Couldn't load characters: {describeError(charactersRes.error)}</span>
          </Show>
        </fieldset>
        <Show when={characterId()}>
          <AiModePicker value={aiMode()} onChange={setAiMode} />
        </Show>
        <div class="field">
          <label class="label" for="member-input">
            Invite people
          </label>
          <PeopleInput
            id="member-input"
            taken={members()}
            me={session.user()?.username}
            onPick={(name) => setMembers([...members(), name])}
            onBackspace={() => setMembers(members().slice(0, -1))}
            controls={(c) => (invites = c)}
            hint="They'll see the room in their list right away. You can invite more later."
            placeholder={members().length ? "Add another…" : "Type a username and press Enter"}
            boxClass="chips-input"
            inputClass="chips-field"
            before={
              <For each={members()}>
                {(name) => (
                  <span class="chip chip-removable">
                    @{name}
                    <button type="button" aria-label={`Remove ${name}`} onClick={() => setMembers(members().filter((m) => m !== name))}>
                      <Icon name="close" />
                    </button>
                  </span>
                )}
              </For>
            }
          />
        </div>
        <FormActions cancelHref="/">
          <SubmitButton busy={form.busy()}>Create room</SubmitButton>
        </FormActions>
      </form>
    </Page>
  );
}
