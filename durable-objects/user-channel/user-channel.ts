// UserChannel: one object per person, holding the WebSockets of their signed-in tabs and
// pushing what their sidebar shows (docs/API.md, "The channel"): rooms created for them or
// that they were invited to, settings changes, removals and deletions (sent by the Worker),
// and each room's coalesced activity (sent by the room objects, see
// chat-room/member-updates.ts). It keeps no state beyond the sockets: a client that connects
// reads the room list over REST and applies what arrives here on top, so a push to a person
// with no tab open costs nothing but the call. Sockets hibernate; each one's token expiry is
// in its attachment and the object's alarm closes it then (1008).
import { DurableObject } from "cloudflare:workers";
import { type ChannelFrame, CloseCode, offeredProtocols, WS_PROTOCOL } from "../../shared/wire";

/** Header through which the Worker hands the authenticated person to the upgrade. */
export const CHANNEL_IDENTITY_HEADER = "X-Parlor-Channel-Identity";
export type ChannelIdentity = { userId: string; exp: number };

/** More tabs than anyone uses; a runaway client gets 1013 rather than unbounded sockets. */
const MAX_SOCKETS = 16;

export class UserChannel extends DurableObject<Env> {
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

  override async fetch(request: Request): Promise<Response> {
    const header = request.headers.get(CHANNEL_IDENTITY_HEADER);
    if (request.headers.get("Upgrade")?.toLowerCase() !== "websocket" || !header) {
      return new Response("Expected an authenticated WebSocket upgrade", { status: 400 });
    }
    const { userId, exp } = JSON.parse(header) as ChannelIdentity;
    const pair = new WebSocketPair();
    const [client, server] = [pair[0], pair[1]];
    const full = this.ctx.getWebSockets().length >= MAX_SOCKETS;
    if (full) {
      server.accept();
      server.close(CloseCode.overloaded, "Too many connections; try again later");
    } else {
      this.ctx.acceptWebSocket(server);
      server.serializeAttachment({ userId, exp } satisfies ChannelIdentity);
      server.send(JSON.stringify({ type: "ready", userId } satisfies ChannelFrame));
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
    try {
      ws.close(code === 1005 || code === 1006 ? 1000 : code, reason);
    } catch {
      // Already closed.
    }
  }

  /** Closes the sockets whose token expired and waits for the next expiry. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const ws of this.ctx.getWebSockets()) {
      const { exp } = (ws.deserializeAttachment() as ChannelIdentity | null) ?? { exp: 0 };
      if (exp * 1000 <= now) {
        try {
          ws.close(CloseCode.policy, "Session expired");
        } catch {
          // Already closed.
        }
      } else next = Math.min(next, exp * 1000);
    }
    if (next !== Number.POSITIVE_INFINITY) await this.ctx.storage.setAlarm(next);
  }
}

/** The person `userId`'s channel: the one place their id becomes an object id. */
export function userChannel(env: Pick<Env, "USER_CHANNEL">, userId: string) {
  return env.USER_CHANNEL.get(env.USER_CHANNEL.idFromName(userId));
}
