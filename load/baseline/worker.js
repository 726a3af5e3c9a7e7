// The benchmark's baseline server (see wrangler.toml beside this file). It speaks just enough
// of Parlor's API for the bench runner to drive it unchanged: register and room calls answer
// with placeholders (no auth, no D1), and the room socket does what the reference design does
// per message: store it (awaited), then broadcast it to every socket, sender included. No acks:
// the runner counts the sender's own copy as its ack. Joins tell the newcomer who is there, one
// frame per member, and tell the others one small frame, as the reference does.
import { DurableObject } from "cloudflare:workers";

const json = (body, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
const RECENT = 100;

export class BaselineRoom extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    // Sockets and their attachments survive hibernation; this map is a cache rebuilt on wake,
    // as is the last seq, read back from storage.
    this.sessions = new Map(ctx.getWebSockets().map((ws) => [ws, ws.deserializeAttachment()]));
    ctx.blockConcurrencyWhile(async () => {
      this.seq = (await ctx.storage.get("seq")) ?? 0;
    });
  }

  async fetch(request) {
    const name = new URL(request.url).searchParams.get("token") ?? "anonymous";
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1]);
    const info = { name, ready: false };
    pair[1].serializeAttachment(info);
    this.sessions.set(pair[1], info);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  async webSocketMessage(ws, data) {
    const frame = JSON.parse(data);
    const me = this.sessions.get(ws);
    if (me === undefined) return;
    if (frame.type === "hello") {
      ws.send(JSON.stringify({ type: "ready", roomId: "", lastSeq: this.seq, online: [] }));
      const from = Math.max(frame.afterSeq ?? 0, this.seq - RECENT);
      const recent = await this.ctx.storage.list({ start: key(from + 1), end: key(this.seq + 1) });
      for (const message of recent.values()) ws.send(JSON.stringify({ type: "message", message }));
      for (const [other, info] of this.sessions) {
        if (other === ws || !info.ready) continue;
        ws.send(JSON.stringify({ type: "joined", name: info.name }));
        other.send(JSON.stringify({ type: "joined", name: me.name }));
      }
      me.ready = true;
      ws.serializeAttachment(me);
      return;
    }
    if (frame.type !== "send") return;
    const seq = ++this.seq;
    const message = {
      seq,
      clientId: frame.clientId,
      content: frame.content,
      author: { kind: "user", name: me.name },
      createdAt: new Date().toISOString(),
    };
    await this.ctx.storage.put({ seq, [key(seq)]: message });
    const text = JSON.stringify({ type: "message", message });
    for (const [other, info] of this.sessions) {
      if (!info.ready) continue;
      try {
        other.send(text);
      } catch {
        // closing; webSocketClose cleans up
      }
    }
  }

  async webSocketClose(ws) {
    this.sessions.delete(ws);
    ws.close();
  }
}

/** Zero-padded so storage.list() returns messages in seq order. */
const key = (seq) => `m:${String(seq).padStart(12, "0")}`;

let users = 0;

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const path = url.pathname;
    if (path === "/api/health") return json({ status: "ok", checks: {}, version: "baseline" });
    if (path === "/api/auth/register" && request.method === "POST") {
      const { username } = await request.json();
      const id = `u${++users}`;
      return json({ token: username, user: { id, username, displayName: username, createdAt: new Date().toISOString() } }, 201);
    }
    if (path === "/api/rooms" && request.method === "POST") return json({ room: { id: crypto.randomUUID(), lastSeq: 0 } }, 201);
    const ws = /^\/api\/rooms\/([^/]+)\/ws$/.exec(path);
    if (ws) return env.ROOM.get(env.ROOM.idFromName(ws[1])).fetch(request);
    const room = /^\/api\/rooms\/([^/]+)(\/members)?$/.exec(path);
    if (room && request.method === "GET") return json({ room: { id: room[1] }, members: [] });
    if (room?.[2] && request.method === "POST") return json({ member: {} }, 201);
    return json({ error: { code: "not_found", message: "not in the baseline" } }, 404);
  },
};
