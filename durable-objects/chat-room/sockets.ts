// The sockets of one room. Each socket's identity (user, token expiry, whether it has said
// hello) lives in its serialized attachment, which survives hibernation and eviction; the Map
// here is only a cache rebuilt from those attachments when the object wakes up.
import { CloseCode, type OnlineUser, type ServerFrame } from "../../shared/wire";

/** `sid`: the session the socket was opened with (absent on sockets opened before sessions);
 * `otherTabs`: its person said they have other tabs open (the `other_tabs` frame). */
export type SocketInfo = { user: OnlineUser; exp: number; ready: boolean; sid?: string; otherTabs?: boolean };

const SESSION_ENDED = [CloseCode.sessionEnded, "Session ended"] as const;
/** Ended sessions remembered for upgrades already past the Worker's session check. */
const ENDED_KEPT = 256;

export class RoomSockets {
  private cache = new Map<WebSocket, SocketInfo>();
  /** Sessions ended while this instance was up: an upgrade the Worker let through just before
   * the end may reach the room just after it (milliseconds apart, so memory is enough). */
  private readonly endedSids = new Map<string, readonly [number, string]>();
  /** online(), kept until a socket joins or leaves: every hello and presence frame needs it. */
  private onlineCache: OnlineUser[] | undefined;
  /** covered(), kept as long: a quiet room's every message asks for it. */
  private coveredCache: Set<string> | undefined;

  constructor(private readonly ctx: DurableObjectState) {
    for (const ws of ctx.getWebSockets()) {
      const info = ws.deserializeAttachment() as SocketInfo | null;
      if (info) this.cache.set(ws, info);
    }
  }

  accept(ws: WebSocket, info: SocketInfo) {
    this.ctx.acceptWebSocket(ws, [info.user.id]);
    ws.serializeAttachment(info);
    this.cache.set(ws, info);
    this.changed();
  }

  info(ws: WebSocket): SocketInfo | undefined {
    let info = this.cache.get(ws);
    if (!info) {
      info = (ws.deserializeAttachment() as SocketInfo | null) ?? undefined;
      if (info) this.cache.set(ws, info);
    }
    return info;
  }

  markReady(ws: WebSocket) {
    const info = this.info(ws);
    if (info && !info.ready) {
      info.ready = true;
      ws.serializeAttachment(info);
    }
  }

  forget(ws: WebSocket) {
    this.cache.delete(ws);
    this.changed();
  }

  count(userId?: string): number {
    return userId ? this.ctx.getWebSockets(userId).length : this.cache.size;
  }

  /** Puts `user`'s new name on their sockets; whether they had any here. */
  relabel(user: OnlineUser): boolean {
    const sockets = this.ctx.getWebSockets(user.id);
    for (const ws of sockets) {
      const info = this.info(ws);
      if (!info) continue;
      info.user = { ...info.user, displayName: user.displayName };
      ws.serializeAttachment(info);
    }
    this.changed();
    return sockets.length > 0;
  }

  /** Sets whether the person of `ws` has other tabs open (the `other_tabs` frame). */
  setOtherTabs(ws: WebSocket, open: boolean) {
    const info = this.info(ws);
    if (!info || (info.otherTabs ?? false) === open) return;
    info.otherTabs = open;
    ws.serializeAttachment(info);
    this.changed();
  }

  /** The users whose every tab sees this room: a socket open here, and none of them told of
   * other tabs. Their room list needs none of the room's activity. */
  covered(): Set<string> {
    if (this.coveredCache) return this.coveredCache;
    const here = new Set<string>();
    const elsewhere = new Set<string>();
    for (const [ws, info] of this.cache) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      here.add(info.user.id);
      if (info.otherTabs) elsewhere.add(info.user.id);
    }
    for (const id of elsewhere) here.delete(id);
    this.coveredCache = here;
    return here;
  }

  /** Distinct users with an open socket: several tabs of one person count once. */
  online(): OnlineUser[] {
    if (this.onlineCache) return this.onlineCache;
    const users = new Map<string, OnlineUser>();
    for (const [ws, info] of this.cache) if (ws.readyState === WebSocket.OPEN) users.set(info.user.id, info.user);
    this.onlineCache = [...users.values()];
    return this.onlineCache;
  }

  /** Sends to every socket that has said hello (the others get it in their catch-up). */
  broadcast(frame: ServerFrame, except?: WebSocket) {
    const data = JSON.stringify(frame);
    for (const [ws, info] of this.cache) {
      if (ws === except || !info.ready) continue;
      send(ws, data);
    }
  }

  /** Closes every socket that has said hello. */
  closeReady(code: number, reason: string) {
    for (const [ws, info] of this.cache) if (info.ready) close(ws, code, reason);
    this.changed();
  }

  closeUser(userId: string, code: number, reason: string) {
    for (const ws of this.ctx.getWebSockets(userId)) close(ws, code, reason);
    this.changed();
  }

  /** How a socket of session `sid` is closed if it was ended or refreshed here (closeSessions)
   * while this instance was up; undefined if it was not. */
  sessionEnded(sid: string | undefined): readonly [number, string] | undefined {
    return sid === undefined ? undefined : this.endedSids.get(sid);
  }

  /** Closes `userId`'s sockets opened with one of `sids` with 4001, and later upgrades with
   * them too; with `refreshed` (only the tokens were replaced) with 4002, so their clients come
   * back with the new token and a copy of an old one has nothing open. Returns how many. */
  closeSessions(userId: string, sids: readonly string[], refreshed = false): number {
    const how = refreshed ? ([CloseCode.tokenReplaced, "Token refreshed; reconnect with the new one"] as const) : SESSION_ENDED;
    const [code, reason] = how;
    for (const sid of sids) this.endedSids.set(sid, how);
    for (const sid of this.endedSids.keys()) if (this.endedSids.size > ENDED_KEPT) this.endedSids.delete(sid);
    let closed = 0;
    for (const ws of this.ctx.getWebSockets(userId)) {
      const sid = this.info(ws)?.sid;
      if (sid && sids.includes(sid)) {
        close(ws, code, reason);
        closed++;
      }
    }
    this.changed();
    return closed;
  }

  /** A socket joined, left or changed: what online() and covered() kept is stale. */
  private changed() {
    this.onlineCache = undefined;
    this.coveredCache = undefined;
  }

  closeAll(code: number, reason: string) {
    for (const ws of this.ctx.getWebSockets()) close(ws, code, reason);
    this.changed();
  }

  /** Closes sockets whose token has expired; returns the earliest expiry still open. */
  expire(now: number): number | undefined {
    let next: number | undefined;
    for (const [ws, info] of this.cache) {
      if (info.exp * 1000 <= now) {
        close(ws, 1008, "Session expired");
        this.changed();
      } else next = Math.min(next ?? Number.POSITIVE_INFINITY, info.exp * 1000);
    }
    return next;
  }
}

export function send(ws: WebSocket, data: string | ServerFrame) {
  try {
    ws.send(typeof data === "string" ? data : JSON.stringify(data));
  } catch {
    // The peer is gone; its close event cleans up.
  }
}

function close(ws: WebSocket, code: number, reason: string) {
  try {
    ws.close(code, reason);
  } catch {
    // Already closed.
  }
}
