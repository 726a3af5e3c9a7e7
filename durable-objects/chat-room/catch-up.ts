// Catch-up: a socket's `hello {afterSeq}` is answered with `ready`, then every message after
// `afterSeq` in seq order, then live traffic. What the room no longer keeps itself (the hot log
// is pruned once the history store holds a row, see room-log.ts) is read from the history
// store first, as one unbroken run; if the store cannot give that, the socket is closed with
// 1013 and the client reconnects from what it has, rather than skip anything. With
// `afterChange`, messages up to `afterSeq` edited, deleted or given a new version since that
// change (changes.ts) are resent in their current version too. A long catch-up (more than
// LONG_CATCH_UP messages) costs a token from its member's bucket: a client reconnecting from
// seq 0 over and over is refused with 1013 instead of making the room resend its history.
import { log } from "../../shared/log";
import type { Store } from "../../shared/store";
import type { Message } from "../../shared/wire";
import { CloseCode, MAX_SEQ, RECENT_ON_HELLO } from "../../shared/wire";
import { TokenBucket } from "../token-bucket";
import type { Changes } from "./changes";
import type { Membership } from "./membership";
import type { RoomLog } from "./room-log";
import { type RoomSockets, type SocketInfo, send } from "./sockets";

const CATCH_UP_PAGE = 200;
const EDITED_ON_HELLO = 200;
/** A catch-up of more than this many messages is a long one; a member may start LONG_BURST at
 * once, then LONG_PER_MINUTE a minute (a tab back after a long time away needs one). */
export const LONG_CATCH_UP = 1000;
const LONG_BURST = 5;
const LONG_PER_MINUTE = 2;

export class CatchUp {
  /** Sockets whose hello is being answered (a catch-up spans several turns). */
  private readonly greeting = new Set<WebSocket>();
  /** Each member's long catch-ups, in memory (an evicted room forgets them, erring towards serving). */
  private readonly long = new Map<string, TokenBucket>();

  constructor(
    private readonly log: RoomLog,
    private readonly sockets: RoomSockets,
    private readonly membership: Membership,
    private readonly history: () => Store,
    private readonly changes: Changes,
  ) {}

  /** A socket's `hello`: once per connection, since a catch-up can be long and a client has no
   * use for a second. */
  async hello(ws: WebSocket, info: SocketInfo, afterSeq: number | undefined, afterChange?: number): Promise<void> {
    if (info.ready || this.greeting.has(ws)) {
      return send(ws, { type: "error", code: "invalid_frame", message: "hello is sent once per connection; reconnect to catch up again." });
    }
    if (afterSeq !== undefined && this.log.lastSeq - afterSeq > LONG_CATCH_UP) {
      let bucket = this.long.get(info.user.id);
      if (!bucket) this.long.set(info.user.id, (bucket = new TokenBucket(LONG_BURST, LONG_PER_MINUTE / 60)));
      const wait = bucket.take();
      if (wait > 0) return ws.close(CloseCode.overloaded, `Too many long catch-ups; try again in ${Math.ceil(wait / 1000)} s`);
    }
    this.greeting.add(ws);
    try {
      await this.catchUp(ws, afterSeq, afterChange);
    } finally {
      this.greeting.delete(ws);
    }
  }

  /**
   * `ready`, then everything after `afterSeq` (paged, in seq order; without `afterSeq`, the
   * latest RECENT_ON_HELLO), then live traffic. Live messages skip this socket until it is
   * marked ready, and the last page is read from the room's log in the same turn as that mark,
   * so nothing written meanwhile falls between the two.
   */
  private async catchUp(ws: WebSocket, afterSeq: number | undefined, afterChange: number | undefined) {
    const roomId = this.membership.room?.roomId;
    const lastChange = this.changes.last();
    send(ws, { type: "ready", roomId: roomId ?? "", lastSeq: this.log.lastSeq, lastChange, online: this.sockets.online() });
    let from = afterSeq ?? Math.max(0, this.log.lastSeq - RECENT_ON_HELLO);
    /** Messages at or before `afterSeq` resent so far, each once. */
    const resent = new Set<number>();
    try {
      // A reply the client saw start may have finished, stopped or failed while it was away:
      // resend the current version of recently edited messages it already has (AI replies
      // only, when `afterChange` says which edits and deletes it has seen: those come below).
      if (afterSeq !== undefined) await this.resendEdited(ws, afterSeq, afterChange !== undefined, resent);
      if (afterSeq !== undefined && afterChange !== undefined) await this.resendChangedInStore(ws, afterChange, afterSeq, resent);
      // Until the store has brought the client up to the room's oldest row. Checked again after
      // every read (a flush may prune meanwhile), and the last check runs in the same turn as
      // the reads from the room's log and the ready mark below.
      while (from < this.log.firstSeq - 1) from = await this.fromStore(ws, from);
    } catch (err) {
      log.error("catch_up_failed", { roomId, afterSeq: from, error: String(err).slice(0, 300) });
      // Nothing is skipped: the client reconnects and asks again from what it has.
      return ws.close(CloseCode.overloaded, "History is unavailable for a moment; try again");
    }
    // A change to a row only the store holds, made while this socket waited, was broadcast
    // without it: start again rather than miss it. Changes to the room's own rows are resent
    // here, in the same turn as the ready mark.
    if (this.changes.since(lastChange, MAX_SEQ).some((seq) => seq < this.log.firstSeq)) {
      return ws.close(CloseCode.overloaded, "The history changed during catch-up; try again");
    }
    if (afterSeq !== undefined) {
      // Changed since the client's change (or, without one, during this catch-up); one already
      // resent above goes again only if it changed once more meanwhile.
      const during = new Set(this.changes.since(lastChange, afterSeq));
      const seqs = this.changes
        .since(afterChange ?? lastChange, afterSeq)
        .filter((seq) => seq >= this.log.firstSeq && (!resent.has(seq) || during.has(seq)));
      for (const seq of seqs) {
        const message = this.log.get(seq);
        if (message) send(ws, { type: "message", message });
      }
    }
    for (;;) {
      const page = this.log.after(from, CATCH_UP_PAGE);
      for (const message of page) send(ws, { type: "message", message });
      if (page.length < CATCH_UP_PAGE) break;
      from = page[page.length - 1]?.seq ?? from;
    }
    // Replies still streaming were sent above with their text so far; the next delta for each
    // continues from its `streamIndex`.
    this.sockets.markReady(ws);
  }

  /** Resends the AI replies among the EDITED_ON_HELLO messages up to `afterSeq`: edited ones
   * from the room's log, and, for the part it no longer keeps, every AI reply from the store
   * (pruned rows are final, so what the store has is their last version). */
  private async resendEdited(ws: WebSocket, afterSeq: number, aiOnly: boolean, resent: Set<number>) {
    const from = Math.max(0, afterSeq - EDITED_ON_HELLO);
    const roomId = this.membership.room?.roomId;
    const storeUntil = Math.min(afterSeq, this.log.firstSeq - 1);
    const resend = (message: Message) => {
      send(ws, { type: "message", message });
      resent.add(message.seq);
    };
    if (roomId && from < storeUntil) {
      const { messages } = await this.history().messages.page(roomId, { after: from, limit: EDITED_ON_HELLO });
      for (const message of messages) {
        if (message.seq <= storeUntil && message.author.kind === "ai") resend(message);
      }
    }
    for (const message of this.log.editedBetween(Math.max(from, storeUntil), afterSeq)) {
      if (!aiOnly || message.author.kind === "ai") resend(message);
    }
  }

  /** Resends, from the history store, the messages up to `afterSeq` the room no longer keeps
   * that were changed after change `afterChange`. */
  private async resendChangedInStore(ws: WebSocket, afterChange: number, afterSeq: number, resent: Set<number>) {
    const roomId = this.membership.room?.roomId;
    if (!roomId) return;
    for (const seq of this.changes.since(afterChange, afterSeq)) {
      if (seq >= this.log.firstSeq) break;
      if (resent.has(seq)) continue;
      const message = await this.history().messages.get(roomId, seq);
      if (message) {
        send(ws, { type: "message", message });
        resent.add(seq);
      }
    }
  }

  /** Sends, from the history store, the messages after `from` that precede the room's oldest
   * kept row, as one run with no gap (a hole or a short answer throws: the store may be
   * serving a cached page; the client retries); returns the last seq sent. */
  private async fromStore(ws: WebSocket, from: number): Promise<number> {
    const roomId = this.membership.room?.roomId;
    if (!roomId) throw new Error("the room is not configured");
    const { messages } = await this.history().messages.page(roomId, { after: from, limit: CATCH_UP_PAGE });
    // Read after the wait: a flush may have pruned more, and those rows are in the store.
    const until = this.log.firstSeq - 1;
    for (const message of messages) {
      if (message.seq > until) return from;
      if (message.seq !== from + 1) throw new Error(`the history store has no message ${from + 1} (next: ${message.seq})`);
      send(ws, { type: "message", message });
      from = message.seq;
    }
    if (from < until && messages.length < CATCH_UP_PAGE) {
      throw new Error(`the history store ends at ${from}, the room's log starts at ${until + 1}`);
    }
    return from;
  }
}
