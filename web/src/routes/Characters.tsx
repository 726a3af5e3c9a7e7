// AI characters: the built-ins and your own, as cards with a one-click "Start chat", plus the
// create/edit form (CharacterForm.tsx) at /characters/new and /characters/:id. Built-ins are
// read-only. Above them, your own AI use today and what is left of your daily budget.
import { A, useParams } from "@solidjs/router";
import { createResource, For, onMount, Show } from "solid-js";
import type { Character } from "../../../shared/wire";
import { api, describeError } from "../api";
import { Avatar } from "../components/Avatar";
import { ConfirmButton } from "../components/ConfirmButton";
import { useStartChat } from "../components/FirstSteps";
import { FormAlert, Page } from "../components/Form";
import { Icon } from "../components/Icon";
import { settled } from "../resource";
import { toast } from "../stores/toasts";
import { CharacterForm } from "./CharacterForm";

export default function Characters() {
  const params = useParams<{ id?: string }>();
  const [listRes, { mutate, refetch }] = createResource(() => api.characters().then((r) => r.characters));
  const list = settled(listRes);
  onMount(() => (document.title = "AI characters · Parlor"));
  const found = () => (params.id && params.id !== "new" ? list()?.find((c) => c.id === params.id) : undefined);
  const editing = () => (found()?.builtIn ? undefined : found());

  return (
    <Show
      when={params.id}
      fallback={
        <CharacterList
          list={list() ?? []}
          loading={listRes.loading}
          error={listRes.error}
          retry={refetch}
          onDeleted={(id) => mutate((l) => l?.filter((c) => c.id !== id))}
        />
      }
    >
      <Show
        when={params.id === "new" || editing()}
        fallback={
          <Show when={!listRes.loading}>
            <MissingCharacter builtIn={found()?.name} />
          </Show>
        }
      >
        <CharacterForm
          character={editing()}
          onSaved={(c) => mutate((l) => (l?.some((x) => x.id === c.id) ? l.map((x) => (x.id === c.id ? c : x)) : [...(l ?? []), c]))}
        />
      </Show>
    </Show>
  );
}

/** No such character of yours: deleted, or built in (`builtIn`: its name), which no one edits. */
function MissingCharacter(props: { builtIn?: string }) {
  return (
    <div class="empty-state">
      <h1>{props.builtIn ? `${props.builtIn} is built in` : "Character not found"}</h1>
      <p>
        {props.builtIn ? "Built-in characters can't be changed. Create your own to write its instructions." : "It may have been deleted."}
      </p>
      <A href="/characters" class="btn">
        All characters
      </A>
    </div>
  );
}

function CharacterList(props: { list: Character[]; loading: boolean; error: unknown; retry: () => void; onDeleted: (id: string) => void }) {
  const startChat = useStartChat();
  const remove = async (c: Character) => {
    try {
      await api.deleteCharacter(c.id);
      props.onDeleted(c.id);
      toast(`${c.name} was deleted`, "success");
    } catch (err) {
      toast(`Couldn't delete ${c.name}: ${describeError(err)}`, "error");
    }
  };

  return (
    <Page
      title="AI characters"
      sub="Personas that can join a room and reply, each with its own instructions."
      back={{ href: "/", label: "Back to rooms", phoneOnly: true }}
      action={
        <A href="/characters/new" class="btn btn-primary">
          <Icon name="plus" /> New character
        </A>
      }
    >
      <div class="page-body">
        <AiUsage />
        <Show when={props.error}>
          <FormAlert>
            Couldn't load characters: {describeError(props.error)}{" "}
            <button type="button" class="link-btn" onClick={() => props.retry()}>
              Try again
            </button>
          </FormAlert>
        </Show>
        <Show when={props.loading}>
          <div class="card-grid" aria-busy="true">
            <div class="card skeleton-card" />
            <div class="card skeleton-card" />
          </div>
        </Show>
        <ul class="card-grid" aria-label="Characters">
          <For each={props.list}>
            {(c) => (
              <li class="card character-card">
                <div class="character-top">
                  <Avatar id={c.id} name={c.name} ai emoji={c.avatar} size={44} />
                  <div class="character-names">
                    <h2>{c.name}</h2>
                    <span class="chip">{c.builtIn ? "Built in" : "Yours"}</span>
                  </div>
                </div>
                <p class="character-desc">{c.description || c.systemPrompt.slice(0, 140)}</p>
                <Show when={c.model || c.temperature !== null}>
                  <p class="character-meta">
                    <Show when={c.model}>{c.model}</Show>
                    <Show when={c.model && c.temperature !== null}> · </Show>
                    <Show when={c.temperature !== null}>temperature {c.temperature}</Show>
                  </p>
                </Show>
                <div class="character-actions">
                  <button type="button" class="btn btn-sm btn-primary" onClick={() => startChat(c)}>
                    <Icon name="chat" /> Start chat
                  </button>
                  <Show when={!c.builtIn}>
                    <A href={`/characters/${c.id}`} class="btn btn-sm" aria-label={`Edit ${c.name}`}>
                      <Icon name="edit" /> Edit
                    </A>
                    <ConfirmButton
                      label={`Delete ${c.name}`}
                      confirmLabel="Delete"
                      warning={`Delete ${c.name}? Rooms using it keep their messages and stop getting replies.`}
                      onConfirm={() => remove(c)}
                    >
                      <Icon name="trash" />
                    </ConfirmButton>
                  </Show>
                </div>
              </li>
            )}
          </For>
        </ul>
      </div>
    </Page>
  );
}

/** "Your AI use today: 1,234 of 7,000 tokens; resets at 01:00." (nothing until it loads). */
function AiUsage() {
  const [usage] = createResource(() => api.usage().then((r) => r.usage));
  const resets = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return (
    <Show when={usage.state === "ready" && usage()}>
      {(u) => (
        <p class="ai-usage" role="status">
          Your AI use today: {u().tokens.toLocaleString()}
          <Show when={u().limit !== null} fallback=" tokens.">
            {" "}
            of {u().limit?.toLocaleString()} tokens{u().remaining === 0 ? ", all spent" : ""}; resets at {resets(u().resetsAt)}.
          </Show>
        </p>
      )}
    </Show>
  );
}
