// The chat screen: header (title, character, who is online, connection state, settings), the
// message log, who is typing, and the composer. A room store per open room; switching rooms
// disposes the old one (and its socket) and builds a new one.
import { A, useNavigate, useParams } from "@solidjs/router";
import { createEffect, createMemo, createResource, createSignal, on, onCleanup, onMount, Show } from "solid-js";
import { api } from "../api";
import { Avatar } from "../components/Avatar";
import { Composer } from "../components/Composer";
import { ConnectionStatus } from "../components/ConnectionStatus";
import { Icon } from "../components/Icon";
import { MessageList } from "../components/MessageList";
import { OnlineAvatars, TypingIndicator } from "../components/Presence";
import { useRooms } from "../context";
import { plainPreview, roomTitle } from "../format";
import { settled } from "../resource";
import { session } from "../session";
import { createReadMarker } from "../stores/read";
import { createRoomStore } from "../stores/room";
import "../styles/chat.css";

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
  const [infoRes] = createResource(
    () => props.id,
    (id) => api.room(id),
  );
  const info = settled(infoRes);
  const [characterRes] = createResource(
    () => info()?.room.characterId,
    (id) => api.character(id).then((r) => r.character),
  );
  const character = settled(characterRes);
  const store = createRoomStore({
    roomId: props.id,
    me,
    token: session.token,
    sessionExpired: session.expired,
    fetchPage: (q) => api.messages(props.id, q),
    probeRoom: () => api.room(props.id),
    maxChars: MAX_CHARS,
  });
  const [now, setNow] = createSignal(Date.now());
  let list: { toLatest: () => void } | undefined;

  onMount(() => {
    void store.start();
    rooms.setOpen(props.id);
    const tick = setInterval(() => setNow(Date.now()), 1000);
    onCleanup(() => {
      clearInterval(tick);
      rooms.setOpen(null);
    });
  });

  // An untitled room is named by the server after its first message once that is stored;
  // until the next fetch, show the same kind of name from the message itself.
  const derivedTitle = () => {
    const first = store.messages.state.hasMoreBefore ? undefined : store.messages.state.messages.find((m) => m.author.kind === "user");
    return first ? plainPreview(first.content, 48) : undefined;
  };
  const title = () => {
    const room = info()?.room ?? rooms.state.rooms.find((r) => r.id === props.id);
    return room?.title?.trim() || derivedTitle() || roomTitle(room);
  };
  createEffect(() => (document.title = `${title()} · Parlor`));

  createReadMarker(
    () => store.messages.state.lastSeq,
    (seq) => api.markRead(props.id, seq),
  );

  // A room you were removed from, or that was deleted, no longer belongs in your list.
  createEffect(() => {
    const code = store.state.ended?.code;
    if (code === 4003 || code === 4004) rooms.removeRoom(props.id);
  });

  // Keep the sidebar's preview and ordering in step with what arrives here.
  createEffect(
    on(
      () => store.messages.state.messages[store.messages.state.messages.length - 1],
      (last) => last && rooms.noteMessage(props.id, last),
    ),
  );

  const streamingSeq = createMemo(() => {
    const list = store.messages.state.messages;
    for (let i = list.length - 1; i >= Math.max(0, list.length - 20); i--) {
      if (list[i]?.status === "streaming") return list[i]?.seq;
    }
    return undefined;
  });
  // A plain function, not an inline ternary in JSX: the compiler would wrap that in a memo,
  // which the composer's key handler would then create outside any root.
  const disabledReason = () => {
    const ended = store.state.ended;
    return ended && !ended.canRetry ? `${ended.title}.` : null;
  };
  const rateLimitedFor = () => Math.max(0, Math.ceil((store.state.rateLimitedUntil - now()) / 1000));
  const memberCount = () => info()?.members.length ?? 0;
  const subtitle = () => {
    const parts: string[] = [];
    if (character()) parts.push(`with ${character()?.name}`);
    if (memberCount()) parts.push(`${memberCount()} member${memberCount() === 1 ? "" : "s"}`);
    return parts.join(" · ");
  };
  const placeholder = () => {
    const c = character();
    if (c && info()?.room.aiMode === "mention") return `Message ${title()} (mention @${c.name} to ask the AI)`;
    return `Message ${title()}`;
  };

  return (
    <section class="chat" aria-labelledby="room-title">
      <header class="chat-head">
        <A href="/" class="icon-btn mobile-only" aria-label="Back to rooms">
          <Icon name="back" />
        </A>
        <Avatar id={info()?.room.characterId ?? props.id} name={title()} ai={!!info()?.room.characterId} size={36} />
        <div class="chat-title">
          <h1 id="room-title">{title()}</h1>
          <Show when={subtitle()}>
            <p class="chat-sub">{subtitle()}</p>
          </Show>
        </div>
        <div class="chat-head-side">
          <OnlineAvatars online={store.state.online} myId={me()?.id} />
          <ConnectionStatus state={store.state.connection} onRetry={() => store.reconnect()} />
          <A href={`/rooms/${props.id}/settings`} class="icon-btn" aria-label="Room settings" title="Room settings">
            <Icon name="settings" />
          </A>
        </div>
      </header>

      <Show when={store.state.ended}>
        {(ended) => (
          <div class="chat-banner chat-banner-error" role="alert">
            <Icon name="alert" />
            <div>
              <strong>{ended().title}.</strong> {ended().detail}
            </div>
            <Show when={ended().code === 1008 && !ended().canRetry}>
              <button
                type="button"
                class="btn btn-sm"
                onClick={() => {
                  session.signOut("Your session has expired. Please sign in again.");
                  navigate(`/signin?next=${encodeURIComponent(`/rooms/${props.id}`)}`);
                }}
              >
                Sign in again
              </button>
            </Show>
            <Show when={ended().canRetry}>
              <button type="button" class="btn btn-sm" onClick={() => store.reconnect()}>
                Reconnect
              </button>
            </Show>
            <Show when={ended().code === 4003 || ended().code === 4004}>
              <A href="/" class="btn btn-sm">
                Back to rooms
              </A>
            </Show>
          </div>
        )}
      </Show>
      <Show when={!store.state.ended && store.state.trouble}>
        {(trouble) => (
          <div class="chat-banner chat-banner-warn" role="status">
            <Icon name="wifiOff" />
            <div>
              <strong>{trouble().title}.</strong> {trouble().detail}
            </div>
          </div>
        )}
      </Show>
      <Show when={store.state.notice}>
        <div class="chat-banner chat-banner-info" role="status">
          <Icon name="alert" />
          <div>{store.state.notice}</div>
          <button type="button" class="icon-btn" aria-label="Dismiss" onClick={() => store.dismissNotice()}>
            <Icon name="close" />
          </button>
        </div>
      </Show>
      <Show when={store.state.loadError}>
        <div class="chat-banner chat-banner-warn" role="status">
          <Icon name="alert" />
          <div>Couldn't load the history over HTTP ({store.state.loadError}); it will arrive over the live connection instead.</div>
        </div>
      </Show>

      <Show
        when={store.state.loaded}
        fallback={
          <div class="log-wrap log-skeleton" role="status">
            <span class="sr-only">Loading messages…</span>
          </div>
        }
      >
        <MessageList
          messages={store.messages.state.messages}
          pending={store.messages.state.pending}
          myId={me()?.id}
          hasMoreBefore={store.messages.state.hasMoreBefore}
          loadingOlder={store.state.loadingOlder}
          loadOlder={() => store.loadOlder()}
          label={`Messages in ${title()}`}
          intro={
            character()
              ? `Ask ${character()?.name} anything. Replies stream in as they are written, and everyone here sees them.`
              : "Say hello. Everyone in the room sees messages the moment they are sent."
          }
          now={now()}
          controls={(c) => (list = c)}
          actions={{
            stop: (seq) => store.control("stop", seq),
            regenerate: (seq) => store.control("regenerate", seq),
            retry: (id) => store.retry(id),
            discard: (id) => store.discard(id),
          }}
        />
      </Show>
      <TypingIndicator users={store.state.typing.map((t) => t.user)} />
      <Composer
        roomId={props.id}
        label={`Message ${title()}`}
        placeholder={placeholder()}
        onSend={(text) => {
          const problem = store.send(text);
          if (!problem) list?.toLatest();
          return problem;
        }}
        onTyping={() => store.typing()}
        streamingSeq={streamingSeq()}
        onStop={(seq) => store.control("stop", seq)}
        disabledReason={disabledReason()}
        rateLimitedFor={rateLimitedFor()}
        maxChars={MAX_CHARS}
      />
    </section>
  );
}
