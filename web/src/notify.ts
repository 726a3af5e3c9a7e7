// Browser notifications for mentions: a message that names you (@username) while this tab is
// hidden raises one, if you allowed them (the sidebar's bell asks, on a click; a browser only
// asks after a gesture). One per message (its id is the tag), and a click brings the tab back
// at that room.
import { createSignal } from "solid-js";
import type { Message, RoomListItem } from "../../shared/wire";
import { plainPreview, roomTitle } from "./format";

const supported = () => typeof Notification !== "undefined";

const [permission, setPermission] = createSignal<NotificationPermission | "unsupported">(
  supported() ? Notification.permission : "unsupported",
);

/** "default" until asked, then "granted" or "denied"; "unsupported" without the API. */
export { permission as notificationPermission };

// Allowed or blocked in the browser's site settings meanwhile: read again when the tab is back.
globalThis.addEventListener?.("focus", () => setPermission(supported() ? Notification.permission : "unsupported"));

export async function askForNotifications(): Promise<void> {
  if (!supported()) return;
  setPermission(await Notification.requestPermission());
}

/** Raises a notification for `message` in `room` if the tab is hidden and it is allowed. */
export function notifyMention(room: RoomListItem, message: Message, open: (roomId: string) => void): void {
  if (!supported() || Notification.permission !== "granted" || document.visibilityState !== "hidden") return;
  const note = new Notification(`${message.author.name} mentioned you in ${roomTitle(room)}`, {
    body: plainPreview(message.content, 140),
    tag: message.id,
  });
  note.onclick = () => {
    window.focus();
    open(room.id);
    note.close();
  };
}
