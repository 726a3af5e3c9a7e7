// The signed-in person's channel (GET /api/me/ws, docs/API.md "The channel"): one socket per
// tab that keeps the room list live. Every time it is ready (the first connect and each
// reconnect) the list is read again over REST, the snapshot; the frames that follow are
// applied on top of it. While the channel is down the list falls back to a slow poll.
import { type Accessor, onCleanup } from "solid-js";
import { CHANNEL_SOCKET_PATH, type ChannelFrame, CloseCode, parseChannelFrame, tokenProtocols, unhandled } from "../../../shared/wire";
import { createSocket, type SocketOptions, type SocketStatus } from "../socket";
import type { RoomListStore } from "./rooms";

/** How often the list is read while the channel is down (it is not read at all while up). */
export const FALLBACK_POLL_MS = 60_000;

type Deps = {
  rooms: RoomListStore;
  token: () => string | null;
  /** The server ended this session (logout elsewhere, sign out everywhere, a password change). */
  ended: () => void;
  socket?: Partial<SocketOptions<ChannelFrame>>;
};

function defaultUrl(): string {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${location.host}${CHANNEL_SOCKET_PATH}`;
}

/** Applies one channel frame to the room list. */
export function applyChannelFrame(rooms: RoomListStore, frame: ChannelFrame): void {
  switch (frame.type) {
    case "ready":
      rooms.setTabs(frame.tabs);
      void rooms.refresh();
      // The snapshot comes from the history store, written a moment behind the rooms: a message
      // posted just before this tab connected may not be in it, and its activity went before
      // the tab was listening. A second read, once the store has caught up, brings it.
      rooms.readAgainSoon();
      return;
    case "tabs":
      rooms.setTabs(frame.count);
      return;
    case "room":
      rooms.upsertRoom(frame.room);
      return;
    case "room_gone":
      rooms.removeRoom(frame.roomId);
      return;
    case "activity":
      for (const activity of frame.rooms) rooms.noteActivity(activity);
      return;
    case "read":
      rooms.noteRead(frame.roomId, frame.seq);
      return;
    case "pong":
      return;
    default:
      unhandled(frame);
  }
}

/** Opens the channel for the owner's lifetime; returns its status. */
export function createChannel(deps: Deps): { status: Accessor<SocketStatus> } {
  const socket = createSocket<ChannelFrame>({
    url: () => (deps.token() ? defaultUrl() : null),
    protocols: () => {
      const token = deps.token();
      return token ? tokenProtocols(token) : [];
    },
    parse: parseChannelFrame,
    onFrame: (frame) => applyChannelFrame(deps.rooms, frame),
    // The session was ended (logout, sign out everywhere, a password change): its token opens
    // nothing any more, so the channel stops trying, and the tab signs out now, on whatever
    // screen it is (a room's own socket says so too, but not every screen has one).
    finalCodes: [CloseCode.sessionEnded],
    onClose: (code) => code === CloseCode.sessionEnded && deps.ended(),
    ...deps.socket,
  });
  const poll = setInterval(() => {
    if (socket.status() !== "open" && document.visibilityState === "visible") void deps.rooms.refresh();
  }, FALLBACK_POLL_MS);
  onCleanup(() => clearInterval(poll));
  return { status: socket.status };
}
