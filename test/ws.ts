// A WebSocket client for tests: opens a real socket through the Worker's fetch handler (the
// same path a browser takes), records every frame, and waits for the ones a test expects. The
// path, the hello and the parsing of frames come from the wire module, as in every client.
import { exports } from "cloudflare:workers";
import { type ClientFrame, hello as helloFrame, parseServerFrame, roomSocketPath, type ServerFrame } from "../shared/wire";
import { BASE } from "./helpers";

export type Client = {
  ws: WebSocket;
  frames: ServerFrame[];
  closed: Promise<{ code: number; reason: string }>;
  send(frame: ClientFrame | Record<string, unknown> | string): void;
  next<T extends ServerFrame["type"]>(
    type: T,
    match?: (f: Extract<ServerFrame, { type: T }>) => boolean,
    timeoutMs?: number,
  ): Promise<Extract<ServerFrame, { type: T }>>;
  close(): void;
};

export async function openSocket(token: string | null, roomId: string, headers: Record<string, string> = {}): Promise<Response> {
  const url = `${BASE}${roomSocketPath(roomId)}${token ? `?token=${encodeURIComponent(token)}` : ""}`;
  return exports.default.fetch(new Request(url, { headers: { Upgrade: "websocket", ...headers } }));
}

export async function connect(
  token: string,
  roomId: string,
  hello: { afterSeq?: number; afterChange?: number } | null = {},
): Promise<Client> {
  const res = await openSocket(token, roomId);
  const ws = res.webSocket;
  if (res.status !== 101 || !ws) throw new Error(`upgrade refused: ${res.status} ${await res.text()}`);
  ws.accept();
  const frames: ServerFrame[] = [];
  const waiters = new Set<() => void>();
  ws.addEventListener("message", (e) => {
    const frame = parseServerFrame(e.data);
    if (!frame) throw new Error(`the server sent a frame that is not one: ${String(e.data).slice(0, 200)}`);
    frames.push(frame);
    for (const w of waiters) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener("close", (e) => {
      resolve({ code: e.code, reason: e.reason });
      for (const w of waiters) w();
    }),
  );
  let cursor = 0;
  const client: Client = {
    ws,
    frames,
    closed,
    send: (frame) => ws.send(typeof frame === "string" ? frame : JSON.stringify(frame)),
    // Returns the first not-yet-consumed frame of this type that matches, in arrival order.
    next(type, match, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (let i = cursor; i < frames.length; i++) {
            const f = frames[i] as ServerFrame;
            if (f.type === type && (!match || match(f as never))) {
              cursor = i + 1;
              waiters.delete(check);
              clearTimeout(timer);
              resolve(f as never);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${type} frame within ${timeoutMs} ms; got ${JSON.stringify(frames.slice(cursor))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: () => ws.close(1000, "bye"),
  };
  if (hello) {
    client.send(helloFrame(hello.afterSeq, hello.afterChange));
    await client.next("ready");
  }
  return client;
}

/** The final version of the AI reply to `triggerSeq` (no longer streaming), as `client` saw it. */
export function finalReply(client: Client, triggerSeq: number, timeoutMs = 15_000) {
  return client.next(
    "message",
    (f) => f.message.author.kind === "ai" && f.message.replyTo === triggerSeq && f.message.status !== "streaming",
    timeoutMs,
  );
}
