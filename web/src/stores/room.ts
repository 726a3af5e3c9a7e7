// Everything live about the open room: its message store (and outbox), the socket (hello with the
// last seen seq on every connect), presence, who is typing, the connection state, rate-limit
// feedback and why a connection ended. Screens render `state` and call the actions, not the socket.
import { createEffect, getOwner, on, onCleanup, runWithOwner } from "solid-js";
import { createStore } from "solid-js/store";
import { isBlank } from "../../../shared/text";
import {
  type Attachment,
  type Author,
  hello,
  type Message,
  type OnlineUser,
  roomSocketPath,
  type ServerFrame,
  tokenProtocols,
  unhandled,
} from "../../../shared/wire";
import { ApiError } from "../api";
import { createSocket, type SocketOptions } from "../socket";
import { type Ended, explainClose, explainRefusal, FINAL, whyRefused } from "./close-codes";
import { createMessageStore } from "./messages";
import { createRoomChanges } from "./room-changes";
import { createRoomSends } from "./room-sends";
import { createTyping } from "./typing";

export type Connection = "connecting" | "live" | "reconnecting" | "closed";
type Deps = {
  roomId: string;
  me: () => (Author & { username?: string }) | null;
  token: () => string | null;
  sessionExpired: () => boolean;
  /** REST: a page of history (see api.messages). */
  fetchPage: (q: { before?: number; limit: number }) => Promise<{ messages: Message[]; hasMore: boolean; lastChange?: number }>;
  /** REST probe after failed handshakes, to tell "deleted" or "not a member" from "offline". */
  probeRoom?: () => Promise<unknown>;
  wsUrl?: (roomId: string) => string;
  socket?: Partial<SocketOptions>;
  maxChars?: number;
  outbox?: Parameters<typeof createMessageStore>[0]["outbox"];
  /** Whether this person has other tabs open (the channel's count): the room then keeps
   * sending them its activity, which their room lists need (`other_tabs`). */
  otherTabs?: () => boolean;
};

type State = {
  connection: Connection;
  ended: Ended | null;
  /** Set while a close code is being explained but we are still reconnecting. */
  trouble: Ended | null;
  online: OnlineUser[];
  /** Members whose display name changed while the room was open, as they are now. */
  renamed: OnlineUser[];
  rateLimitedUntil: number;
  notice: string | null;
  loadingOlder: boolean;
  loadError: string | null;
  loaded: boolean;
};

const OFFLINE = "You are offline; try again once reconnected.";
/** History page size: the API's maximum, so scrolling back through a long room takes few requests. */
export const PAGE = 100;

function defaultWsUrl(roomId: string) {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${location.host}${roomSocketPath(roomId)}`;
}

export function createRoomStore(deps: Deps) {
  const messages = createMessageStore({ roomId: deps.roomId, me: deps.me, outbox: deps.outbox });
  const [state, setState] = createStore<State>({
    connection: "connecting",
    ended: null,
    trouble: null,
    online: [],
    renamed: [],
    rateLimitedUntil: 0,
    notice: null,
    loadingOlder: false,
    loadError: null,
    loaded: false,
  });
  const typists = createTyping(() => deps.me()?.id);
  /** Whether the latest REST page loaded: then the socket catches up from its last seq, 0 included. */
  let historyLoaded = false;
  let failedHandshakes = 0;
  const changes = createRoomChanges({
    send: (frame) => state.connection === "live" && !!socket?.send(frame),
    offline: () => setState("notice", OFFLINE),
  });
  let socket: ReturnType<typeof createSocket> | undefined;
  const sends = createRoomSends({
    messages,
    live: () => state.connection === "live",
    send: (frame) => !!socket?.send(frame),
    refused: () => (state.ended && !state.ended.canRetry ? `Not sent: ${state.ended.title.toLowerCase()}.` : null),
    limitedUntil: () => state.rateLimitedUntil,
    setLimitedUntil: (at) => setState("rateLimitedUntil", at),
  });
  // The socket is opened after the first history page arrives (outside the synchronous
  // component setup), so it is attached to the creating component's owner explicitly and
  // closes when that component goes away.
  const owner = getOwner();

  /** The one place the web app dispatches server frames: every type has its case, and a type
   * added to the wire module without one is a compile error at `unhandled`. */
  function onFrame(frame: ServerFrame) {
    switch (frame.type) {
      case "ready":
        failedHandshakes = 0;
        changes.saw(frame.lastChange);
        messages.retractAfter(frame.lastSeq);
        // Back: "you are offline" is no longer true (other notices stay until dismissed).
        setState({ connection: "live", online: frame.online, trouble: null, notice: state.notice === OFFLINE ? null : state.notice });
        if (otherTabs()) socket?.send({ type: "other_tabs", open: true }); // a socket starts as one's only tab
        sends.flush();
        if (state.loadError) void loadLatest();
        break;
      case "message": {
        messages.receive(frame.message);
        // Their message arrived: they are no longer typing it.
        const author = frame.message.author;
        if (author.kind === "user") typists.sent(author.id);
        break;
      }
      case "message_updated":
        messages.receive(frame.message);
        changes.saw(frame.change);
        break;
      case "ack":
        messages.ack(frame.clientId, frame.seq);
        sends.flush();
        break;
      case "delta":
        messages.delta(frame.seq, frame.index, frame.text);
        break;
      case "presence":
        setState("online", frame.online);
        break;
      case "renamed":
        setState("renamed", (was) => [...was.filter((u) => u.id !== frame.user.id), frame.user]);
        break;
      case "typing":
        typists.saw(frame.user);
        break;
      case "rate_limited":
        sends.rateLimited(frame.retryAfterMs, frame.clientId);
        break;
      case "error":
        // A refused send shows on that message; anything else as a notice.
        if (!frame.clientId || !messages.fail(frame.clientId, frame.message || "The server refused this message.")) {
          setState("notice", frame.message || `The server refused that (${frame.code}).`);
        }
        sends.flush(); // what waited behind a refused send goes on
        break;
      case "pong":
        break;
      default:
        unhandled(frame);
    }
  }

  const probe = () => whyRefused(deps.probeRoom).then((ended) => ended && end(ended));
  const otherTabs = () => deps.otherTabs?.() ?? false;
  createEffect(on(otherTabs, (open) => state.connection === "live" && socket?.send({ type: "other_tabs", open }), { defer: true }));

  function dispose() {
    sends.dispose();
    typists.dispose();
    socket?.close();
  }
  if (owner) onCleanup(dispose);

  function end(ended: Ended) {
    setState({ connection: "closed", ended, trouble: null });
    for (const p of messages.state.pending) if (p.waiting) messages.fail(p.clientId, `Not sent: ${ended.title.toLowerCase()}.`);
    socket?.close();
  }

  function connect() {
    setState({ ended: null, connection: state.connection === "closed" ? "reconnecting" : state.connection });
    socket = runWithOwner(owner, () =>
      createSocket({
        url: () => (deps.token() ? (deps.wsUrl ?? defaultWsUrl)(deps.roomId) : null),
        protocols: () => {
          const token = deps.token();
          // Beside `parlor`, not in the URL, where proxies, logs and browser tools would keep it.
          return token ? tokenProtocols(token) : [];
        },
        finalCodes: FINAL,
        onOpen: () => {
          // Always the first frame: the server replays everything after our last message (and
          // that one again: see resumeFrom) before live traffic. With no history at all (the REST
          // page failed), ask for the latest messages instead; older ones load on scroll.
          socket?.send(hello(historyLoaded || messages.state.lastSeq > 0 ? messages.resumeFrom() : undefined, changes.last()));
        },
        onFrame,
        onClose: (code) => {
          const wasLive = state.connection === "live";
          messages.requeue();
          setState("online", []);
          typists.clear();
          const why = explainClose(code, deps.sessionExpired());
          if (why && FINAL.includes(code)) return end(why);
          setState({ connection: "reconnecting", trouble: why });
          // Closed before ever being ready (the upgrade was refused, so no close code): ask REST why.
          if (!wasLive && ++failedHandshakes >= 2) void probe();
        },
        ...deps.socket,
      }),
    );
  }

  /** The latest page; failing, the socket's catch-up brings those, and each `ready` tries again. */
  async function loadLatest() {
    try {
      const page = await deps.fetchPage({ limit: PAGE });
      messages.addPage(page.messages, page.hasMore, "latest");
      changes.saw(page.lastChange);
      historyLoaded = true;
      setState({ loaded: true, loadError: null });
    } catch (err) {
      if (err instanceof ApiError && (err.status === 403 || err.status === 404)) {
        setState("loaded", true);
        return end(explainRefusal(err.status));
      }
      // The latest messages come over the socket instead (hello without afterSeq).
      setState({ loaded: true, loadError: err instanceof Error ? err.message : "Couldn't load history." });
    }
  }

  return {
    state,
    messages,
    start: () => loadLatest().then(() => void (state.ended || connect())),

    /** Returns an error to show instead of sending, or null when the message is on its way. */
    send(text: string, attachments: Attachment[] = []): string | null {
      const content = text.trim();
      if (isBlank(content) && attachments.length === 0) return "Write something first.";
      const max = deps.maxChars ?? 8000;
      if (content.length > max)
        return `Messages can be at most ${max.toLocaleString()} characters (this one has ${content.length.toLocaleString()}).`;
      sends.transmit(messages.addLocal(content, attachments).clientId);
      return null;
    },

    retry(clientId: string) {
      if (!messages.state.pending.some((x) => x.clientId === clientId)) return;
      messages.markPending(clientId);
      sends.transmit(clientId);
    },

    discard: (clientId: string) => messages.discard(clientId),

    /** Who is typing here. */
    typing: typists.typing,
    /** This person is typing: says so, at most every few seconds. */
    typed() {
      if (state.connection === "live" && typists.due()) socket?.send({ type: "typing" });
    },

    /** edit, remove, selectVersion, control (stop, regenerate): see room-changes.ts. */
    ...changes,

    async loadOlder() {
      const first = messages.state.messages[0];
      if (state.loadingOlder || !messages.state.hasMoreBefore || !first) return;
      setState("loadingOlder", true);
      try {
        const page = await deps.fetchPage({ before: first.seq, limit: PAGE });
        messages.addPage(page.messages, page.hasMore, "older");
      } catch (err) {
        setState("notice", `Couldn't load older messages: ${err instanceof Error ? err.message : "unknown error"}`);
      } finally {
        setState("loadingOlder", false);
      }
    },

    dismissNotice: () => setState("notice", null),
    /** Skip the backoff wait, or start over after a close that allows it. */
    reconnect() {
      if (state.connection === "closed") {
        if (state.ended?.canRetry) connect();
      } else socket?.reconnectNow();
    },
    dispose,
  };
}

export type RoomStore = ReturnType<typeof createRoomStore>;
