// The signed-in user's room list for the sidebar: newest activity first, with last-message
// previews, unread counts and search. A REST page is the snapshot; the person's channel
// (stores/channel.ts) applies what changed since on top of it (rooms added, changed, gone,
// other rooms' activity, reads in other tabs), and the open room reports its own traffic.
// Unread counts move with each room's lastSeq: unread = lastSeq - what was read. A mention of
// you in a new message is handed to `onMention` (the browser notification, notify.ts).
import { createStore, produce } from "solid-js/store";
import { withoutUnsafeNameChars } from "../../../shared/text";
import type { Message, Room, RoomActivity, RoomListItem } from "../../../shared/wire";
import { api, describeError, type SearchResult } from "../api";
import { loadPlainText, plainPreview } from "../format";
import { mentions } from "../mentions";

type Deps = {
  list: typeof api.rooms;
  search: typeof api.search;
  /** Who is signed in: their own messages count as read, and name them in mentions. */
  me?: () => { id: string; username: string } | null;
  onMention?: (room: RoomListItem, message: Message) => void;
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
  hitsCursor: string | null; // where the next page of hits starts (null: none)
  loadingHits: boolean;
  tabs: number; // how many of this person's tabs have their channel open, this one included
};

/** A snapshot's row, unless the list already holds a newer state of the room (a channel frame
 * that overtook the snapshot, or the history store still behind the room): then that one. Its
 * unread count is the lower of the two bounds: the snapshot's plus the messages it has not got
 * yet, and the list's own, which knows of reads past the snapshot (a room read in another tab). */
function newerOf(row: RoomListItem, known: RoomListItem[]): RoomListItem {
  const cur = known.find((r) => r.id === row.id);
  if (!cur || cur.lastSeq <= row.lastSeq) return row;
  const unread = Math.min(cur.unread, row.unread + (cur.lastSeq - row.lastSeq));
  return { ...row, lastSeq: cur.lastSeq, lastMessage: cur.lastMessage, unread };
}

export const PREVIEW_DELAY_MS = 2000; // after a read past the list's preview, the list is read again

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
    hitsCursor: null,
    loadingHits: false,
    tabs: 1,
  });
  let controller: AbortController | undefined;
  let debounce: ReturnType<typeof setTimeout> | undefined;
  let snapshotSoon: ReturnType<typeof setTimeout> | undefined;
  const debounceRefresh = () => {
    clearTimeout(snapshotSoon);
    snapshotSoon = setTimeout(refresh, 300);
  };
  /** The list read again once the history store has caught up (its copy lags the room by about a
   * second), in a visible tab; not under a search, which the list then is (clearing it reads). */
  let previewTimer: ReturnType<typeof setTimeout> | undefined;
  const previewSoon = () => {
    if (previewTimer !== undefined || state.query.trim()) return;
    previewTimer = setTimeout(function readAgain() {
      if (document.hidden) return document.addEventListener("visibilitychange", readAgain, { once: true });
      previewTimer = undefined;
      if (!state.query.trim()) void refresh(); // a search begun meanwhile is a list of its own
    }, PREVIEW_DELAY_MS);
  };
  /** The room on screen: read while the tab shows (stores/read.ts marks it so); in a hidden tab
   * its new messages count as unread, in the tab's title too, until the tab is shown again. */
  let openRoom: string | null = null;
  const viewing = (id: string) => id === openRoom && document.visibilityState === "visible";
  document.addEventListener(
    "visibilitychange",
    () => openRoom && viewing(openRoom) && setState("rooms", (r) => r.id === openRoom, "unread", 0),
  );
  // A snapshot read while a channel frame adds or removes a room may predate that frame: each
  // refresh has a number, and what a frame did during it outlives the snapshot's answer.
  let generation = 0;
  const framedAt = new Map<string, { gen: number; gone: boolean }>();
  const framed = (id: string, gone: boolean) => framedAt.set(id, { gen: generation, gone });

  const sort = (list: RoomListItem[]) => [...list].sort((a, b) => (activity(a) < activity(b) ? 1 : activity(a) > activity(b) ? -1 : 0));

  async function refresh() {
    controller?.abort();
    const ctl = (controller = new AbortController());
    const gen = ++generation;
    const q = state.query.trim();
    setState({ loading: true, loadingHits: false, error: null });
    try {
      const [page, hits] = await Promise.all([
        deps.list({ q: q || undefined }, ctl.signal),
        q.length >= 2 ? deps.search(q, ctl.signal) : Promise.resolve({ results: [], nextCursor: null }),
        // Previews are plain text from Markdown: the parser arrives with the first list.
        loadPlainText(),
      ]);
      if (ctl.signal.aborted) return;
      const during = (id: string) => ((framedAt.get(id)?.gen ?? -1) >= gen ? framedAt.get(id) : undefined);
      const listed = new Set(page.rooms.map((r) => r.id));
      const rooms = page.rooms
        .filter((r) => !during(r.id)?.gone)
        .map((r) => (viewing(r.id) ? { ...newerOf(r, state.rooms), unread: 0 } : newerOf(r, state.rooms)));
      const added = state.rooms.filter((r) => !listed.has(r.id) && during(r.id)?.gone === false);
      setState({
        rooms: sort([...added, ...rooms]),
        nextCursor: page.nextCursor,
        hits: hits.results,
        hitsCursor: hits.nextCursor,
        loadingHits: false,
        loading: false,
        loaded: true,
      });
    } catch (err) {
      if (ctl.signal.aborted) return;
      setState({ loading: false, loaded: true, error: describeError(err) });
    }
  }

  /** Moves a room to `lastSeq` with `lastMessage`; unread grows by the messages in between. */
  function advance(i: number, lastSeq: number, message: Message | null, readSeq = 0) {
    const cur = state.rooms[i];
    if (!cur || lastSeq < cur.lastSeq || (lastSeq === cur.lastSeq && !message)) return;
    const mine = message && message.seq === lastSeq && message.author.id === deps.me?.()?.id;
    setState(
      "rooms",
      i,
      produce((r) => {
        // Your own messages count as read: a reply right after yours leaves one unread, not two.
        const grown = r.unread + (lastSeq - r.lastSeq);
        r.unread = viewing(r.id) || mine ? 0 : readSeq ? Math.max(0, Math.min(grown, lastSeq - readSeq)) : grown;
        r.lastSeq = lastSeq;
        if (message && (!r.lastMessage || r.lastMessage.seq <= message.seq)) r.lastMessage = message;
        // The server names an untitled room after its first message when it stores it (not a
        // direct chat: see `peer`); name it the same way here until the next refresh brings it.
        if (!r.title && !r.peer && message?.author.kind === "user")
          r.title = withoutUnsafeNameChars(plainPreview(message.content, 60)).trim() || "New chat";
      }),
    );
    setState("rooms", (list) => sort(list));
  }

  /** A new message in a room of ours that names us: told once, never for our own. */
  function mentionSeen(roomId: string, message: Message) {
    const me = deps.me?.();
    const room = state.rooms.find((r) => r.id === roomId);
    if (me && room && message.author.id !== me.id && mentions(message.content, me.username)) deps.onMention?.(room, message);
  }

  return {
    state,
    /** Reads the list again once the history store has caught up with the rooms (see previewSoon). */
    readAgainSoon: previewSoon,
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

    /** The next page of message hits for the same query; dropped if the query changed meanwhile. */
    async loadMoreHits() {
      const [cursor, gen] = [state.hitsCursor, generation];
      if (!cursor || state.loadingHits) return;
      setState("loadingHits", true);
      try {
        const page = await deps.search(state.query.trim(), controller?.signal, cursor);
        if (gen !== generation) return;
        const key = (h: SearchResult) => `${h.room.id}/${h.message.seq}`;
        const known = new Set(state.hits.map(key));
        setState({ hits: [...state.hits, ...page.results.filter((h) => !known.has(key(h)))], hitsCursor: page.nextCursor });
      } catch (err) {
        if (gen === generation) setState("error", describeError(err));
      } finally {
        if (gen === generation) setState("loadingHits", false);
      }
    },

    setQuery(q: string) {
      setState("query", q);
      clearTimeout(debounce);
      debounce = setTimeout(refresh, 250);
    },

    /** The room being viewed: its unread count is zero while it is open. */
    setOpen(roomId: string) {
      openRoom = roomId;
      setState("rooms", (r) => r.id === roomId, "unread", 0);
    },

    /** The room left (the next one may have opened already), read up to `readSeq`: what came
     * after counts as unread (it arrived while the reader was scrolled up). */
    setClosed(roomId: string, readSeq: number) {
      if (openRoom === roomId) openRoom = null;
      if (readSeq > 0)
        setState(
          "rooms",
          (r) => r.id === roomId,
          produce((r) => void (r.unread = Math.max(0, r.lastSeq - readSeq))),
        );
    },

    /** How far the room was read, as this list knows it (undefined if it does not list it). */
    readUpTo(roomId: string): number | undefined {
      const r = state.rooms.find((x) => x.id === roomId);
      return r && r.lastSeq - r.unread;
    },

    /** Live traffic from the open room moves it to the top with a fresh preview. */
    noteMessage(roomId: string, message: Message) {
      const i = state.rooms.findIndex((r) => r.id === roomId);
      const cur = state.rooms[i];
      if (!cur || (cur.lastMessage && cur.lastMessage.seq > message.seq)) return;
      if (message.seq > cur.lastSeq && message.author.kind === "user") mentionSeen(roomId, message);
      advance(i, Math.max(cur.lastSeq, message.seq), message);
    },

    /** Another room's traffic, from the channel (coalesced: one per room per second at most). */
    noteActivity(activity: RoomActivity) {
      if (activity.roomId === openRoom) return; // its own socket told this list already
      const i = state.rooms.findIndex((r) => r.id === activity.roomId);
      if (i < 0) return void (activity.lastSeq > 0 && debounceRefresh());
      if (activity.mention) mentionSeen(activity.roomId, activity.mention);
      advance(i, activity.lastSeq, activity.lastMessage, activity.readSeq);
    },

    /** You read a room up to `seq` (here or in another tab). Read past what this list knew of
     * (the room was open elsewhere, which gets no activity meanwhile): the room is there now, so
     * the next activity adds only what came after, and its preview and place are read again. */
    noteRead(roomId: string, seq: number) {
      const known = state.rooms.find((r) => r.id === roomId);
      if (known && seq > known.lastSeq && roomId !== openRoom) previewSoon();
      setState(
        "rooms",
        (r) => r.id === roomId,
        produce((r) => {
          r.lastSeq = Math.max(r.lastSeq, seq);
          r.unread = Math.min(r.unread, r.lastSeq - seq);
        }),
      );
    },

    /** A room created, joined or changed: new ones arrive unread up to their lastSeq. */
    upsertRoom(room: Room) {
      framed(room.id, false);
      const i = state.rooms.findIndex((r) => r.id === room.id);
      if (i >= 0) {
        const character = state.rooms[i]?.characterId;
        // Its new messages (a notice of the change among them) come with activity frames and the
        // open room, which count them as unread: taking the frame's lastSeq would skip them.
        setState("rooms", i, (r) => ({ ...r, ...room, lastSeq: r.lastSeq }));
        // Another character: its avatar comes with the next snapshot (the frame has none). An
        // untitled room's frame (members came or went) may make or unmake a direct chat: who
        // the other person is comes with it too.
        if (character !== room.characterId) setState("rooms", i, "characterAvatar", null);
        if (character !== room.characterId || !room.title) debounceRefresh();
      } else {
        // Joined: the server counts as read what came before you (the notice saying who added
        // you is the one unread); the next snapshot says for sure.
        const unread = room.ownerId === deps.me?.()?.id ? 0 : Math.min(room.lastSeq, 1);
        setState("rooms", (list) => sort([{ ...room, lastMessage: null, unread }, ...list]));
        // Its last message, its character's avatar and, untitled, who the other person in a
        // direct chat is come with the next snapshot (a room frame carries none of them).
        if (room.lastSeq > 0 || room.characterId || !room.title) debounceRefresh();
      }
    },

    /** The channel's count of this person's tabs (its `ready` and `tabs` frames). */
    setTabs: (count: number) => setState("tabs", count),

    removeRoom(roomId: string) {
      framed(roomId, true);
      setState("rooms", (list) => list.filter((r) => r.id !== roomId));
    },
  };
}

export type RoomListStore = ReturnType<typeof createRoomListStore>;
