// What the main pane shows with no room open (on wide screens; phones show the list instead):
// for someone with no rooms yet, a welcome that leads to the Assistant.
import { onMount } from "solid-js";
import { FirstSteps } from "../components/FirstSteps";
import { Icon } from "../components/Icon";
import { useRooms } from "../context";
import { focusTitleOnArrival } from "../focus-arrival";

export default function Home() {
  const rooms = useRooms();
  const firstRun = () => rooms.state.loaded && !rooms.state.query && rooms.state.rooms.length === 0 && !rooms.state.error;
  onMount(() => (document.title = "Parlor"));
  let title: HTMLHeadingElement | undefined;
  let screen: HTMLDivElement | undefined;
  focusTitleOnArrival(
    () => title,
    () => screen,
  );
  return (
    <div class="empty-state is-home" ref={screen}>
      <div class="empty-mark" aria-hidden="true">
        <Icon name="chat" />
      </div>
      <h1 ref={title} tabIndex={-1}>
        {firstRun() ? "Welcome to Parlor" : "Pick a room, or start a new one"}
      </h1>
      <p>
        {firstRun()
          ? "Ask the Assistant anything and watch its answer stream in, or start a room and invite people: everyone in it sees each message the moment it is sent."
          : "Talk with friends in real time, bring an AI character along, or chat one-to-one with one of them."}
      </p>
      <FirstSteps firstRun={firstRun()} />
    </div>
  );
}
