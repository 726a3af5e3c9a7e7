// A client of a person's channel (GET /api/me/ws) for tests: opens a real socket through the
// Worker's fetch handler, as a browser tab does, keeps every frame, and waits for a frame that
// a test expects by polling what arrived.
import { exports } from "cloudflare:workers";
import { CHANNEL_SOCKET_PATH, type ChannelFrame, parseChannelFrame } from "../shared/wire";
import { BASE } from "./helpers";

export type ChannelClient = {
  frames: ChannelFrame[];
  /** Settles when the server closes the socket (or the test does), with its code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  /** The frames of one type, in arrival order. */
  of<T extends ChannelFrame["type"]>(type: T): Extract<ChannelFrame, { type: T }>[];
  /** The first frame of `type` matching `match`, waiting up to `timeoutMs` for it. */
  waitFor<T extends ChannelFrame["type"]>(
    type: T,
    match?: (f: Extract<ChannelFrame, { type: T }>) => boolean,
    timeoutMs?: number,
  ): Promise<Extract<ChannelFrame, { type: T }>>;
  ping(): Promise<void>;
  close(): void;
};

export function openChannel(token: string | null, headers: Record<string, string> = {}): Promise<Response> {
  const url = `${BASE}${CHANNEL_SOCKET_PATH}${token ? `?token=${encodeURIComponent(token)}` : ""}`;
  return exports.default.fetch(new Request(url, { headers: { Upgrade: "websocket", ...headers } }));
}

export async function connectChannel(token: string): Promise<ChannelClient> {
  const res = await openChannel(token);
  const ws = res.webSocket;
  if (res.status !== 101 || !ws) throw new Error(`upgrade refused: ${res.status} ${await res.text()}`);
  ws.accept();
  const frames: ChannelFrame[] = [];
  ws.addEventListener("message", (e) => {
    const frame = parseChannelFrame(e.data);
    if (!frame) throw new Error(`the server sent a frame that is not one: ${String(e.data).slice(0, 200)}`);
    frames.push(frame);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })),
  );
  const of = <T extends ChannelFrame["type"]>(type: T) => frames.filter((f): f is Extract<ChannelFrame, { type: T }> => f.type === type);
  const client: ChannelClient = {
    frames,
    closed,
    of,
    async waitFor(type, match, timeoutMs = 8000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = of(type).find((f) => !match || match(f));
        if (found) return found;
        if (Date.now() > until) throw new Error(`no ${type} frame within ${timeoutMs} ms; got ${JSON.stringify(frames)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async ping() {
      const pongs = of("pong").length;
      ws.send('{"type":"ping"}');
      await client.waitFor("pong", () => of("pong").length > pongs);
    },
    close: () => ws.close(1000, "bye"),
  };
  await client.waitFor("ready");
  return client;
}
