// The room's side of a WebSocket's life: the upgrade (the Worker has checked the token, the
// Origin and membership, and hands the identity over in a header), the refusals only the room
// can make, closing sockets whose token expired, answering a client's close, and telling the
// room who is here and who is typing. Identities live in the sockets' attachments (sockets.ts),
// so all of this survives hibernation; the presence and typing throttles are in memory only.
import { metrics } from "../../shared/metrics";
import { CloseCode, type ErrorBody, type OnlineUser, offeredProtocols, WS_PROTOCOL } from "../../shared/wire";
import type { Membership, RoomConfig } from "./membership";
import type { RoomSockets } from "./sockets";
import type { Timers } from "./timers";

/** Header through which the Worker hands an authenticated identity to the upgrade. */
export const IDENTITY_HEADER = "X-Parlor-Identity";

/** What the Worker puts in IDENTITY_HEADER: a membership it checked (with the room's
 * settings), or, during a history store outage, `unverified`: the room then admits only the
 * members it knows. */
export type Identity = {
  user: OnlineUser;
  /** The token's expiry (epoch seconds): the socket is closed with 1008 then. */
  exp: number;
  /** The session (closed with 4001 when it is ended; see durable-objects/sessions.ts). */
  sid?: string;
} & (
  | {
      room: RoomConfig;
      /** When the membership was read; a copy older than a removal is refused. */
      checkedAt?: number;
      unverified?: undefined;
    }
  | { unverified: true; room?: undefined; checkedAt?: undefined }
);

export const EXPIRY_TIMER = "expiry";

const MAX_SOCKETS_PER_USER = 8;
const MAX_SOCKETS = 5000;
const TYPING_EVERY_MS = 2000;
const PRESENCE_COALESCE_MS = 100;
const PRESENCE_DELAY_PER_SOCKET_MS = 4;
const PRESENCE_MAX_DELAY_MS = 1000;

export class Connections {
  /** The expiry timer's deadline, so a connect only touches storage for an earlier one. */
  private expiryAt = Number.POSITIVE_INFINITY;
  private presencePending = false;
  private readonly lastTyping = new Map<string, number>();

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly sockets: RoomSockets,
    private readonly membership: Membership,
    private readonly timers: Timers,
    /** How many ms until a member cut off for flooding may connect again (flood-guard.ts). */
    private readonly floodWait: (userId: string) => number,
  ) {}

  async upgrade(request: Request): Promise<Response> {
    const header = request.headers.get(IDENTITY_HEADER);
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket" || !header) {
      return new Response("Expected an authenticated WebSocket upgrade", { status: 400 });
    }
    const identity = JSON.parse(header) as Identity;
    const { user, exp, sid } = identity;
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    const answer = () => new Response(null, { status: 101, webSocket: client, headers: subprotocol(request) });
    // The Worker may have checked membership against a copy of the member list up to a minute
    // old: the deletions and removals it could have missed are known here.
    // A session ended just after the Worker checked it is known here too (sockets.ts).
    const ended = this.sockets.sessionEnded(sid);
    const refusal =
      ended ??
      this.membership.refusal(user.id, identity.checkedAt ?? Date.now(), identity.unverified === true) ??
      (this.sockets.count(user.id) >= MAX_SOCKETS_PER_USER || this.sockets.count() >= MAX_SOCKETS
        ? ([CloseCode.overloaded, "Too many connections; try again later"] as const)
        : undefined);
    // A member cut off for flooding who comes back too soon gets no socket at all: on an
    // accepted one, a client that floods without waiting for `ready` would still make the
    // runtime read its whole burst.
    const floodWait = refusal ? 0 : this.floodWait(user.id);
    if (floodWait > 0) return refusedForFlooding(floodWait);
    if (refusal) {
      // Accept, then close with a code a browser can read (a refused upgrade tells it nothing).
      server.accept();
      server.close(...refusal);
      return answer();
    }
    if (identity.room) this.membership.configure(identity.room, true);
    this.membership.know(user);
    this.sockets.accept(server, { user, exp, sid, ready: false });
    metrics.roomSockets(this.ctx.id.toString(), this.sockets.count());
    if (exp * 1000 < this.expiryAt) {
      this.expiryAt = exp * 1000;
      await this.timers.schedule(EXPIRY_TIMER, this.expiryAt);
    }
    this.presenceSoon();
    return answer();
  }

  closed(ws: WebSocket, code: number, reason: string): void {
    // Answer the client's close frame: without it the close handshake never completes and the
    // browser reports an abnormal closure (1006).
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // Already closed.
    }
    this.sockets.forget(ws);
    metrics.roomSockets(this.ctx.id.toString(), this.sockets.count());
    this.presenceSoon();
  }

  /** The expiry timer: closes sockets whose token has expired, and waits for the next. */
  async expire(): Promise<void> {
    const next = this.sockets.expire(Date.now());
    this.expiryAt = next ?? Number.POSITIVE_INFINITY;
    if (next !== undefined) await this.timers.schedule(EXPIRY_TIMER, next);
  }

  /** Relays that `user` is typing to everyone else, at most every TYPING_EVERY_MS per person. */
  typing(ws: WebSocket, user: OnlineUser): void {
    const now = Date.now();
    if (now - (this.lastTyping.get(user.id) ?? 0) < TYPING_EVERY_MS) return;
    this.lastTyping.set(user.id, now);
    this.sockets.broadcast({ type: "typing", user }, ws);
  }

  /** `user`, a member, changed their display name: their sockets here carry it from now on, and
   * everyone here is told (`renamed`; and in the next presence frame if they are online). */
  renamed(user: OnlineUser): void {
    this.sockets.broadcast({ type: "renamed", user });
    if (this.sockets.relabel(user)) this.presenceSoon();
  }

  /** One presence frame for a burst of joins and leaves, not one per socket per change (which
   * grows with the square of the room). A short in-memory delay: nothing to survive. Each frame
   * carries the whole list to every socket, so a big room waits longer (100 sockets: 0.5 s)
   * and a room filling up after a link is shared sends a few lists, not one per 100 ms. */
  private presenceSoon() {
    if (this.presencePending) return;
    this.presencePending = true;
    const delay = Math.min(PRESENCE_MAX_DELAY_MS, PRESENCE_COALESCE_MS + this.sockets.count() * PRESENCE_DELAY_PER_SOCKET_MS);
    setTimeout(() => {
      this.presencePending = false;
      this.sockets.broadcast({ type: "presence", online: this.sockets.online() });
    }, delay);
  }
}

/** The subprotocol to answer with: a browser that offered some (the token travels as one, see
 * worker/auth/middleware.ts) fails the connection unless the server picks one of them. */
function subprotocol(request: Request): HeadersInit | undefined {
  return offeredProtocols(request.headers.get("Sec-WebSocket-Protocol")).includes(WS_PROTOCOL)
    ? { "Sec-WebSocket-Protocol": WS_PROTOCOL }
    : undefined;
}

/** 429 with Retry-After, in the API's error shape, for the upgrade of a member still paused
 * after being cut off for flooding. */
function refusedForFlooding(waitMs: number): Response {
  const seconds = Math.ceil(waitMs / 1000);
  const body: ErrorBody = {
    error: { code: "rate_limited", message: `Your last connection here was closed for flooding; reconnect in ${seconds} s.` },
  };
  return Response.json(body, { status: 429, headers: { "Retry-After": String(seconds) } });
}
