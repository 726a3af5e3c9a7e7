// A Vite plugin for `npm run dev`: the Worker's WebSocket upgrades as the platform answers
// them, refusals included.
//
// Why: the Cloudflare Vite plugin (1.64) forwards an upgrade to the Worker and, when the
// Worker answers with anything but a WebSocket (401 no token, 403 not a member or a foreign
// Origin, 404 unknown room, 429), destroys the client's socket without a word: the client sees
// a hang-up and cannot tell why (upstream: workers-sdk issue 15170, fix proposed in PR 15205,
// not released). Here those answers reach the client with their status, headers and JSON
// body, as under `wrangler dev` and on Cloudflare.
//
// How: this listener runs before the Cloudflare plugin's and takes every upgrade that is not
// Vite's own (HMR). It marks the request so the Cloudflare plugin's listener, which leaves
// `vite*` subprotocols to Vite, skips it; dispatches it to the Worker through the same
// Miniflare instance (captured when the plugin hands it to the Worker's environment); then
// either couples the sockets as the plugin does, or writes the Worker's HTTP answer.
import type { IncomingMessage } from "node:http";
import { STATUS_CODES } from "node:http";
import { createRequire } from "node:module";
import type { Duplex } from "node:stream";
import type { Plugin } from "vite";
import { WebSocketServer } from "ws";

// The Miniflare the Cloudflare plugin itself uses (it pins its own copy), for coupleWebSocket
// and the routing header: resolved from the plugin's own location.
const fromPlugin = createRequire(import.meta.resolve("@cloudflare/vite-plugin"));
const { coupleWebSocket, CoreHeaders } = fromPlugin("miniflare") as {
  coupleWebSocket(client: unknown, worker: unknown): Promise<void>;
  CoreHeaders: { ROUTE_OVERRIDE: string };
};

/** The part of Miniflare's response this needs: a Response, plus the Worker's WebSocket. */
type WorkerResponse = Response & { webSocket?: unknown };
type Dispatcher = { dispatchFetch(url: URL, init: { headers: Headers; method?: string }): Promise<WorkerResponse> };

/** A subprotocol the Cloudflare plugin treats as Vite's, and Vite's HMR server does not take. */
const HANDLED = "vite-parlor-handled";
const VITE_PROTOCOLS = new Set(["vite-hmr", "vite-ping"]);
const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "content-length"]);

export function websocketUpgrades(workerName: string): Plugin {
  let miniflare: Dispatcher | undefined;
  return {
    name: "parlor:websocket-upgrades",
    apply: "serve",
    // Before the Cloudflare plugin, whose configureServer hands Miniflare to the environments.
    enforce: "pre",
    configureServer(server) {
      // The Cloudflare plugin passes its Miniflare to each Worker environment's initRunner.
      for (const env of Object.values(server.environments) as { initRunner?: (mf: Dispatcher, ...rest: unknown[]) => unknown }[]) {
        const init = env.initRunner;
        if (typeof init !== "function") continue;
        env.initRunner = function (this: unknown, mf, ...rest) {
          miniflare = mf;
          return init.call(this, mf, ...rest);
        };
      }
      server.httpServer?.prependListener("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        const offered = req.headers["sec-websocket-protocol"];
        if (offered !== undefined && VITE_PROTOCOLS.has(offered.split(",")[0]?.trim() ?? "")) return;
        const mf = miniflare;
        if (mf === undefined) return; // not started yet: the Cloudflare plugin answers as before
        // Synchronously, before the Cloudflare plugin's listener reads it.
        if (offered === undefined) req.headers["sec-websocket-protocol"] = HANDLED;
        else req.headers["sec-websocket-protocol"] = `${HANDLED}, ${offered}`;
        queueMicrotask(() => {
          if (offered === undefined) delete req.headers["sec-websocket-protocol"];
          else req.headers["sec-websocket-protocol"] = offered;
          forward(mf, workerName, req, socket, head).catch(() => socket.destroy());
        });
      });
    },
  };
}

async function forward(mf: Dispatcher, workerName: string, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  socket.on("error", () => socket.destroy());
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] as string;
    if (!name.startsWith(":")) headers.append(name, req.rawHeaders[i + 1] as string);
  }
  headers.set(CoreHeaders.ROUTE_OVERRIDE, workerName);
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  const response = await mf.dispatchFetch(url, { headers, method: req.method });
  const worker = response.webSocket;
  if (worker === null || worker === undefined) return refuse(socket, response);
  const chosen = response.headers.get("sec-websocket-protocol");
  const server = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: () => chosen ?? false });
  server.handleUpgrade(req, socket, head, (client) => {
    void coupleWebSocket(client, worker);
  });
}

/** Writes the Worker's refusal as the HTTP response to the upgrade, then closes. */
async function refuse(socket: Duplex, response: WorkerResponse): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const lines = [`HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ""}`];
  for (const [name, value] of response.headers) if (!HOP_BY_HOP.has(name)) lines.push(`${name}: ${value}`);
  lines.push("connection: close", `content-length: ${body.byteLength}`, "", "");
  socket.end(Buffer.concat([Buffer.from(lines.join("\r\n")), body]));
}
