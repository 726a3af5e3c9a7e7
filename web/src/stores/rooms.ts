// The signed-in user's room list for the sidebar: newest activity first, with last-message
// previews, unread counts and search. The server is the source of truth; between refreshes the
// open room reports its own traffic here so the list stays current without a user-level socket.
import { createStore, produce } from "solid-js/store";
import type { Message, Room, RoomListItem } from "../../../shared/wire";
import { api, describeError, type SearchResult } from "../api";
import { loadPlainText, plainPreview } from "../format";

type Deps = {
  list: typeof api.rooms;
  search: typeof api.search;
};

type State = {
  rooms: RoomListItem[];
  nextCursor: string | null;
  loading: boolean;
  loaded: boolean;
  error: string | null;
  query: string;
  /** Message hits for the current query (rooms are filtered by the same query server-side). */
  hits: SearchResult[];
};

const activity = (r: RoomListItem) => r.lastMessage?.createdAt ?? r.updatedAt;

export function createRoomListStore(deps: Deps = { list: api.rooms, search: api.search }) {
  const [state, setState] = createStore<State>({
    rooms: [],
    nextCursor: null,
    loading: false,
    loaded: false,
    error: null,
    query: "",
    hits: [],
  });
  let controller: AbortController | undefined;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  /** Rooms whose unread count we know is zero because they are open. */
  let openRoom: string | null = null;

  const sort = (list: RoomListItem[]) => [...list].sort((a, b) => (activity(a) < activity(b) ? 1 : activity(a) > activity(b) ? -1 : 0));

  async function refresh() {
    controller?.abort();
    const ctl = (controller = new AbortController());
    const q = state.query.trim();
    setState({ loading: true, error: null });
    try {
      const [page, hits] = await Promise.all([
        deps.list({ q: q || undefined }, ctl.signal),
        q.length >= 2 ? deps.search(q, ctl.signal).then((r) => r.results) : Promise.resolve([]),
        // Previews are plain text from Markdown: the parser arrives with the first list.
        loadPlainText(),
      ]);
      if (ctl.signal.aborted) return;
      const rooms = page.rooms.map((r) => (r.id === openRoom ? { ...r, unread: 0 } : r));
      setState({ rooms, nextCursor: page.nextCursor, hits, loading: false, loaded: true });
    } catch (err) {
      if (ctl.signal.aborted) return;
      setState({ loading: false, loaded: true, error: describeError(err) });
    }
  }

  return {
    state,
    refresh,

    async loadMore() {
      if (!state.nextCursor || state.loading) return;
      setState("loading", true);
      try {
        const page = await deps.list({ q: state.query.trim() || undefined, cursor: state.nextCursor });
        const known = new Set(state.rooms.map((r) => r.id));
        setState({ rooms: [...state.rooms, ...page.rooms.filter((r) => !known.has(r.id))], nextCursor: page.nextCursor });
      } catch (err) {
        setState("error", describeError(err));
      } finally {
        setState("loading", false);
      }
    },

    setQuery(q: string) {
      setState("query", q);
      clearTimeout(debounce);
      debounce = setTimeout(refresh, 250);
    },

    /** The room being viewed: its unread count is zero while it is open. */
    setOpen(roomId: string | null) {
      openRoom = roomId;
      if (roomId) setState("rooms", (r) => r.id === roomId, "unread", 0);
    },

    /** Live traffic from the open room moves it to the top with a fresh preview. */
    noteMessage(roomId: string, message: Message) {
      const i = state.rooms.findIndex((r) => r.id === roomId);
      if (i < 0) return;
      const cur = state.rooms[i]?.lastMessage;
      if (cur && cur.seq > message.seq) return;
      setState(
        "rooms",
        i,
        produce((r) => {
          r.lastMessage = message;
          r.lastSeq = Math.max(r.lastSeq, message.seq);
          // The server names an untitled room after its first message when it stores it;
          // name it the same way here until the next refresh brings that title.
          if (!r.title && message.author.kind === "user") r.title = plainPreview(message.content, 60) || "New chat";
        }),
      );
      setState("rooms", (list) => sort(list));
    },

    upsertRoom(room: Room) {
      const i = state.rooms.findIndex((r) => r.id === room.id);
      if (i >= 0) setState("rooms", i, (r) => ({ ...r, ...room }));
      else setState("rooms", (list) => sort([{ ...room, lastMessage: null, unread: 0 }, ...list]));
    },

    removeRoom(roomId: string) {
      setState("rooms", (list) => list.filter((r) => r.id !== roomId));
    },
  };
}

export type RoomListStore = ReturnType<typeof createRoomListStore>;
