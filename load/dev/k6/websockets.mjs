// Shim of "k6/websockets" over the `ws` package, with the API surface of k6's own module
// (internal/js/modules/k6/websockets/websockets.go in github.com/grafana/k6) and nothing more:
// - the module exports WebSocket and Blob; the WebSocket constructor has no CONNECTING/OPEN/
//   CLOSING/CLOSED constants (k6 up to at least v2.2 defines none, on the constructor or on
//   instances, although @types/k6 declares them): reading one throws here, where k6 would
//   give undefined and make `readyState === WebSocket.OPEN` silently false;
// - an instance has url, readyState, bufferedAmount, extensions, protocol, binaryType, the
//   on{open,message,error,close,ping,pong} handlers, addEventListener, send, ping and close;
// - send and ping throw "InvalidStateError" unless the socket is open; close takes 1000 or
//   3000-4999 and a reason of at most 123 bytes; messages arriving after close() started are
//   dropped, as k6 only delivers them while the socket is OPEN;
// - close() during the handshake throws: k6 before v2.3 never returns from it (its write queue
//   is read only once connected; grafana/k6#6351), which hangs the VU for good;
// - events carry type, target and timestamp, plus data and origin (message), error (error),
//   code and reason (close).
// k6's ws_* built-in metrics are recorded, and an open socket keeps its VU iteration alive.
import NodeWebSocket from "ws";
import { als, hold, inVu, record, release, strict } from "./runtime.mjs";

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
const EVENTS = ["open", "message", "error", "close", "ping", "pong"];
const INSTANCE = ["url", "readyState", "bufferedAmount", "extensions", "protocol", "binaryType"];
const METHODS = ["addEventListener", "send", "ping", "close"];

function WebSocketShim(url, protocols, params) {
  if (!new.target) throw new TypeError("WebSocket must be called with new");
  const parsed = new URL(String(url));
  if (parsed.protocol !== "ws:" && parsed.protocol !== "wss:")
    throw new Error(`WebSocket requires url with scheme ws or wss, but got "${parsed.protocol.slice(0, -1)}"`);
  if (parsed.hash !== "") throw new Error(`WebSocket requires no url fragment, but got "${parsed.hash.slice(1)}"`);
  const ctx = als.getStore();
  const tags = params?.tags ?? {};
  const listeners = Object.fromEntries(EVENTS.map((e) => [e, []]));
  const handlers = {};
  let state = CONNECTING;
  let closeCode = 0;
  let closeReason = "";
  const started = performance.now();
  const list = protocols == null ? [] : Array.isArray(protocols) ? protocols.map(String) : [String(protocols)];
  const ws = new NodeWebSocket(String(url), list, { headers: params?.headers ?? {}, perMessageDeflate: false });
  if (ctx) hold(ctx);

  const self = {};
  const event = (type, extra = {}) =>
    strict(
      { type, target: proxy, timestamp: Date.now(), ...extra },
      ["type", "target", "timestamp", ...Object.keys(extra)],
      `${type} event`,
    );
  const emit = (type, payload) => {
    const run = (fn) => (ctx ? inVu(ctx, fn, payload) : fn(payload));
    if (typeof handlers[type] === "function") run(handlers[type]);
    for (const fn of listeners[type]) run(fn);
  };
  const assertOpen = () => {
    if (state !== OPEN) throw new Error("InvalidStateError");
  };

  ws.on("open", () => {
    record("ws_connecting", "trend", performance.now() - started, tags, true);
    record("ws_sessions", "counter", 1, tags);
    state = OPEN;
    emit("open", event("open"));
  });
  ws.on("message", (data, isBinary) => {
    if (state !== OPEN) return;
    record("ws_msgs_received", "counter", 1, tags);
    emit("message", event("message", { data: isBinary ? data : String(data), origin: String(url) }));
  });
  ws.on("ping", () => emit("ping", event("ping")));
  ws.on("pong", () => emit("pong", event("pong")));
  ws.on("error", (err) => {
    if (state === CONNECTING) record("ws_sessions", "counter", 1, tags);
    emit("error", event("error", { error: String(err?.message ?? err) }));
  });
  ws.on("close", (code, reason) => {
    if (state !== CONNECTING) record("ws_session_duration", "trend", performance.now() - started, tags, true);
    state = CLOSED;
    if (closeCode === 0 && code !== 1005) closeCode = code;
    closeReason ||= String(reason ?? "");
    emit("close", event("close", { ...(closeCode !== 0 ? { code: closeCode } : {}), reason: closeReason }));
    if (ctx) release(ctx);
  });

  Object.defineProperties(self, {
    url: { value: String(url), enumerable: true },
    readyState: { get: () => state, enumerable: true },
    bufferedAmount: { get: () => ws.bufferedAmount, enumerable: true },
    extensions: { get: () => [], enumerable: true },
    protocol: { get: () => ws.protocol, enumerable: true },
    binaryType: { value: "blob", writable: true, enumerable: true },
  });
  for (const type of EVENTS) {
    Object.defineProperty(self, `on${type}`, {
      get: () => handlers[type],
      set: (fn) => {
        if (fn != null && typeof fn !== "function") throw new TypeError(`a value for 'on${type}' should be callable`);
        handlers[type] = fn ?? undefined;
      },
      enumerable: true,
    });
  }
  self.addEventListener = (type, fn) => {
    if (typeof fn !== "function") throw new TypeError(`handler for event type "${type}" isn't a callable function`);
    if (listeners[type] === undefined) console.warn(`can't add event handler: unknown event type ${type}`);
    else listeners[type].push(fn);
  };
  self.send = (data) => {
    assertOpen();
    record("ws_msgs_sent", "counter", 1, tags);
    ws.send(data);
  };
  self.ping = () => {
    assertOpen();
    ws.ping();
  };
  self.close = (code = 0, reason = "") => {
    if (state === CLOSED || state === CLOSING) return;
    if (code !== 0 && code !== 1000 && !(code >= 3000 && code <= 4999)) {
      throw new Error(
        `InvalidAccessError: Failed to execute 'close' on 'WebSocket': The close code must be either 1000, or between 3000 and 4999. ${code} is neither`,
      );
    }
    if (Buffer.byteLength(String(reason)) > 123)
      throw new Error("SyntaxError: Failed to execute 'close' on 'WebSocket': The message must not be greater than 123 bytes");
    if (state === CONNECTING)
      throw new Error("k6 before v2.3 never returns from close() during the handshake (grafana/k6#6351): close from onopen");
    state = CLOSING;
    closeCode = code || 1000;
    ws.close(closeCode, reason);
  };
  const proxy = strict(self, [...INSTANCE, ...METHODS, ...EVENTS.map((e) => `on${e}`)], "WebSocket instance");
  return proxy;
}

// Constructor properties are what a plain function has; no readyState constants.
export const WebSocket = strict(WebSocketShim, ["prototype", "name", "length"], "WebSocket");

/** k6's Blob: the suite never sends binary frames, so only its existence is modelled. */
export class Blob {
  constructor(parts = []) {
    this.parts = parts;
  }
}
