// Start a room: a title, an AI character (or none) with how it joins in, and the people to
// invite by username. Everything but the title is optional.
import { A, useNavigate } from "@solidjs/router";
import { createResource, createSignal, For, onMount, Show } from "solid-js";
import type { AiMode } from "../../../shared/wire";
import { api, describeError } from "../api";
import { AiModePicker, CharacterPicker } from "../components/CharacterPicker";
import { Icon } from "../components/Icon";
import { useRooms } from "../context";
import { settled } from "../resource";
import { session } from "../session";

const USERNAME = /^[a-z0-9_]{3,32}$/;

export default function NewRoom() {
  const navigate = useNavigate();
  const rooms = useRooms();
  const [charactersRes] = createResource(() => api.characters().then((r) => r.characters));
  const characters = settled(charactersRes);
  const [title, setTitle] = createSignal("");
  const [characterId, setCharacterId] = createSignal<string | null>(null);
  const [aiMode, setAiMode] = createSignal<AiMode>("always");
  const [members, setMembers] = createSignal<string[]>([]);
  const [draft, setDraft] = createSignal("");
  const [memberError, setMemberError] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  let titleRef!: HTMLInputElement;

  onMount(() => {
    document.title = "New room · Parlor";
    titleRef.focus();
  });

  function addMember(): boolean {
    const name = draft().trim().replace(/^@/, "").toLowerCase();
    if (!name) return false;
    if (!USERNAME.test(name)) {
      setMemberError(`“${name}” isn't a valid username.`);
      return true;
    }
    if (name === session.user()?.username) setMemberError("You're already in the room.");
    else if (!members().includes(name)) setMembers([...members(), name]);
    setDraft("");
    return true;
  }

  async function submit(e: SubmitEvent) {
    e.preventDefault();
    addMember();
    if (memberError()) return;
    setBusy(true);
    setError(null);
    try {
      const { room } = await api.createRoom({
        title: title().trim() || undefined,
        characterId: characterId() ?? undefined,
        aiMode: characterId() ? aiMode() : undefined,
        members: members().length ? members() : undefined,
      });
      rooms.upsertRoom(room);
      navigate(`/rooms/${room.id}`);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  }

  return (
    <div class="page">
      <header class="page-head">
        <A href="/" class="icon-btn mobile-only" aria-label="Back to rooms">
          <Icon name="back" />
        </A>
        <h1>New room</h1>
      </header>
      <form class="page-body form-stack" onSubmit={submit}>
        <Show when={error()}>
          <div class="alert" role="alert">
            <Icon name="alert" />
            <span>Couldn't create the room: {error()}</span>
          </div>
        </Show>
        <div class="field">
          <label class="label" for="new-room-title">
            Title
          </label>
          <input
            ref={titleRef}
            id="new-room-title"
            class="input"
            name="title"
            maxLength={120}
            placeholder="e.g. Weekend plans"
            value={title()}
            onInput={(e) => setTitle(e.currentTarget.value)}
            aria-describedby="new-room-title-hint"
          />
          <span class="hint" id="new-room-title-hint">
            Leave empty to name it after the first message.
          </span>
        </div>
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
          <div class="chips-input">
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
            <input
              id="member-input"
              class="chips-field"
              placeholder={members().length ? "Add another…" : "Type a username and press Enter"}
              autocomplete="off"
              autocapitalize="none"
              value={draft()}
              aria-invalid={memberError() ? "true" : undefined}
              aria-describedby="member-hint"
              onInput={(e) => {
                setMemberError(null);
                setDraft(e.currentTarget.value);
              }}
              onKeyDown={(e) => {
                if ((e.key === "Enter" || e.key === "," || e.key === " ") && draft().trim()) {
                  e.preventDefault();
                  addMember();
                } else if (e.key === "Backspace" && !draft() && members().length) {
                  setMembers(members().slice(0, -1));
                }
              }}
            />
          </div>
          <span id="member-hint" classList={{ hint: !memberError(), "field-error": !!memberError() }}>
            {memberError() ?? "They'll see the room in their list right away. You can invite more later."}
          </span>
        </div>
        <div class="form-actions">
          <A href="/" class="btn btn-ghost">
            Cancel
          </A>
          <button type="submit" class="btn btn-primary" disabled={busy()}>
            <Show when={busy()}>
              <span class="spinner" aria-hidden="true" />
            </Show>
            Create room
          </button>
        </div>
      </form>
    </div>
  );
}
