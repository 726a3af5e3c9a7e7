// A room's screen when the room is not there or not yours.
import { A } from "@solidjs/router";
import { Icon } from "./Icon";

/** In place of a room that is not there or not yours: no header, log or composer to suggest
 * otherwise; an alert, so a screen reader hears it when it replaces the loading room. */
export function ClosedDoor(props: { title: string; detail: string }) {
  return (
    <div class="empty-state" role="alert">
      <div class="empty-mark" aria-hidden="true">
        <Icon name="alert" />
      </div>
      <h1 id="room-title">{props.title}</h1>
      <p>{props.detail}</p>
      <A href="/" class="btn btn-primary">
        Back to your rooms
      </A>
    </div>
  );
}

/** A screen that could not be shown: its code not fetched (offline before it was, or a new
 * release replaced it) or its render failed. Loading the app again is what helps. */
export function ScreenFailed() {
  return (
    <div class="empty-state" role="alert">
      <div class="empty-mark" aria-hidden="true">
        <Icon name="alert" />
      </div>
      <h1>Couldn't open this screen</h1>
      <p>Check your connection, then try again.</p>
      <button type="button" class="btn btn-primary" onClick={() => location.reload()}>
        Try again
      </button>
    </div>
  );
}
