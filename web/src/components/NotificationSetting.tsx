// The account page's word on mention notifications: on, off with a way to turn them on, or
// blocked by the browser with where to allow them (the sidebar's bell is gone by then).
import { Match, Switch } from "solid-js";
import { askForNotifications, notificationPermission } from "../notify";

export function NotificationSetting() {
  return (
    <Switch>
      <Match when={notificationPermission() === "granted"}>
        <p class="muted">On: someone mentioning you raises a notification while Parlor's tab is in the background.</p>
      </Match>
      <Match when={notificationPermission() === "denied"}>
        <p class="muted">
          Blocked by your browser. To be told of mentions, allow notifications for this site in the browser's site settings (the icon beside
          the address), then come back to this tab.
        </p>
      </Match>
      <Match when={notificationPermission() === "default"}>
        <p class="muted">Be told when someone mentions you while Parlor's tab is in the background.</p>
        <div class="form-actions row-actions">
          <button type="button" class="btn" onClick={() => void askForNotifications()}>
            Turn on notifications
          </button>
        </div>
      </Match>
      <Match when={notificationPermission() === "unsupported"}>
        <p class="muted">This browser cannot show notifications.</p>
      </Match>
    </Switch>
  );
}
