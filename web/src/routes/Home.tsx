// What the main pane shows with no room open (on wide screens; phones show the list instead).
import { A } from "@solidjs/router";
import { onMount } from "solid-js";
import { Icon } from "../components/Icon";

export default function Home() {
  onMount(() => (document.title = "Parlor"));
  return (
    <div class="empty-state">
      <div class="empty-mark" aria-hidden="true">
        <Icon name="chat" />
      </div>
      <h1>Pick a room, or start a new one</h1>
      <p>Talk with friends in real time, bring an AI character along, or chat one-to-one with an assistant.</p>
      <div class="empty-actions">
        <A href="/rooms/new" class="btn btn-primary">
          <Icon name="plus" /> New room
        </A>
        <A href="/characters" class="btn">
          <Icon name="sparkles" /> Browse characters
        </A>
      </div>
    </div>
  );
}
