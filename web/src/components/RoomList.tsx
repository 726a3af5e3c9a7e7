// The list of rooms in the sidebar: title, last-message preview, time and unread badge, the
// open room marked with aria-current. Message search hits show beneath when a query is typed,
// their matching words marked; a hit opens its room at that message. Either list, when it has
// another page, ends in a button that loads it.
import { A, useMatch } from "@solidjs/router";
import { For, Show } from "solid-js";
import { truncate } from "../../../shared/text";
import type { RoomListItem } from "../../../shared/wire";
import type { SearchResult } from "../api";
import { previewLine, roomTitle, searchSnippet, shortTime } from "../format";
import { Avatar } from "./Avatar";

export function RoomRow(props: { room: RoomListItem; myId?: string; myUsername?: string }) {
  const active = useMatch(() => `/rooms/${props.room.id}/*`);
  const when = () => props.room.lastMessage?.createdAt ?? props.room.updatedAt;
  const unread = () => (active() ? 0 : props.room.unread);
  const preview = () => previewLine(props.room.lastMessage, props.myId, props.myUsername, props.room.peer?.id);
  const count = () => (unread() > 99 ? "99+" : String(unread()));
  // Read out as one line, "Plans, 12:40, Bob: see you, 3 unread". Built from the parts' text,
  // since the browser joins parts laid out apart with a space of its own ("Plans , 12:40 , …").
  const name = () =>
    [roomTitle(props.room), shortTime(when()), preview(), unread() > 0 ? `${count()} unread` : ""].filter(Boolean).join(", ");
  return (
    <li>
      <A
        href={`/rooms/${props.room.id}`}
        class="room-row"
        classList={{ "is-active": !!active(), "is-unread": unread() > 0 }}
        aria-label={name()}
      >
        <Avatar
          id={props.room.characterId ?? props.room.peer?.id ?? props.room.id}
          name={roomTitle(props.room)}
          ai={!!props.room.characterId}
          emoji={props.room.characterAvatar}
          size={40}
        />
        <span class="room-row-body">
          <span class="room-row-top">
            <span class="room-row-title">{roomTitle(props.room)}</span>
            <time class="room-row-time" datetime={when()}>
              {shortTime(when())}
            </time>
          </span>
          <span class="room-row-bottom">
            <span class="room-row-preview" dir="auto">
              {preview()}
            </span>
            <Show when={unread() > 0}>
              <span class="badge">
                {count()}
                <span class="sr-only"> unread</span>
              </span>
            </Show>
          </span>
        </span>
      </A>
    </li>
  );
}

type More = { load: () => void; busy: boolean };

/** "Show more …" under a list that has another page (`more` given), inert while it loads but
 * keeping the focus (aria-disabled); once the page is in, a keyboard user goes on at its first
 * new item (the button may be gone: that was the last page). */
function MoreButton(props: { more?: More; label: string }) {
  let button: HTMLButtonElement | undefined;
  const load = (more: More) => {
    if (more.busy) return;
    const list = button?.previousElementSibling;
    const had = list?.querySelectorAll("a").length ?? 0;
    const wasFocused = document.activeElement === button;
    more.load();
    if (!wasFocused) return;
    // Moved on as soon as the new items are there (a load gives up after a few seconds).
    const start = Date.now();
    const settle = () => {
      const at = document.activeElement;
      if (at && at !== button && at !== document.body) return;
      const next = list?.querySelectorAll<HTMLElement>("a")[had];
      if (next) next.focus();
      else if (Date.now() - start < 10_000) setTimeout(settle, 50);
    };
    setTimeout(settle, 0);
  };
  return (
    <Show when={props.more}>
      {(more) => (
        <button
          ref={button}
          type="button"
          class="btn btn-ghost btn-block"
          aria-disabled={more().busy ? "true" : undefined}
          onClick={() => load(more())}
        >
          {more().busy ? "Loading…" : props.label}
        </button>
      )}
    </Show>
  );
}

export function RoomList(props: {
  rooms: RoomListItem[];
  hits: SearchResult[];
  query: string;
  myId?: string;
  myUsername?: string;
  moreRooms?: More;
  moreHits?: More;
}) {
  return (
    <>
      <Show when={props.query && props.rooms.length > 0}>
        <h2 class="list-heading">Rooms</h2>
      </Show>
      <ul class="room-list" aria-label="Rooms">
        <For each={props.rooms}>{(room) => <RoomRow room={room} myId={props.myId} myUsername={props.myUsername} />}</For>
      </ul>
      <MoreButton more={props.moreRooms} label="Show more rooms" />
      <Show when={props.hits.length > 0}>
        <h2 class="list-heading">Messages</h2>
        <ul class="room-list" aria-label="Matching messages">
          <For each={props.hits}>
            {(hit) => (
              <li>
                <A href={`/rooms/${hit.room.id}?at=${hit.message.seq}`} class="hit-row">
                  <span class="room-row-top">
                    <span class="hit-room">{roomTitle(hit.room)}</span>
                    <time class="room-row-time" datetime={hit.message.createdAt}>
                      {shortTime(hit.message.createdAt)}
                    </time>
                  </span>
                  <span class="hit-text">
                    {/* A long name is cut, so the two lines still show what matched. */}
                    <strong>
                      {hit.message.author.id === props.myId ? "You" : truncate(hit.message.author.name, 24)}
                      {hit.message.author.kind === "system" ? "" : ":"}
                    </strong>{" "}
                    <For each={searchSnippet(hit.message.content, props.query)}>
                      {(part) => (part.match ? <mark>{part.text}</mark> : part.text)}
                    </For>
                  </span>
                </A>
              </li>
            )}
          </For>
        </ul>
        <MoreButton more={props.moreHits} label="Show more messages" />
      </Show>
    </>
  );
}
