// The black-box suite's only ways in: HTTP with fetch and WebSockets with the `ws` package,
// against a running dev server, exactly as any client would reach it. The wire contract (types,
// the socket's path and subprotocols, frame parsing) comes from the wire module, as in every
// client.
import WebSocket from "ws";
import {
  type ClientFrame,
  type Message,
  parseServerFrame,
  type Room,
  roomSocketPath,
  type ServerFrame,
  tokenProtocols,
  type User,
  WS_PROTOCOL,
} from "../../shared/wire";

export type Reply<T = unknown> = { status: number; contentType: string; body: T; text: string };
export type Account = { token: string; user: User };

/** One HTTP call; the body is parsed when the answer is JSON, kept as text otherwise. */
export async function call<T = Record<string, unknown>>(
  base: string,
  path: string,
  init: {
    method?: string;
    token?: string;
    body?: unknown;
    headers?: Record<string, string>;
    /** Send the body as a stream, in 64 KiB chunks (chunked, no Content-Length). */
    chunked?: boolean;
  } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.Authorization = `Bearer ${init.token}`;
  let body: string | undefined;
  if (init.body !== undefined) {
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body);
    headers["Content-Type"] ??= "application/json";
  }
  const method = init.method ?? (body === undefined ? "GET" : "POST");
  const res = await fetch(
    `${base}${path}`,
    // Node's fetch needs `duplex` for a streamed body; the DOM's RequestInit type lacks it.
    init.chunked && body !== undefined
      ? ({ method, headers, body: chunks(body), duplex: "half" } as RequestInit)
      : { method, headers, body },
  );
  const text = await res.text();
  const contentType = res.headers.get("content-type") ?? "";
  let parsed: unknown = text;
  if (contentType.includes("application/json")) parsed = JSON.parse(text);
  return { status: res.status, contentType, body: parsed as T, text };
}

function chunks(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, (at += 64 * 1024)));
    },
  });
}

let counter = 0;
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}_${Date.now().toString(36)}${counter}`.slice(0, 32);
}

export async function signUp(base: string, prefix: string): Promise<Account> {
  const r = await call<Account>(base, "/api/auth/register", { body: { username: uniqueName(prefix), password: "correct horse battery" } });
  if (r.status !== 201) throw new Error(`register: ${r.status} ${r.text.slice(0, 300)}`);
  return r.body;
}

export async function createRoom(base: string, owner: Account, input: Record<string, unknown> = {}): Promise<Room> {
  const r = await call<{ room: Room }>(base, "/api/rooms", { token: owner.token, body: { aiMode: "off", ...input } });
  if (r.status !== 201) throw new Error(`create room: ${r.status} ${r.text.slice(0, 300)}`);
  return r.body.room;
}

/** What an upgrade attempt came to: an open socket, or the HTTP answer that refused it. */
export type Upgrade = { socket: RoomSocket } | { refused: { status: number; body: unknown } };

/**
 * Opens /api/rooms/:id/ws as the web app does (token as a `bearer.` subprotocol beside
 * `parlor`, Origin of the page). A refusal resolves with its status and parsed body; a
 * connection dropped without an HTTP answer rejects, which is what the suite must not see.
 */
export function upgrade(base: string, roomId: string, opts: { token?: string; origin?: string } = {}): Promise<Upgrade> {
  const protocols = opts.token ? tokenProtocols(opts.token) : [WS_PROTOCOL];
  const ws = new WebSocket(`${base.replace(/^http/, "ws")}${roomSocketPath(roomId)}`, protocols, { origin: opts.origin ?? base });
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve({ socket: new RoomSocket(ws) }));
    ws.once("unexpected-response", (_req, res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d));
      res.on("end", () => {
        const type = String(res.headers["content-type"] ?? "");
        resolve({ refused: { status: res.statusCode ?? 0, body: type.includes("json") ? JSON.parse(text) : text } });
      });
    });
    ws.once("error", (err) => reject(new Error(`upgrade to room ${roomId} failed without an HTTP answer: ${err.message}`)));
  });
}

/** A room socket that keeps every frame it received, so tests can wait for one. */
export class RoomSocket {
  readonly frames: ServerFrame[] = [];
  private waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const frame = parseServerFrame(String(data));
      if (!frame) throw new Error(`the server sent a frame that is not one: ${String(data).slice(0, 200)}`);
      this.frames.push(frame);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  send(frame: ClientFrame): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** Resolves with the first frame (already received or still to come) that matches. */
  async next<T extends ServerFrame>(match: (f: ServerFrame) => f is T, what: string, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms; got ${this.frames.map((f) => f.type).join(", ")}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.ws.close(1000, "done");
  }
}

export const isReady = (f: ServerFrame): f is Extract<ServerFrame, { type: "ready" }> => f.type === "ready";
export const isAck =
  (clientId: string) =>
  (f: ServerFrame): f is Extract<ServerFrame, { type: "ack" }> =>
    f.type === "ack" && f.clientId === clientId;
export const isMessage =
  (test: (m: Message) => boolean) =>
  (f: ServerFrame): f is Extract<ServerFrame, { type: "message" }> =>
    f.type === "message" && test(f.message);
