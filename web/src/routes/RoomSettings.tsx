// Room settings: rename, AI character and mode, members (invite, remove), export, and the
// ends of a room (leave, delete: RoomExits). Owner-only controls are shown to the owner; the server
// enforces the same rules, and its refusals are shown as they come.
import { useNavigate, useParams } from "@solidjs/router";
import { createEffect, createMemo, createResource, createSignal, For, onMount, Show } from "solid-js";
import type { AiMode, Member } from "../../../shared/wire";
import { api, describeError } from "../api";
import { Avatar } from "../components/Avatar";
import { AiModePicker, CharacterPicker } from "../components/CharacterPicker";
import { ClosedDoor } from "../components/ClosedDoor";
import { ConfirmButton } from "../components/ConfirmButton";
import { Field, FormAlert, Page, warnBeforeLeaving } from "../components/Form";
import { Icon } from "../components/Icon";
import { PeopleInput } from "../components/PeopleInput";
import { heirOf, RoomExits } from "../components/RoomExits";
import { useRooms } from "../context";
import { roomTitle } from "../format";
import { settled } from "../resource";
import { session } from "../session";
import { newerRoom, refetchWhenNewer } from "../stores/newer-room";
import { toast } from "../stores/toasts";

export default function RoomSettings() {
  const params = useParams<{ id: string }>();
  const navigate = useNavigate();
  const rooms = useRooms();
  const [dataRes, { mutate, refetch }] = createResource(
    () => params.id,
    (id) => api.room(id),
  );
  const [charactersRes] = createResource(() => api.characters().then((r) => r.characters));
  const data = settled(dataRes);
  const characters = settled(charactersRes);
  const [title, setTitle] = createSignal<string | null>(null);
  const [characterId, setCharacterId] = createSignal<string | null | undefined>(undefined);
  const [aiMode, setAiMode] = createSignal<AiMode | null>(null);
  const [busy, setBusy] = createSignal<string | null>(null);
  const [titleError, setTitleError] = createSignal<string | null>(null);
  let titleInput: HTMLInputElement | undefined;

  // The list's copy is kept live by the channel: a change made elsewhere (the owner taking the
  // character out) shows here too, and is what Save keeps.
  const listed = () => rooms.state.rooms.find((r) => r.id === params.id);
  const room = () => newerRoom(listed(), data()?.room);
  // Removed (or the room deleted) while here: the list lets go of the room, and so does this page.
  const [wasListed, setWasListed] = createSignal(false);
  createEffect(() => listed() && setWasListed(true));
  const gone = () => wasListed() && !listed();
  const me = () => session.user();
  const isOwner = () => !!room() && room()?.ownerId === me()?.id;
  const currentTitle = () => title() ?? room()?.title ?? "";
  const currentCharacter = () => (characterId() === undefined ? (room()?.characterId ?? null) : (characterId() ?? null));
  // A room with no AI is stored "off": a character picked for it replies to all, as when new.
  const currentMode = () => aiMode() ?? (room()?.characterId ? room()?.aiMode : undefined) ?? "always";
  // Yours and the built-ins, and the room's own when someone else owns it: it can be kept, but
  // once another is picked only its owner can bring it back.
  const choices = () => {
    const list = characters() ?? [];
    const theirs = data()?.character;
    return theirs && !list.some((c) => c.id === theirs.id)
      ? [...list, { ...theirs, description: theirs.description || "This room's character" }]
      : list;
  };

  // Changed elsewhere (members, another character, its renamed): fetched again. A member whose row
  // shows the same keeps it (an open "Remove" confirm stays), whatever else moved (their reads).
  refetchWhenNewer(listed, () => data()?.room, refetch);
  const shown = (m: Member) => JSON.stringify([m.user, m.role]);
  const members = createMemo<Member[]>((was = []) => (data()?.members ?? []).map((m) => was.find((w) => shown(w) === shown(m)) ?? m));

  onMount(() => (document.title = "Room settings · Parlor"));
  // Leaving with a change not saved asks first (another screen, the back button, a reload),
  // unless the room is no longer yours to change: nothing here could be saved then.
  const changed = () => (title() !== null && currentTitle().trim() !== (room()?.title ?? "")) || characterId() !== undefined;
  warnBeforeLeaving(() => !gone() && (changed() || aiMode() !== null));

  async function run(what: string, fn: () => Promise<void>, done?: string): Promise<boolean> {
    setBusy(what);
    try {
      await fn();
      if (done) toast(done, "success");
      return true;
    } catch (err) {
      toast(`Couldn't ${what}: ${describeError(err)}`, "error");
      return false;
    } finally {
      setBusy(null);
    }
  }

  const saveGeneral = (e: SubmitEvent) => {
    e.preventDefault();
    const renamed = title() !== null && currentTitle().trim() !== (room()?.title ?? "");
    if (renamed && !currentTitle().trim()) {
      setTitleError("Give the room a title.");
      titleInput?.focus();
      return;
    }
    void run(
      "save the settings",
      async () => {
        // Only what was changed here: a rename never sends a character someone else set
        // meanwhile, nor a character change the name someone else gave it.
        const picked = characterId() !== undefined;
        const { room: updated } = await api.updateRoom(params.id, {
          ...(renamed ? { title: currentTitle().trim() } : {}),
          ...(picked ? { characterId: currentCharacter() } : {}),
          ...(picked || aiMode() !== null ? { aiMode: currentCharacter() ? currentMode() : "off" } : {}),
        });
        // Saved: the fields follow the room again, as others change it.
        setTitle(null);
        setCharacterId(undefined);
        setAiMode(null);
        const d = data();
        // Someone else's character, once left, is not offered again: only its owner may pick it.
        if (d) mutate({ ...d, room: updated, character: d.character?.id === updated.characterId ? d.character : null });
        rooms.upsertRoom(updated);
      },
      "Settings saved",
    );
  };

  const addMember = (username: string) =>
    run(
      `invite @${username}`,
      async () => {
        const { member } = await api.addMember(params.id, username);
        const d = data();
        if (d) mutate({ ...d, members: [...d.members.filter((m) => m.user.id !== member.user.id), member] });
      },
      `@${username} was added to the room`,
    );

  const removeMember = (m: Member) =>
    run(
      `remove @${m.user.username}`,
      async () => {
        await api.removeMember(params.id, m.user.id);
        const d = data();
        if (d) mutate({ ...d, members: d.members.filter((x) => x.user.id !== m.user.id) });
      },
      `@${m.user.username} was removed`,
    );

  const leave = () =>
    run("leave the room", async () => {
      await api.removeMember(params.id, me()?.id ?? "");
      rooms.removeRoom(params.id);
      toast(`You left ${roomTitle(room())}`, "success");
      navigate("/", { replace: true });
    });

  const remove = () =>
    run("delete the room", async () => {
      await api.deleteRoom(params.id);
      rooms.removeRoom(params.id);
      toast(`${roomTitle(room())} was deleted`, "success");
      navigate("/", { replace: true });
    });

  return (
    <Page title="Room settings" sub={roomTitle(room())} back={{ href: `/rooms/${params.id}`, label: "Back to the room" }}>
      <Show when={dataRes.error}>
        <div class="page-body">
          <FormAlert>
            Couldn't load this room: {describeError(dataRes.error)}{" "}
            <button type="button" class="link-btn" onClick={() => refetch()}>
              Try again
            </button>
          </FormAlert>
        </div>
      </Show>
      <Show when={gone()}>
        <ClosedDoor title="No longer yours to change" detail="You were removed from this room, or it was deleted." />
      </Show>
      <Show when={data() && !gone()}>
        <div class="page-body settings">
          <form class="card form-stack" onSubmit={saveGeneral} aria-labelledby="general-h">
            <h2 id="general-h">General</h2>
            <Field id="room-title" label="Title" error={titleError()}>
              {(aria) => (
                <input
                  {...aria}
                  ref={titleInput}
                  class="input"
                  name="title"
                  maxLength={120}
                  value={currentTitle()}
                  onInput={(e) => {
                    setTitle(e.currentTarget.value);
                    setTitleError(null);
                  }}
                />
              )}
            </Field>
            <fieldset class="fieldset">
              <legend class="label">AI character</legend>
              <CharacterPicker
                characters={choices()}
                loading={charactersRes.loading}
                value={currentCharacter()}
                onChange={setCharacterId}
              />
            </fieldset>
            <Show when={currentCharacter()}>
              <AiModePicker value={currentMode()} onChange={setAiMode} />
            </Show>
            <div class="form-actions">
              <button type="submit" class="btn btn-primary" disabled={busy() !== null}>
                Save changes
              </button>
            </div>
          </form>

          <section class="card" aria-labelledby="members-h">
            <h2 id="members-h">Members</h2>
            <ul class="member-list">
              <For each={members()}>
                {(m) => (
                  <li class="member">
                    <Avatar id={m.user.id} name={m.user.displayName || m.user.username} size={36} />
                    <span class="member-names">
                      <span class="member-name">
                        {m.user.displayName || m.user.username}
                        <Show when={m.user.id === me()?.id}> (you)</Show>
                      </span>
                      <span class="member-handle">@{m.user.username}</span>
                    </span>
                    <Show when={m.role === "owner"}>
                      <span class="chip">Owner</span>
                    </Show>
                    <Show when={isOwner() && m.user.id !== me()?.id}>
                      <ConfirmButton
                        label={`Remove ${m.user.displayName || m.user.username} (@${m.user.username})`}
                        confirmLabel="Remove"
                        onConfirm={() => removeMember(m)}
                      >
                        Remove
                      </ConfirmButton>
                    </Show>
                  </li>
                )}
              </For>
            </ul>
            <div class="invite">
              <label class="sr-only" for="invite-input">
                Username to invite
              </label>
              <PeopleInput
                id="invite-input"
                taken={(data()?.members ?? []).map((m) => m.user.username)}
                me={me()?.username}
                onPick={addMember}
                hint="Type a username, or pick someone you share a room with."
                placeholder="Invite by username"
                boxClass="invite-row"
                button={{ label: [<Icon name="userPlus" />, " Invite"], disabled: busy() !== null }}
              />
            </div>
          </section>

          <section class="card" aria-labelledby="export-h">
            <h2 id="export-h">Export</h2>
            <p class="muted">Download the whole conversation.</p>
            <div class="row-actions">
              <button type="button" class="btn" onClick={() => run("export", () => api.exportRoom(params.id, "markdown"))}>
                <Icon name="download" /> Markdown
              </button>
              <button type="button" class="btn" onClick={() => run("export", () => api.exportRoom(params.id, "json"))}>
                <Icon name="download" /> JSON
              </button>
            </div>
          </section>

          <RoomExits
            isOwner={isOwner()}
            heir={heirOf(data()?.members ?? [], me()?.id ?? "")}
            others={(data()?.members.length ?? 1) - 1}
            onLeave={leave}
            onDelete={remove}
          />
        </div>
      </Show>
    </Page>
  );
}
