// The message log of one room as the client sees it: server messages keyed by `seq` (kept
// sorted, merged idempotently so catch-up after a reconnect never duplicates), plus local
// sends keyed by `clientId` that are pending until acked or failed with a reason. Streamed AI
// tokens are appended in place with path setters so only the one text node re-renders. The
// room store (room.ts) reads the socket's frames and calls the methods here: it is the one
// place frames are dispatched.
import { createStore, produce, reconcile } from "solid-js/store";
import type { Attachment, Author, Message } from "../../../shared/wire";
import type { LocalSend, Outbox } from "./outbox";

export type { LocalSend };

export type MessageState = {
  /** Ascending by seq, one entry per seq. */
  messages: Message[];
  /** Local sends without a seq yet, in the order they were written. */
  pending: LocalSend[];
  /** Highest seq received from the server: sent as `hello {afterSeq}` on every (re)connect. */
  lastSeq: number;
  /** Whether REST history has messages older than messages[0]. */
  hasMoreBefore: boolean;
};

// Per streaming seq: the next delta index we accept. A snapshot of a streaming reply says
// which one that is (`streamIndex`); ANY is for a snapshot without it (frames are ordered, so
// the next delta continues it); BLOCKED follows a gap, until the final `message` frame
// brings the full text.
const ANY = -1;
const BLOCKED = -2;

export function newClientId(): string {
  return globalThis.crypto?.randomUUID?.() ?? `c${Date.now().toString(36)}${Math.random().toString(36).slice(2)}`;
}

export function createMessageStore(opts: { roomId: string; me: () => Author | null; outbox?: Outbox }) {
  const pending = opts.outbox?.load() ?? [];
  const [state, setState] = createStore<MessageState>({ messages: [], pending, lastSeq: 0, hasMoreBefore: false });
  const nextDelta = new Map<number, number>();
  /** Own sends whose message came before their ack, until the ack: see onMessage. */
  const echoed = new Map<string, LocalSend>();
  /** What is not confirmed yet goes to the outbox after every change, to survive a reload. */
  const keep = () => opts.outbox?.save([...state.pending, ...echoed.values()]);
  const mine = (m: Message) => m.author.kind === "user" && m.author.id === opts.me()?.id;

  /** Index of `seq` in state.messages, or -(insertion point) - 1 when absent. */
  function find(seq: number): number {
    const list = state.messages;
    // Most traffic is at the end of the log; check there before searching.
    const last = list[list.length - 1];
    if (!last || seq > last.seq) return -list.length - 1;
    if (seq === last.seq) return list.length - 1;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = (list[mid] as Message).seq;
      if (s === seq) return mid;
      if (s < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -lo - 1;
  }

  function trackStream(m: Message) {
    if (m.status === "streaming") nextDelta.set(m.seq, m.streamIndex ?? (m.content === "" ? 0 : ANY));
    else nextDelta.delete(m.seq);
  }

  /** Insert or replace by seq; replacing keeps the object (and its DOM node) alive. */
  function upsert(m: Message) {
    const i = find(m.seq);
    if (i >= 0) setState("messages", i, reconcile(m, { key: "seq" }));
    else
      setState(
        "messages",
        produce((list) => void list.splice(-i - 1, 0, m)),
      );
  }

  function dropPending(clientId: string) {
    const i = state.pending.findIndex((p) => p.clientId === clientId);
    if (i < 0) return false;
    setState(
      "pending",
      produce((list) => void list.splice(i, 1)),
    );
    keep();
    return true;
  }

  function failPending(clientId: string, error: string, retryAt?: number) {
    const i = state.pending.findIndex((p) => p.clientId === clientId);
    if (i < 0) return false;
    setState("pending", i, { status: "failed", error, retryAt });
    keep();
    return true;
  }

  function queue(): LocalSend[] {
    return [...echoed.values(), ...state.pending.filter((p) => p.status === "pending")];
  }

  /** Marks a send as off a socket, waiting (`held`: while the room is connected), or handed to
   * one. Returns whether there was such a send. */
  function setWaiting(clientId: string, waiting: boolean, held = false): boolean {
    const shown = echoed.get(clientId);
    if (shown) {
      shown.waiting = waiting || undefined;
      return true;
    }
    const i = state.pending.findIndex((p) => p.clientId === clientId);
    if (i >= 0) setState("pending", i, { waiting: waiting || undefined, held: (waiting && held) || undefined });
    return i >= 0;
  }

  function onMessage(m: Message) {
    // Seqs start at 1 with no gaps: a first message after 1 means older ones exist.
    if (state.messages.length === 0 && m.seq > 1) setState("hasMoreBefore", true);
    upsert(m);
    trackStream(m);
    if (m.seq > state.lastSeq) setState("lastSeq", m.seq);
    // Our own message arrived before its ack: the pending copy would otherwise show twice. A
    // quiet room sends it just before writing it, so until the ack it is kept aside (echoed).
    if (m.clientId && mine(m)) {
      const p = state.pending.find((q) => q.clientId === m.clientId && q.status === "pending");
      if (p) echoed.set(m.clientId, { ...p, waiting: undefined, held: undefined });
      dropPending(m.clientId);
    }
  }

  function onAck(clientId: string, seq: number) {
    if (echoed.delete(clientId)) keep();
    const i = state.pending.findIndex((p) => p.clientId === clientId);
    if (i < 0) return;
    const p = state.pending[i] as LocalSend;
    dropPending(clientId);
    // If the `message` frame for this seq came first it already shows; otherwise the pending
    // send becomes that message until the server's copy replaces it.
    if (find(seq) >= 0) return;
    // Older than what is shown while older pages are still to load: it will come with them.
    // Shown now, it would sit on top of the gap and make loading older ones stop there.
    const first = state.messages[0]?.seq;
    if (state.hasMoreBefore && first !== undefined && seq < first) return;
    const me = opts.me();
    upsert({
      id: `local:${clientId}`,
      roomId: opts.roomId,
      seq,
      author: me ?? { kind: "user", id: "", name: "You" },
      content: p.content,
      status: "complete",
      clientId,
      ...(p.attachments ? { attachments: p.attachments } : {}),
      createdAt: p.createdAt,
    });
  }

  function onDelta(seq: number, index: number, text: string) {
    const i = find(seq);
    if (i < 0) return;
    let expected = nextDelta.get(seq);
    if (expected === undefined) {
      if (state.messages[i]?.status !== "streaming") return;
      expected = ANY;
    }
    if (expected === BLOCKED || (expected !== ANY && index < expected)) return;
    if (expected !== ANY && index > expected) {
      nextDelta.set(seq, BLOCKED);
      return;
    }
    setState("messages", i, "content", (c) => c + text);
    nextDelta.set(seq, index + 1);
  }

  return {
    state,

    /** A `message` frame: a new message, or a new version of one (same seq). */
    receive: onMessage,
    /** An `ack`: the pending send becomes the message with that seq. */
    ack: onAck,
    /** A `delta`: the next chunk of a streaming reply, appended only at the index expected. */
    delta: onDelta,

    /** A `rate_limited` frame: the send it names (without a clientId, the oldest one on its way:
     * sends are answered in order) waits to go again (room-sends.ts paces that). Returns
     * whether a send was put back. */
    rateLimited(clientId?: string): boolean {
      const target = clientId ?? queue().find((p) => !p.waiting)?.clientId;
      return target !== undefined && setWaiting(target, true, true);
    },

    /** What is still to be confirmed, in the order to send it: own messages shown before their
     * ack whose socket closed first (sent again with the same clientId: the room acks one it
     * has and stores one it lost), then the pending sends. `waiting`: not on a socket now. */
    queue,

    /**
     * Where a reconnect resumes: one before the last message, which comes again. A room sends a
     * quiet room's message to the others just before writing it, so a socket that closed right
     * after one may have seen a message the room lost in a crash; asking for it again (and
     * retractAfter) replaces or removes it. Everything before it is known durable.
     */
    resumeFrom: () => Math.max(0, state.lastSeq - 1),

    /** `ready`: the room's last seq. Anything beyond it was lost before it was written. */
    retractAfter(lastSeq: number) {
      if (state.lastSeq <= lastSeq) return;
      setState("messages", (list) => list.filter((m) => m.seq <= lastSeq));
      setState("lastSeq", lastSeq);
    },

    /** A REST page of history. Known seqs are kept as they are: the socket is fresher. */
    addPage(messages: Message[], hasMore: boolean, which: "latest" | "older") {
      const wasEmpty = state.messages.length === 0;
      const sorted = messages
        .filter((m, k) => find(m.seq) < 0 && messages.findIndex((o) => o.seq === m.seq) === k)
        .sort((x, y) => x.seq - y.seq);
      const first = state.messages[0]?.seq ?? Number.POSITIVE_INFINITY;
      const last = state.messages[state.messages.length - 1]?.seq ?? 0;
      // Splice into the existing array rather than setting a merged copy: setting a whole array
      // makes the store walk every message in it, which is slow for thousands.
      if (sorted.length && (sorted[sorted.length - 1] as Message).seq < first) {
        setState(
          "messages",
          produce((list) => void list.unshift(...sorted)),
        );
      } else if (sorted.length && (sorted[0] as Message).seq > last) {
        setState(
          "messages",
          produce((list) => void list.push(...sorted)),
        );
      } else {
        for (const m of sorted) upsert(m);
      }
      for (const m of sorted) trackStream(m);
      // Sent before a reload or a dropped connection, and stored after all: not to send again.
      const stored = new Set(messages.flatMap((m) => (m.clientId && mine(m) ? [m.clientId] : [])));
      if (stored.size && [...echoed.keys(), ...state.pending.map((p) => p.clientId)].some((id) => stored.has(id))) {
        for (const id of stored) echoed.delete(id);
        setState("pending", (list) => list.filter((p) => !stored.has(p.clientId)));
        keep();
      }
      // A page reaching above the first message held (a latest page after the socket's
      // catch-up, say) says whether more lie before it.
      if (which === "older" || wasEmpty || (sorted[0]?.seq ?? first) < first) setState("hasMoreBefore", hasMore);
      const top = state.messages[state.messages.length - 1]?.seq ?? 0;
      if (which === "latest" && top > state.lastSeq) setState("lastSeq", top);
    },

    /** A new local send, shown at once as pending. */
    addLocal(content: string, attachments: Attachment[] = [], clientId = newClientId()): LocalSend {
      const local: LocalSend = { clientId, content, status: "pending", createdAt: new Date().toISOString() };
      if (attachments.length) local.attachments = attachments;
      setState("pending", state.pending.length, local);
      keep();
      return local;
    },

    /** Retrying a failed send: same clientId, so the server can recognise a duplicate. */
    markPending(clientId: string) {
      const i = state.pending.findIndex((p) => p.clientId === clientId);
      if (i >= 0) setState("pending", i, { status: "pending", error: undefined, retryAt: undefined });
      keep();
    },

    fail: failPending,
    discard: dropPending,

    setWaiting,

    /** The socket closed: nothing it carried without an ack can be assumed delivered, so every
     * send on its way waits to go again, with the same clientId (the room acks one it already
     * has, and stores one it lost). One already shown (echoed) stays shown once: see queue. */
    requeue() {
      for (const p of echoed.values()) p.waiting = true;
      setState(
        "pending",
        (p) => p.status === "pending",
        produce((p) => {
          p.waiting = true;
          p.held = undefined;
        }),
      );
      keep();
    },

    indexOf: (seq: number) => find(seq),
    streamExpecting: (seq: number) => nextDelta.get(seq),
  };
}

export type MessageStore = ReturnType<typeof createMessageStore>;
