// UserChannel: one object per person, holding the WebSockets of their signed-in tabs and
// pushing what their sidebar shows (docs/API.md, "The channel"): rooms created for them or
// that they were invited to, settings changes, removals and deletions (sent by the Worker),
// and each room's coalesced activity (sent by the room objects, see
// chat-room/member-updates.ts). It keeps no state beyond the sockets: a client that connects
// reads the room list over REST and applies what arrives here on top, so a push to a person
// with no tab open costs nothing but the call. Sockets hibernate; each one's token expiry and
// session id are in its attachment: the object's alarm closes it at the expiry (1008), and
// ending the session (logout, sign out everywhere, a password change: durable-objects/
// sessions.ts) closes it at once (4001). Every tab is told how many are open (`tabs`), so one
// with a room open can ask that room for its activity all the same (`other_tabs`).
import { DurableObject } from "cloudflare:workers";
import { type ChannelFrame, CloseCode, offeredProtocols, WS_PROTOCOL } from "../../shared/wire";

/** Header through which the Worker hands the authenticated person to the upgrade. */
export const CHANNEL_IDENTITY_HEADER = "X-Parlor-Channel-Identity";
/** `sid`: the session the socket is opened with (the token's jti), closed when it ends. */
export type ChannelIdentity = { userId: string; exp: number; sid: string };

/** More tabs than anyone uses; a runaway client gets 1013 rather than unbounded sockets. */
const MAX_SOCKETS = 16;
/** Ended sessions remembered for upgrades already past the Worker's session check. */
const ENDED_KEPT = 256;
const REPLACED = "Token refreshed; reconnect with the new one";

export class UserChannel extends DurableObject<Env> {
  /**
   * Sessions ended (or refreshed) while this instance was up, and how their sockets close. An
   * upgrade whose session was checked open by the Worker just before it ended may arrive after
   * endSessions(); it is closed the same way. The two calls are milliseconds apart, so memory is
   * enough: the object is awake for both.
   */
  private readonly ended = new Map<string, readonly [number, string]>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Answered by the runtime without waking the object: idle tabs keep it hibernating.
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair('{"type":"ping"}', '{"type":"pong"}'));
  }

  /** Sends `frame` to every open tab of this person. Returns how many sockets it reached. */
  push(frame: ChannelFrame): number {
    const sockets = this.ctx.getWebSockets();
    if (sockets.length === 0) return 0;
    const data = JSON.stringify(frame);
    for (const ws of sockets) {
      try {
        ws.send(data);
      } catch {
        // Closing; its close event cleans up.
      }
    }
    return sockets.length;
  }

  /** How many tabs are connected (tests, and the benchmark's check that channels are up). */
  connected(): number {
    return this.ctx.getWebSockets().length;
  }

  /** Sessions `sids` were ended: the sockets opened with them close with 4001. Returns how many. */
  endSessions(sids: readonly string[]): number {
    return this.closeSids(sids, [CloseCode.sessionEnded, "Session ended"]);
  }

  /** Tokens `sids` were refreshed: their sockets close with 4002, to come back with the new one. */
  replaceSessions(sids: readonly string[]): number {
    return this.closeSids(sids, [CloseCode.tokenReplaced, REPLACED]);
  }

  /** Tells the open tabs how many are open (`closing` is not, whatever its state says), all but
   * `opened`, whose `ready` says so. Returns the count. */
  private tellTabs(closing?: WebSocket, opened?: WebSocket): number {
    const open = this.ctx.getWebSockets().filter((ws) => ws !== closing && ws.readyState === WebSocket.OPEN);
    const data = JSON.stringify({ type: "tabs", count: open.length } satisfies ChannelFrame);
    for (const ws of open) {
      if (ws === opened) continue;
      try {
        ws.send(data);
      } catch {
        // Closing; its close event tells the rest.
      }
    }
    return open.length;
  }

  private closeSids(sids: readonly string[], how: readonly [number, string]): number {
    for (const sid of sids) this.ended.set(sid, how);
    for (const sid of this.ended.keys()) if (this.ended.size > ENDED_KEPT) this.ended.delete(sid);
    const [code, reason] = how;
    let closed = 0;
    for (const ws of this.ctx.getWebSockets()) {
      const sid = (ws.deserializeAttachment() as ChannelIdentity | null)?.sid;
      if (sid && sids.includes(sid)) {
        close(ws, code, reason);
        closed++;
      }
    }
    if (closed > 0) this.tellTabs();
    return closed;
  }

  override async fetch(request: Request): Promise<Response> {
    const header = request.headers.get(CHANNEL_IDENTITY_HEADER);
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket" || !header) {
      return new Response("Expected an authenticated WebSocket upgrade", { status: 400 });
    }
    const { userId, exp, sid } = JSON.parse(header) as ChannelIdentity;
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    const ended = this.ended.get(sid);
    if (ended) {
      server.accept();
      server.close(...ended);
    } else if (this.ctx.getWebSockets().length >= MAX_SOCKETS) {
      server.accept();
      server.close(CloseCode.overloaded, "Too many connections; try again later");
    } else {
      this.ctx.acceptWebSocket(server);
      server.serializeAttachment({ userId, exp, sid } satisfies ChannelIdentity);
      const tabs = this.tellTabs(undefined, server);
      server.send(JSON.stringify({ type: "ready", userId, tabs } satisfies ChannelFrame));
      const alarm = await this.ctx.storage.getAlarm();
      if (alarm === null || exp * 1000 < alarm) await this.ctx.storage.setAlarm(exp * 1000);
    }
    const offered = offeredProtocols(request.headers.get("Sec-WebSocket-Protocol")).includes(WS_PROTOCOL);
    return new Response(null, { status: 101, webSocket: client, headers: offered ? { "Sec-WebSocket-Protocol": WS_PROTOCOL } : undefined });
  }

  /** Nothing a client sends means anything but ping (answered above); the rest is ignored. */
  override webSocketMessage(): void {}

  override webSocketClose(ws: WebSocket, code: number, reason: string): void {
    // Answer the client's close frame, or the browser reports an abnormal closure (1006).
    close(ws, code === 1005 || code === 1006 ? 1000 : code, reason);
    this.tellTabs(ws);
  }

  override webSocketError(ws: WebSocket): void {
    this.tellTabs(ws);
  }

  /** Closes the sockets whose token expired and waits for the next expiry. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    let closed = 0;
    for (const ws of this.ctx.getWebSockets()) {
      const { exp } = (ws.deserializeAttachment() as ChannelIdentity | null) ?? { exp: 0 };
      if (exp * 1000 <= now) {
        close(ws, CloseCode.policy, "Session expired");
        closed++;
      } else next = Math.min(next, exp * 1000);
    }
    if (closed > 0) this.tellTabs();
    if (next !== Number.POSITIVE_INFINITY) await this.ctx.storage.setAlarm(next);
  }
}

/** The person `userId`'s channel: the one place their id becomes an object id. */
export function userChannel(env: Pick<Env, "USER_CHANNEL">, userId: string) {
  return env.USER_CHANNEL.get(env.USER_CHANNEL.idFromName(userId));
}

function close(ws: WebSocket, code: number, reason: string) {
  try {
    ws.close(code, reason);
  } catch {
    // Already closed.
  }
}
