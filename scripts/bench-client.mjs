// The benchmark's client side: REST calls (register, rooms) and a room socket that keeps the
// bookkeeping the benchmark reports on: latency from the timestamp in each message, acks,
// every seq received in order of arrival, and an outbox of unacked sends that it resends
// (same clientId) after a reconnect, as a real client must.
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import WebSocket from "ws";

export class Api {
  constructor(base) {
    this.base = base;
  }

  async req(method, path, { body, token, headers = {} } = {}) {
    const h = { ...headers };
    if (body !== undefined) h["content-type"] = "application/json";
    if (token !== undefined) h.authorization = `Bearer ${token}`;
    const res = await fetch(this.base + path, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let json;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text, headers: res.headers };
  }

  async must(method, path, opts, expected = [200, 201]) {
    const res = await this.req(method, path, opts);
    if (!expected.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${res.text.slice(0, 300)}`);
    return res.json;
  }
}

/**
 * Registers `count` users. Registration is throttled per client IP; locally every request comes
 * from 127.0.0.1, so on a 429 the runner states a distinct documentation-range address per
 * user in CF-Connecting-IP (what the Worker keys the throttle on behind Cloudflare) and notes it.
 */
export async function registerUsers(api, count, prefix, notes) {
  const users = [];
  let spoof = false;
  for (let i = 0; i < count; i++) {
    const username = `${prefix}${String(i).padStart(4, "0")}`;
    const body = { username, password: "bench-password-1", displayName: `Bench ${i}` };
    for (let attempt = 0; ; attempt++) {
      const headers = spoof
        ? { "cf-connecting-ip": `198.18.${(i >> 8) & 255}.${i & 255}`, "x-forwarded-for": `198.18.${(i >> 8) & 255}.${i & 255}` }
        : {};
      const res = await api.req("POST", "/api/auth/register", { body, headers });
      if (res.status === 201) {
        users.push({ ...res.json.user, token: res.json.token });
        break;
      }
      if (res.status === 429 && attempt < 3) {
        if (!spoof) notes.push(`register throttled after ${i} users; continued with a distinct CF-Connecting-IP per user`);
        spoof = true;
        await sleep(attempt === 0 ? 0 : Math.min(Number(res.headers.get("retry-after") ?? 1), 5) * 1000);
        continue;
      }
      throw new Error(`register ${username}: ${res.status} ${res.text.slice(0, 300)}`);
    }
  }
  return users;
}

/**
 * A room with `users` as members (users[0] owns it). Up to 99 go in the create call, the most
 * it takes, which writes no room notices; any more are added one by one through POST /members,
 * which is also part of the API (each adds an "added …" notice to the room).
 */
const CREATE_MEMBERS = 99;

export async function createRoom(api, users, title) {
  const [owner, ...rest] = users;
  const first = rest.slice(0, CREATE_MEMBERS);
  const res = await api.req("POST", "/api/rooms", {
    token: owner.token,
    body: { title, aiMode: "off", members: first.map((u) => u.username) },
  });
  if (res.status !== 201) throw new Error(`create room: ${res.status} ${res.text.slice(0, 300)}`);
  const room = res.json.room;
  const detail = await api.must("GET", `/api/rooms/${room.id}`, { token: owner.token });
  const have = new Set((detail.members ?? []).map((m) => m.user?.username));
  const missing = rest.filter((u) => !have.has(u.username));
  // Sixteen at a time: setup, not the thing measured (D1 has a single writer anyway).
  for (let i = 0; i < missing.length; i += 16) {
    await Promise.all(
      missing
        .slice(i, i + 16)
        .map((u) => api.must("POST", `/api/rooms/${room.id}/members`, { token: owner.token, body: { username: u.username } })),
    );
  }
  return room;
}

/** Timestamp written into the content: sender and receivers share this process's clock. */
export const stampContent = (clientId) => `b ${performance.now().toFixed(3)} ${clientId}`;
export const readStamp = (content) =>
  content.charCodeAt(0) === 98 && content.charCodeAt(1) === 32 ? Number.parseFloat(content.slice(2)) : Number.NaN;

export class RoomClient {
  /** `ackOnEcho`: for a server without acks (the baseline), the sender's own copy is its ack. */
  constructor({ port, roomId, user, index, ackOnEcho = false }) {
    this.roomId = roomId;
    this.user = user;
    this.usePort(port);
    this.ackOnEcho = ackOnEcho;
    this.index = index;
    this.lastSeq = 0;
    /** seq and clientId of every `message` frame, in arrival order: the client's view. */
    this.view = [];
    /** clientId -> content, until acked; resent after a reconnect. */
    this.outbox = new Map();
    /** clientId -> seq from the ack. */
    this.acked = new Map();
    this.counters = { acks: 0, rateLimited: 0, errors: 0, reconnects: 0, unexpectedCloses: 0, resends: 0, conflictingAcks: 0 };
    this.onDelivery = undefined; // (latencyMs, message) => void, set per phase
    /** Bytes of every `message` frame received (as the server sent it, before parsing). */
    this.messageBytes = 0;
    this.frameBytes = 0;
    this.onAck = undefined;
    this.ws = undefined;
    this.closing = false;
  }

  /** Where the next connect() goes: wrangler dev's proxy, or the runtime behind it. */
  usePort(port) {
    this.url = `ws://127.0.0.1:${port}/api/rooms/${this.roomId}/ws?token=${encodeURIComponent(this.user.token)}`;
  }

  /** Where a reconnect resumes: one before the last message seen. A quiet room sends a message
   * to the others just before writing it, so the last one may be lost in a crash; the room
   * sends it again if it has it (docs/API.md, "Early delivery"). */
  resumeFrom() {
    return Math.max(0, this.lastSeq - 1);
  }

  /** Opens the socket, says hello with afterSeq, resolves with ms from open() to `ready`. What
   * the view holds beyond afterSeq is taken out of it: the catch-up sends what the room has. */
  connect(afterSeq = this.lastSeq, timeoutMs = 30_000) {
    if (afterSeq < this.lastSeq) {
      const keep = [];
      for (let k = 0; k < this.view.length; k += 2) if (this.view[k] <= afterSeq) keep.push(this.view[k], this.view[k + 1]);
      this.view = keep;
      this.lastSeq = afterSeq;
    }
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, { perMessageDeflate: false });
      this.ws = ws;
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`client ${this.index}: no ready within ${timeoutMs} ms`));
      }, timeoutMs);
      ws.on("open", () => {
        // Upgrade answered (auth, membership, the room object accepted the socket).
        this.openMs = performance.now() - started;
        ws.send(this.helloFrame(afterSeq));
      });
      ws.on("unexpected-response", (_req, res) => {
        clearTimeout(timer);
        reject(new Error(`client ${this.index}: upgrade refused with ${res.statusCode}`));
      });
      ws.on("error", (err) => {
        clearTimeout(timer);
        reject(err);
      });
      ws.on("close", () => {
        clearTimeout(timer);
        if (!this.closing) this.counters.unexpectedCloses++;
        this.onClose?.();
      });
      ws.on("message", (data) => {
        this.frameBytes = data.length;
        const frame = JSON.parse(String(data));
        if (this.isReady(frame)) {
          clearTimeout(timer);
          resolve(performance.now() - started);
          // Unacked sends go again with the same clientId: the server must not store twice.
          for (const [clientId, content] of this.outbox) {
            this.counters.resends++;
            ws.send(this.sendFrame(clientId, content));
          }
          return;
        }
        this.handle(frame);
      });
    });
  }

  handle(frame) {
    switch (frame.type) {
      case "message": {
        const m = frame.message;
        this.view.push(m.seq, m.clientId ?? "");
        this.messageBytes += this.frameBytes;
        if (m.seq > this.lastSeq) this.lastSeq = m.seq;
        // A room notice (a member added during set-up) is no one's send: nothing to time.
        if (this.onDelivery !== undefined && m.author?.kind !== "system") this.onDelivery(performance.now() - readStamp(m.content), m);
        if (this.ackOnEcho && this.outbox.has(m.clientId)) this.handle({ type: "ack", clientId: m.clientId, seq: m.seq });
        break;
      }
      case "ack": {
        const prev = this.acked.get(frame.clientId);
        if (prev !== undefined && prev !== frame.seq) this.counters.conflictingAcks++;
        this.acked.set(frame.clientId, frame.seq);
        this.outbox.delete(frame.clientId);
        this.counters.acks++;
        this.onAck?.(frame.clientId, frame.seq);
        break;
      }
      case "rate_limited":
        this.counters.rateLimited++;
        if (frame.clientId !== undefined) this.outbox.delete(frame.clientId);
        this.onRefused?.(frame.clientId);
        break;
      case "error":
        this.counters.errors++;
        if (this.counters.errors <= 3) console.warn(`  client ${this.index} error frame: ${frame.code} ${frame.message}`);
        if (frame.clientId !== undefined) {
          this.outbox.delete(frame.clientId);
          this.onRefused?.(frame.clientId);
        }
        break;
      default:
        break;
    }
  }

  send(clientId, content = stampContent(clientId)) {
    this.outbox.set(clientId, content);
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(this.sendFrame(clientId, content));
  }

  // The protocol's frames, overridden by the reference's client adapter (bench-reference.mjs).
  helloFrame(afterSeq) {
    return JSON.stringify({ type: "hello", afterSeq });
  }

  isReady(frame) {
    return frame.type === "ready";
  }

  sendFrame(clientId, content) {
    return JSON.stringify({ type: "send", clientId, content });
  }

  isOpen() {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  close() {
    this.closing = true;
    this.ws?.close(1000);
  }
}

/** Connects clients `concurrency` at a time; returns open-to-ready times and open-to-upgrade. */
export async function connectAll(clients, concurrency = clients.length) {
  const ready = [];
  const upgraded = [];
  let next = 0;
  const worker = async () => {
    while (next < clients.length) {
      const c = clients[next++];
      ready.push(await c.connect());
      upgraded.push(c.openMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, clients.length) }, worker));
  return { ready, upgraded };
}

/**
 * Closes with 1000 and waits up to 2 s for the server's close frame; sockets still open then
 * are terminated (TCP closed). Returns how many needed that: a server that never answers a
 * close handshake leaves the client waiting (and reporting 1006), which is worth reporting.
 */
export async function closeAll(clients, waitMs = 2000) {
  const open = clients.filter((c) => c.ws !== undefined && c.ws.readyState !== WebSocket.CLOSED);
  const closed = open.map((c) => new Promise((r) => c.ws.once("close", r)));
  for (const c of clients) c.close();
  await Promise.race([Promise.all(closed), sleep(waitMs)]);
  let unanswered = 0;
  for (const c of open) {
    if (c.ws.readyState === WebSocket.CLOSED) continue;
    unanswered++;
    c.ws.terminate();
  }
  return { closed: open.length, unanswered };
}
