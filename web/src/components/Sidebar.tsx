// The sidebar: brand, new-room button, search, the room list and the signed-in user's menu
// (signing out asks first).
// On a phone's home screen it is the whole page: then it is the main landmark with an h1.
import { A, useNavigate } from "@solidjs/router";
import { onCleanup, onMount, Show } from "solid-js";
import { Dynamic } from "solid-js/web";
import { MAX_ROOM_QUERY } from "../../../shared/wire";
import { useRooms } from "../context";
import { focusTitleOnArrival } from "../focus-arrival";
import { askForNotifications, notificationPermission } from "../notify";
import { createOnline } from "../online";
import { session, signOutEverywhere } from "../session";
import { signOutWarning } from "../stores/outbox";
import { Avatar } from "./Avatar";
import { ConfirmButton } from "./ConfirmButton";
import { FirstSteps } from "./FirstSteps";
import { Icon } from "./Icon";
import { RoomList } from "./RoomList";

export function Sidebar(props: { asMain?: boolean }) {
  const rooms = useRooms();
  const online = createOnline();
  const navigate = useNavigate();
  const user = () => session.user();
  let search!: HTMLInputElement;
  // What a search found, said to a screen reader once it is in (the lists show it to the eye).
  const searchSummary = () => {
    const { query, loaded, loading, loadingHits, rooms: found, hits, hitsCursor } = rooms.state;
    if (!query || !loaded || loading || loadingHits) return "";
    if (found.length === 0 && hits.length === 0) return `Nothing matches “${query}”.`;
    const count = (n: number, what: string, more = false) => `${n}${more ? " or more" : ""} ${what}${n === 1 && !more ? "" : "s"}`;
    return `${count(found.length, "room")} and ${count(hits.length, "message", !!hitsCursor)} match “${query}”.`;
  };

  // Ctrl+K / ⌘K jumps to search from anywhere, as in most chat apps.
  onMount(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key.toLowerCase() === "k" && (e.ctrlKey || e.metaKey) && !e.altKey) {
        e.preventDefault();
        search.focus();
        search.select();
      }
    };
    document.addEventListener("keydown", onKey);
    onCleanup(() => document.removeEventListener("keydown", onKey));
  });

  return (
    <Dynamic component={props.asMain ? "main" : "aside"} class="sidebar" aria-label="Rooms and account">
      <Show when={props.asMain}>
        <ListTitle />
      </Show>
      <header class="sidebar-head">
        <A href="/" class="brand" aria-label="Parlor home">
          <span class="brand-mark" aria-hidden="true">
            <Icon name="chat" />
          </span>
          Parlor
        </A>
        <A href="/rooms/new" class="btn btn-primary btn-sm" aria-label="New room">
          <Icon name="plus" /> New
        </A>
      </header>
      <search class="sidebar-search">
        <Icon name="search" class="search-icon" />
        <label class="sr-only" for="room-search">
          Search rooms and messages
        </label>
        <input
          ref={search}
          id="room-search"
          aria-keyshortcuts="Control+K Meta+K"
          class="input search-input"
          type="search"
          placeholder="Search"
          autocomplete="off"
          maxLength={MAX_ROOM_QUERY}
          value={rooms.state.query}
          onInput={(e) => rooms.setQuery(e.currentTarget.value)}
          onKeyDown={(e) => {
            // Escape clears the search; the focus stays in the box (blurred, it fell to the page).
            if (e.key === "Escape") rooms.setQuery("");
          }}
        />
      </search>
      <div class="sidebar-list">
        {/* Offline the list is not live, which it says; a failed read then is what is expected:
            said calmly, and it reads again once back. */}
        <Show when={!online()}>
          <p class="sidebar-note muted" role="status">
            You're offline. Your rooms update when you're back.
          </p>
        </Show>
        <Show when={rooms.state.error && online()}>
          <div class="alert sidebar-alert" role="alert">
            <Icon name="alert" />
            <span>
              Couldn't load your rooms: {rooms.state.error}{" "}
              <button type="button" class="link-btn" onClick={() => rooms.refresh()}>
                Try again
              </button>
            </span>
          </div>
        </Show>
        <Show when={!rooms.state.loaded}>
          <div class="skeleton-list" aria-hidden="true">
            <div class="skeleton-row" />
            <div class="skeleton-row" />
            <div class="skeleton-row" />
          </div>
        </Show>
        <Show when={rooms.state.loaded && rooms.state.rooms.length === 0 && rooms.state.hits.length === 0 && !rooms.state.error}>
          <div class="sidebar-empty">
            <Show
              when={rooms.state.query}
              fallback={
                <>
                  <p>No rooms yet. Ask the Assistant something, start a room and invite someone, or pick an AI character.</p>
                  <FirstSteps firstRun />
                </>
              }
            >
              <p>Nothing matches “{rooms.state.query}”.</p>
            </Show>
          </div>
        </Show>
        <p class="sr-only" role="status">
          {searchSummary()}
        </p>
        <RoomList
          rooms={rooms.state.rooms}
          hits={rooms.state.hits}
          query={rooms.state.query}
          myId={user()?.id}
          myUsername={user()?.username}
          moreRooms={rooms.state.nextCursor ? { load: () => rooms.loadMore(), busy: rooms.state.loading } : undefined}
          moreHits={rooms.state.hitsCursor ? { load: () => rooms.loadMoreHits(), busy: rooms.state.loadingHits } : undefined}
        />
      </div>
      <footer class="sidebar-foot">
        <Show when={user()}>
          {(u) => (
            <div class="me">
              <Avatar id={u().id} name={u().displayName || u().username} size={32} />
              <span class="me-names">
                <span class="me-name">{u().displayName || u().username}</span>
                <span class="me-handle">@{u().username}</span>
              </span>
            </div>
          )}
        </Show>
        <div class="foot-actions">
          <Show when={notificationPermission() === "default"}>
            <button
              type="button"
              class="icon-btn"
              aria-label="Notify me of mentions"
              title="Notify me when someone mentions me"
              onClick={() => void askForNotifications()}
            >
              <Icon name="bell" />
            </button>
          </Show>
          <A href="/characters" class="icon-btn" aria-label="AI characters" title="AI characters">
            <Icon name="sparkles" />
          </A>
          <A href="/account" class="icon-btn" aria-label="Account and sessions" title="Account and sessions">
            <Icon name="settings" />
          </A>
          {/* Asks first: a stray tap beside Account must not sign anyone out. */}
          <ConfirmButton
            class="icon-btn"
            label="Sign out"
            title="Sign out"
            confirmLabel="Sign out"
            warning={signOutWarning(user()?.id)}
            onConfirm={async () => {
              await signOutEverywhere(false);
              navigate("/signin");
            }}
          >
            <Icon name="logout" />
          </ConfirmButton>
        </div>
      </footer>
    </Dynamic>
  );
}

/** The phone's room list as a page of its own: arriving there ("Back to rooms"), the focus starts
 * at its title. */
function ListTitle() {
  let title: HTMLHeadingElement | undefined;
  focusTitleOnArrival(
    () => title,
    () => title?.closest("main") ?? undefined,
  );
  return (
    <h1 class="sr-only" ref={title} tabIndex={-1}>
      Your rooms
    </h1>
  );
}
