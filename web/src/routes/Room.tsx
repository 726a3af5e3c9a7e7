// The chat screen: header (title, character, who is online, connection state, settings), the
// message log, who is typing, and the composer. A room store per open room; switching rooms
// disposes the old one (and its socket) and builds a new one. `?at=SEQ` (a search hit) opens
// the room at that message. Only the log scrolls: a wheel over the header or the composer
// scrolls the log too, and never the page. A room that cannot be opened (not there, or not
// yours) is only that: what happened and the way back to the rooms.
import { A, useNavigate, useParams, useSearchParams } from "@solidjs/router";
import { createEffect, createMemo, createResource, createSignal, For, on, onCleanup, onMount, Show } from "solid-js";
import { titleFrom } from "../../../shared/markdown";
import type { RoomListItem } from "../../../shared/wire";
import { ApiError, api } from "../api";
import { Avatar } from "../components/Avatar";
import { ClosedDoor } from "../components/ClosedDoor";
import { Composer } from "../components/Composer";
import { ConnectionStatus } from "../components/ConnectionStatus";
import { Icon } from "../components/Icon";
import { streamingIn } from "../components/log-layout";
import { forwardWheel } from "../components/log-scroll";
import { MessageList } from "../components/MessageList";
import { editLatest, latestOwn } from "../components/MessageTools";
import { OnlineAvatars, TypingIndicator } from "../components/Presence";
import { RoomBanners } from "../components/RoomBanners";
import { useRooms } from "../context";
import { composerPlaceholders, peerAmong, roomIntro, roomTitle } from "../format";
import { createRoomPeople, RoomPeople } from "../mentions";
import { settled } from "../resource";
import { session } from "../session";
import { explainRefusal } from "../stores/close-codes";
import { createHistory, createOpening } from "../stores/history";
import { newerRoom, refetchWhenNewer } from "../stores/newer-room";
import { draftKey, outboxKey, storedOutbox } from "../stores/outbox";
import { createRoomReading } from "../stores/read";
import { createRoomStore } from "../stores/room";
import { toast } from "../stores/toasts";
import "../styles/chat.css";
import "../styles/messages.css";
import "../styles/markdown.css";
import "../styles/composer.css";
import "../styles/message-extras.css";

// The server's default MAX_MESSAGE_CHARS; a deployment with a lower limit refuses the send with
// an error frame, which shows on the message itself.
const MAX_CHARS = 8000;

export default function Room() {
  const params = useParams<{ id: string }>();
  return (
    <Show when={params.id} keyed>
      {(id) => <RoomView id={id} />}
    </Show>
  );
}

function RoomView(props: { id: string }) {
  const rooms = useRooms();
  const navigate = useNavigate();
  const me = () => {
    const u = session.user();
    return u ? { kind: "user" as const, id: u.id, name: u.displayName || u.username, username: u.username } : null;
  };
  const [infoRes, { refetch: refetchInfo }] = createResource(
    () => props.id,
    (id) => api.room(id),
  );
  const info = settled(infoRes);
  // The newer copy of the room (newerRoom). The last copy listed: a room you were removed from leaves the list but keeps its last name.
  const lastListed = createMemo<RoomListItem | undefined>((prev) => rooms.state.rooms.find((r) => r.id === props.id) ?? prev);
  const room = () => newerRoom(lastListed(), info()?.room);
  // Members and the character's face come with the fetched room, fetched again when it changes.
  refetchWhenNewer(lastListed, () => info()?.room, refetchInfo);
  // What members see of the room's character, whoever owns it (none once it is taken out).
  const character = () => {
    const c = info()?.character;
    return c && c.id === room()?.characterId ? c : undefined;
  };
  const store = createRoomStore({
    roomId: props.id,
    me,
    token: session.token,
    socket: { ready: session.settled },
    sessionExpired: session.expired,
    fetchPage: (q) => api.messages(props.id, q),
    probeRoom: () => api.room(props.id),
    maxChars: MAX_CHARS,
    outbox: storedOutbox(globalThis.sessionStorage, outboxKey(session.user()?.id ?? "", props.id)),
    otherTabs: () => rooms.state.tabs > 1,
  });
  // Opened offline: the room's details (members, character) come once the connection does.
  createEffect(
    on(
      () => store.state.connection,
      (c) => c === "live" && infoRes.error && void refetchInfo(),
    ),
  );
  const history = createHistory({ messages: store.messages, fetchPage: (q) => api.messages(props.id, q) });
  const [search, setSearch] = useSearchParams<{ at?: string }>();
  const [target, setTarget] = createSignal<{ seq: number } | null>(null);
  const [now, setNow] = createSignal(Date.now());
  let list: { toLatest: () => void } | undefined;
  let log: HTMLElement | undefined;

  onMount(() => {
    void store.start();
    rooms.setOpen(props.id);
    const tick = setInterval(() => setNow(Date.now()), 1000);
    onCleanup(() => {
      clearInterval(tick);
      rooms.setClosed(props.id, reading.readTo());
    });
  });

  // An untitled room is named by the server after its first message once that is stored;
  // until the next fetch, show the same kind of name from the message itself.
  const derivedTitle = () => {
    const first = store.messages.state.hasMoreBefore ? undefined : store.messages.state.messages.find((m) => m.author.kind === "user");
    return first ? titleFrom(first.content) : undefined;
  };
  // A direct chat is called after the other person: as the list says, or the fetched members.
  const peer = () => lastListed()?.peer ?? peerAmong(room(), info()?.members, me()?.id);
  const refused = () => (infoRes.error instanceof ApiError ? infoRes.error.status : 0);
  const title = () => {
    const current = room();
    if (!current && refused() === 404) return "Room not found";
    if (!current && refused() === 403) return "Private room";
    // Before the room is known (a slow network): nothing, not "Untitled room" or its first words.
    if (!current) return "";
    return current.title?.trim() || peer()?.displayName || derivedTitle() || roomTitle(current);
  };
  createEffect(() => (document.title = title() ? `${title()} · Parlor` : "Parlor"));
  // Refused by either request (the room's details, or its first page of messages).
  const closedDoor = () => {
    const status = refused();
    if (status === 403 || status === 404) return explainRefusal(status);
    return store.state.ended?.refused ? store.state.ended : null;
  };

  const reading = createRoomReading({
    listed: () => rooms.readUpTo(props.id),
    fetched: () => info()?.members.find((m) => m.user.id === me()?.id)?.lastReadSeq,
    fetchDone: () => !infoRes.loading,
    markRead: (seq) => api.markRead(props.id, seq),
  });
  const opening = createOpening({
    history,
    messages: store.messages,
    loaded: () => store.state.loaded && reading.known(),
    readAtOpen: reading.atOpen,
    at: () => search.at,
    clearAt: () => setSearch({ at: undefined }, { replace: true }),
    found: (seq) => setTarget({ seq }),
    missing: () => store.state.ended || toast("That message is not in this room any more.", "error"),
  });
  // A room you were removed from, or that was deleted, no longer belongs in your list (and has
  // no settings or connection state for you: the banner says what happened).
  const gone = () => store.state.ended?.code === 4003 || store.state.ended?.code === 4004;
  createEffect(() => gone() && rooms.removeRoom(props.id));

  // Keep the sidebar's preview and ordering in step with what arrives here.
  createEffect(
    on(
      () => store.messages.state.messages[store.messages.state.messages.length - 1],
      (last) => last && rooms.noteMessage(props.id, last),
    ),
  );

  const streamingSeq = createMemo(() => streamingIn(store.messages.state.messages));
  // A plain function, not an inline ternary in JSX: the compiler would wrap that in a memo,
  // which the composer's key handler would then create outside any root.
  const disabledReason = () => {
    const ended = store.state.ended;
    return ended && !ended.canRetry ? `${ended.title}.` : null;
  };
  const held = () => store.messages.state.pending.some((p) => p.held) || store.state.rateLimitedUntil > now();
  const memberCount = () => (gone() ? 0 : (info()?.members.length ?? 0)); // none to count for someone removed
  const subtitle = () => {
    const parts: string[] = [];
    if (character()) parts.push(`with ${character()?.name}`);
    if (memberCount()) parts.push(`${memberCount()} member${memberCount() === 1 ? "" : "s"}`);
    return parts;
  };
  // Who a mention can name here (the messages mark those mentions, and the composer offers
  // them), and the names the messages show (as they are now: see the store's `renamed`).
  const online = () => [...store.state.online, ...store.state.renamed];
  const people = createRoomPeople(() => info()?.members ?? [], me, character, online);

  const chat = () => (
    <section class="chat" aria-labelledby="room-title" onWheel={(e) => log && forwardWheel(e, log)}>
      <header class="chat-head">
        <A href="/" class="icon-btn mobile-only" aria-label="Back to rooms">
          <Icon name="back" />
        </A>
        <Avatar
          id={room()?.characterId ?? peer()?.id ?? props.id}
          name={title()}
          ai={!!room()?.characterId}
          emoji={character()?.avatar}
          size={36}
        />
        <div class="chat-title">
          <h1 id="room-title">{title()}</h1>
          <Show when={subtitle().length > 0}>
            <p class="chat-sub">
              <For each={subtitle()}>{(part, i) => <span>{i() > 0 ? `· ${part}` : part}</span>}</For>
            </p>
          </Show>
        </div>
        <div class="chat-head-side">
          <OnlineAvatars online={store.state.online} myId={me()?.id} />
          <Show when={!gone()}>
            <ConnectionStatus state={store.state.connection} onRetry={() => store.reconnect()} />
            <A href={`/rooms/${props.id}/settings`} class="icon-btn" aria-label="Room settings" title="Room settings">
              <Icon name="settings" />
            </A>
          </Show>
        </div>
      </header>

      <RoomBanners
        store={store}
        onSignInAgain={(why) => {
          // The sign-in page says why, and brings the person back here afterwards.
          session.signOut(`${why.title}. ${why.detail}`);
          navigate(`/signin?next=${encodeURIComponent(`/rooms/${props.id}`)}`);
        }}
      />

      <Show
        when={opening.ready()}
        fallback={
          <div class="log-wrap log-skeleton" role="status">
            <span class="sr-only">Loading messages…</span>
          </div>
        }
      >
        <RoomPeople.Provider value={people}>
          <MessageList
            messages={store.messages.state.messages}
            pending={store.messages.state.pending}
            myId={me()?.id}
            hasMoreBefore={store.messages.state.hasMoreBefore}
            loadingOlder={store.state.loadingOlder}
            loadOlder={() => store.loadOlder()}
            label={`Messages in ${title()}`}
            intro={store.state.ended ? undefined : roomIntro(character()?.name, room()?.aiMode, info()?.members.length)}
            now={now()}
            controls={(c) => {
              list = c;
              log = c.scroller;
            }}
            target={target()}
            gaps={history.gaps()}
            fillGap={(gap, direction) => history.fill(gap, direction)}
            actions={{
              stop: (seq) => store.control("stop", seq),
              // Not while a reply is being written: the room writes one at a time.
              regenerate: room()?.characterId && streamingSeq() === undefined ? (seq) => store.control("regenerate", seq) : undefined,
              retry: (id) => store.retry(id),
              discard: (id) => store.discard(id),
              edit: (seq, content) => store.edit(seq, content),
              remove: (seq) => store.remove(seq),
              selectVersion: (seq, version) => store.selectVersion(seq, version),
            }}
            canDeleteAny={info()?.room.ownerId === me()?.id}
            readAtOpen={reading.atOpen()}
            onRead={reading.setReadTo}
          />
        </RoomPeople.Provider>
      </Show>
      <TypingIndicator users={store.typing().map((t) => t.user)} />
      <Composer
        draftKey={draftKey(session.user()?.id ?? "", props.id)}
        onEditLast={() => editLatest(store.messages.state.messages, me()?.id)}
        canEditLast={latestOwn(store.messages.state.messages, me()?.id) !== undefined}
        label={`Message ${title()}`}
        placeholder={composerPlaceholders(character()?.name, room()?.aiMode, title(), info()?.members.length)}
        onSend={(text, attachments) => {
          const problem = store.send(text, attachments);
          if (!problem) list?.toLatest();
          return problem;
        }}
        upload={(file, onProgress, signal) => api.upload(props.id, file, onProgress, signal)}
        onTyping={() => store.typed()}
        streamingSeq={store.state.connection === "live" ? streamingSeq() : undefined}
        onStop={(seq) => store.control("stop", seq)}
        disabledReason={disabledReason()}
        held={held()}
        maxChars={MAX_CHARS}
        mentionables={people.mentioned()}
      />
    </section>
  );

  return (
    <Show when={!closedDoor()} fallback={<ClosedDoor title={closedDoor()?.title ?? ""} detail={closedDoor()?.detail ?? ""} />}>
      {chat()}
    </Show>
  );
}
