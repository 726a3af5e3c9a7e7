// Shim of "k6/websockets" over the `ws` package: the browser-style API k6 offers (on* handlers,
// addEventListener, send, close), k6's ws_* built-in metrics, and an open socket keeping its
// VU iteration alive until it closes, as in k6.
import NodeWebSocket from "ws";
import { als, hold, inVu, record, release } from "./runtime.mjs";

export class WebSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;

  constructor(url, _protocols, params = {}) {
    this.url = url;
    this.ctx = als.getStore();
    this.tags = params?.tags ?? {};
    this.listeners = { open: [], message: [], close: [], error: [], ping: [], pong: [] };
    this.onopen = this.onmessage = this.onclose = this.onerror = this.onping = this.onpong = undefined;
    const started = performance.now();
    if (this.ctx) hold(this.ctx);
    this.ws = new NodeWebSocket(url, { headers: params?.headers ?? {}, perMessageDeflate: false });
    this.ws.on("open", () => {
      record("ws_connecting", "trend", performance.now() - started, this.tags, true);
      record("ws_sessions", "counter", 1, this.tags);
      this.sessionStart = performance.now();
      this.emit("open", {});
    });
    this.ws.on("message", (data) => {
      record("ws_msgs_received", "counter", 1, this.tags);
      this.emit("message", { data: String(data), type: "message", timestamp: Date.now() });
    });
    this.ws.on("error", (err) => this.emit("error", { type: "error", error: String(err?.message ?? err), timestamp: Date.now() }));
    this.ws.on("close", () => {
      if (this.sessionStart !== undefined) record("ws_session_duration", "trend", performance.now() - this.sessionStart, this.tags, true);
      this.emit("close", {});
      if (this.ctx) release(this.ctx);
    });
  }

  get readyState() {
    return this.ws.readyState;
  }

  addEventListener(event, fn) {
    this.listeners[event]?.push(fn);
  }

  emit(event, payload) {
    const run = (fn) => (this.ctx ? inVu(this.ctx, fn, payload) : fn(payload));
    const handler = this[`on${event}`];
    if (typeof handler === "function") run(handler);
    for (const fn of this.listeners[event] ?? []) run(fn);
  }

  send(data) {
    record("ws_msgs_sent", "counter", 1, this.tags);
    this.ws.send(data);
  }

  close(code, reason) {
    if (this.ws.readyState === NodeWebSocket.CONNECTING) this.ws.terminate();
    else this.ws.close(code, reason);
  }

  ping() {
    this.ws.ping();
  }
}
