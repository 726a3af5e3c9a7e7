// What a person can do first, where there is nothing yet: ask the built-in Assistant at once (a
// room of their own with it, named after it, as the characters page's Start chat makes), start a
// room, or browse the AI characters.
import { A, useNavigate } from "@solidjs/router";
import { Show } from "solid-js";
import { api, describeError } from "../api";
import { useRooms } from "../context";
import { toast } from "../stores/toasts";
import { Icon } from "./Icon";

/** The built-in character every Parlor has (seeded by the first migration). */
const ASSISTANT = { id: "assistant", name: "Assistant" };

/** Opens a new room with `character` answering every message, and goes there; once, however
 * often it is clicked while the room is being made. */
export function useStartChat() {
  const navigate = useNavigate();
  const rooms = useRooms();
  let starting = false;
  return async (character: { id: string; name: string }) => {
    if (starting) return;
    starting = true;
    try {
      const { room } = await api.createRoom({ title: `Chat with ${character.name}`, characterId: character.id, aiMode: "always" });
      rooms.upsertRoom(room);
      navigate(`/rooms/${room.id}`);
    } catch (err) {
      toast(`Couldn't start a chat: ${describeError(err)}`, "error");
    } finally {
      starting = false;
    }
  };
}

/** `firstRun`: no rooms yet, so talking to the Assistant leads. */
export function FirstSteps(props: { firstRun: boolean }) {
  const startChat = useStartChat();
  return (
    <div class="empty-actions">
      <Show when={props.firstRun}>
        <button type="button" class="btn btn-primary" onClick={() => startChat(ASSISTANT)}>
          <Icon name="sparkles" /> Chat with the Assistant
        </button>
      </Show>
      <A href="/rooms/new" class="btn" classList={{ "btn-primary": !props.firstRun }}>
        <Icon name="plus" /> New room
      </A>
      <A href="/characters" class="btn">
        <Icon name="users" /> Browse characters
      </A>
    </div>
  );
}
