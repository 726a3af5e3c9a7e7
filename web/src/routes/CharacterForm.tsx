// Creating or editing an AI character: name, description, instructions (system prompt),
// optional model and temperature. Checks what the API would refuse before sending, counts the
// instructions' characters as they near the limit, and asks before leaving unsaved changes.
import { useNavigate } from "@solidjs/router";
import { createSignal, onMount, Show } from "solid-js";
import { type Character, SYSTEM_PROMPT_MAX } from "../../../shared/wire";
import { api, type CharacterInput } from "../api";
import { createSubmit, Field, FieldError, FormActions, FormAlert, Page, SubmitButton, warnBeforeLeaving } from "../components/Form";
import { toast } from "../stores/toasts";

export function CharacterForm(props: { character?: Character; onSaved: (c: Character) => void }) {
  const navigate = useNavigate();
  const c = props.character;
  const [name, setName] = createSignal(c?.name ?? "");
  const [description, setDescription] = createSignal(c?.description ?? "");
  const [avatar, setAvatar] = createSignal(c?.avatar ?? "");
  const [prompt, setPrompt] = createSignal(c?.systemPrompt ?? "");
  const [model, setModel] = createSignal(c?.model ?? "");
  const [temperature, setTemperature] = createSignal(c?.temperature === null || c?.temperature === undefined ? "" : String(c.temperature));
  let nameRef!: HTMLInputElement;
  onMount(() => nameRef.focus());
  const fields = () => JSON.stringify([name(), description(), avatar(), prompt(), model(), temperature()]);
  const asOpened = fields();
  let saved = false;
  warnBeforeLeaving(() => !saved && fields() !== asOpened);
  const promptLength = () => prompt().trim().length;
  const count = (n: number) => n.toLocaleString("en-US");

  const form = createSubmit(async () => {
    const t = temperature().trim() === "" ? null : Number(temperature());
    if (!name().trim()) throw new FieldError("name", "Give the character a name.");
    if (!prompt().trim()) throw new FieldError("systemPrompt", "Write the instructions (system prompt) the character follows.");
    if (promptLength() > SYSTEM_PROMPT_MAX)
      throw new FieldError(
        "systemPrompt",
        `At most ${count(SYSTEM_PROMPT_MAX)} characters: shorten it by ${count(promptLength() - SYSTEM_PROMPT_MAX)}.`,
      );
    if (t !== null && (Number.isNaN(t) || t < 0 || t > 2)) throw new FieldError("temperature", "A number from 0 to 2.");
    const body: CharacterInput = {
      name: name().trim(),
      description: description().trim(),
      avatar: avatar().trim() || null,
      systemPrompt: prompt().trim(),
      model: model().trim() || null,
      temperature: t,
    };
    const { character } = c ? await api.updateCharacter(c.id, body) : await api.createCharacter(body);
    props.onSaved(character);
    saved = true;
    toast(c ? `${character.name} was updated` : `${character.name} was created`, "success");
    navigate("/characters");
  }, ["name", "avatar", "description", "systemPrompt", "model", "temperature"]);

  return (
    <Page title={c ? `Edit ${c.name}` : "New character"} back={{ href: "/characters", label: "Back to characters" }}>
      <form class="page-body form-stack" onSubmit={(e) => form.submit(e)} onInput={() => form.clear()} novalidate>
        <Show when={form.error()}>
          <FormAlert>{form.error()}</FormAlert>
        </Show>
        <Field
          id="character-name"
          label="Name"
          hint={`People mention it as @${name().trim() || "Name"} in rooms where it only replies when asked.`}
          error={form.field("name")}
        >
          {(aria) => (
            <input
              ref={nameRef}
              {...aria}
              class="input"
              maxLength={40}
              value={name()}
              onInput={(e) => setName(e.currentTarget.value)}
              placeholder="e.g. Sous-chef"
            />
          )}
        </Field>
        <Field
          id="character-avatar"
          label="Avatar"
          hint="An emoji shown beside its name (text shows as its initials); a sparkle without one."
          error={form.field("avatar")}
        >
          {(aria) => (
            <input
              {...aria}
              class="input"
              maxLength={16}
              value={avatar()}
              onInput={(e) => setAvatar(e.currentTarget.value)}
              placeholder="e.g. 🧑‍🍳"
            />
          )}
        </Field>
        <Field id="character-description" label="Description" error={form.field("description")}>
          {(aria) => (
            <input
              {...aria}
              class="input"
              maxLength={280}
              value={description()}
              onInput={(e) => setDescription(e.currentTarget.value)}
              placeholder="One line shown on its card"
            />
          )}
        </Field>
        <Field
          id="character-prompt"
          label="Instructions (system prompt)"
          hint={promptLength() > SYSTEM_PROMPT_MAX * 0.8 ? `${count(promptLength())} of ${count(SYSTEM_PROMPT_MAX)} characters` : undefined}
          error={form.field("systemPrompt")}
        >
          {(aria) => (
            <textarea
              {...aria}
              class="textarea"
              rows={8}
              value={prompt()}
              onInput={(e) => setPrompt(e.currentTarget.value)}
              placeholder="You are a cheerful sous-chef. Suggest recipes from what people have at home…"
            />
          )}
        </Field>
        <div class="field-row">
          <Field
            id="character-model"
            label={
              <>
                Model <span class="muted">(optional)</span>
              </>
            }
            error={form.field("model")}
          >
            {(aria) => (
              <input
                {...aria}
                class="input"
                value={model()}
                onInput={(e) => setModel(e.currentTarget.value)}
                placeholder="Server default"
              />
            )}
          </Field>
          <Field
            id="character-temperature"
            label={
              <>
                Temperature <span class="muted">(0–2)</span>
              </>
            }
            error={form.field("temperature")}
          >
            {(aria) => (
              <input
                {...aria}
                class="input"
                type="number"
                min="0"
                max="2"
                step="0.1"
                inputmode="decimal"
                value={temperature()}
                onInput={(e) => setTemperature(e.currentTarget.value)}
                placeholder="Default"
              />
            )}
          </Field>
        </div>
        <FormActions cancelHref="/characters">
          <SubmitButton busy={form.busy()}>{c ? "Save changes" : "Create character"}</SubmitButton>
        </FormActions>
      </form>
    </Page>
  );
}
