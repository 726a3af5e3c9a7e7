// A small Solid primitive around partysocket's reconnecting WebSocket. It adds what a chat needs
// on top: full-jitter backoff (so a room's clients do not all reconnect in the same instant after
// a restart), a fresh URL (and so a fresh token) for every attempt, no buffering of frames while
// closed (the caller's first frame after a connect must be `hello`), a heartbeat that notices a
// dead connection, and clean-up with the owner's `onCleanup`.
import ReconnectingWebSocket from "partysocket/ws";
import { type Accessor, createSignal, getOwner, onCleanup } from "solid-js";
import { type ClientFrame, CloseCode, parseServerFrame, type ServerFrame } from "../../shared/wire";

export type SocketStatus = "connecting" | "open" | "reconnecting" | "closed";

export type SocketOptions<F = ServerFrame> = {
  /** Called before every attempt; return null to stop trying (e.g. signed out). */
  url: () => string | null;
  /** Awaited before every attempt reads its URL (a token refresh in flight: the token it
   * replaces would be refused or closed at once). */
  ready?: () => Promise<unknown>;
  /** Subprotocols for the attempt, read right after `url()` (so both see the same token). */
  protocols?: () => string[];
  onOpen?: () => void;
  /** Each server frame; text that is not one (see parseServerFrame) never gets here. */
  onFrame: (frame: F) => void;
  /** Reads a frame; a room's frames by default, the channel's for the person's channel. */
  parse?: (data: unknown) => F | null;
  onClose?: (code: number, reason: string) => void;
  /** Close codes after which we stay closed; everything else reconnects. */
  finalCodes?: readonly number[];
  /** Backoff before reconnect attempt n (1-based). Defaults to full jitter, capped at 15 s. */
  delay?: (attempt: number, lastCode: number) => number;
  /** Heartbeat interval; 0 disables it. */
  heartbeatMs?: number;
  WebSocket?: unknown;
};

export function jitteredDelay(attempt: number, lastCode: number): number {
  const cap = Math.min(15_000, 500 * 2 ** attempt);
  // An overloaded server asked us to back off: never come back sooner than 2 s.
  const floor = lastCode === CloseCode.overloaded ? 2_000 : 0;
  return floor + Math.random() * cap;
}

export function createSocket<F = ServerFrame>(opts: SocketOptions<F>) {
  const [status, setStatus] = createSignal<SocketStatus>("connecting");
  const final = new Set(opts.finalCodes ?? []);
  const delay = opts.delay ?? jitteredDelay;
  let attempt = 0;
  let lastCode = 0;
  let everOpened = false;
  let lastFrameAt = Date.now();
  let stableTimer: ReturnType<typeof setTimeout> | undefined;
  // Resolves the current backoff wait early (see reconnectNow).
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  // partysocket asks for an attempt's URL and its subprotocols at the same moment; the
  // subprotocols wait for the URL's answer (after the backoff), so they carry the same token.
  let protocols: Promise<string[]> = Promise.resolve([]);
  // What the last attempt connected with (the token is in the URL or the subprotocols).
  const credentials = () => `${opts.url()} ${(opts.protocols?.() ?? []).join(",")}`;
  let used = "";
  const ws = new ReconnectingWebSocket(
    async () => {
      let settle: (p: string[]) => void = () => {};
      protocols = new Promise((resolve) => (settle = resolve));
      if (attempt > 0) await sleep(delay(attempt, lastCode));
      // Closed because its token was refreshed: wait for the new one, which may reach this tab
      // a moment after the close (its own refresh's answer, or another tab's storage event).
      if (lastCode === CloseCode.tokenReplaced) await newCredentials(used, credentials, sleep);
      await opts.ready?.();
      wake = undefined;
      attempt++;
      const url = opts.url();
      const offered = url === null ? [] : (opts.protocols?.() ?? []);
      used = `${url} ${offered.join(",")}`;
      settle(offered);
      if (url === null) {
        queueMicrotask(() => close());
        // partysocket needs a URL to proceed; it is closed before this one is dialled.
        return "ws://invalid.localhost/";
      }
      return url;
    },
    () => protocols,
    {
      WebSocket: opts.WebSocket,
      // Our URL provider does the waiting, with jitter; partysocket's own backoff is fixed.
      minReconnectionDelay: 0,
      maxReconnectionDelay: 0,
      connectionTimeout: 8_000,
      maxEnqueuedMessages: 0,
      shouldReconnectOnClose: (e) => !final.has(e.code),
    },
  );

  ws.addEventListener("open", () => {
    everOpened = true;
    lastFrameAt = Date.now();
    setStatus("open");
    // Only count the connection as healthy once it has stayed up a while; a server that
    // accepts and immediately closes must not get a tight reconnect loop.
    clearTimeout(stableTimer);
    stableTimer = setTimeout(() => {
      attempt = 0;
    }, 5_000);
    opts.onOpen?.();
  });
  ws.addEventListener("message", (e: MessageEvent) => {
    lastFrameAt = Date.now();
    const frame = opts.parse ? opts.parse(e.data) : (parseServerFrame(e.data) as F | null);
    if (frame) opts.onFrame(frame);
  });
  ws.addEventListener("close", (e) => {
    clearTimeout(stableTimer);
    lastCode = e.code;
    if (status() === "closed") return;
    if (final.has(e.code) || !ws.shouldReconnect) setStatus("closed");
    else setStatus(everOpened ? "reconnecting" : "connecting");
    opts.onClose?.(e.code, e.reason);
  });
  ws.addEventListener("error", () => {
    if (status() === "open") setStatus("reconnecting");
  });

  const send = (frame: ClientFrame): boolean => {
    if (ws.readyState !== ws.OPEN) return false;
    ws.send(JSON.stringify(frame));
    return true;
  };

  /** Skip the backoff: the network is back or the tab is visible again. */
  const reconnectNow = () => {
    if (status() === "closed" || ws.readyState === ws.OPEN) return;
    attempt = 0;
    if (wake) wake();
    else ws.reconnect();
  };

  const close = () => {
    if (status() === "closed") return;
    setStatus("closed");
    clearTimeout(stableTimer);
    clearInterval(heartbeat);
    wake?.();
    ws.close(1000, "bye");
  };

  // Browsers may not notice a silently dropped connection for minutes: after a quiet spell,
  // ping; if even the pong does not come, treat the socket as dead.
  const every = opts.heartbeatMs ?? 10_000;
  const heartbeat =
    every > 0
      ? setInterval(() => {
          if (ws.readyState !== ws.OPEN) return;
          const quiet = Date.now() - lastFrameAt;
          if (quiet > every * 3) ws.reconnect();
          else if (quiet >= every * 2) send({ type: "ping" });
        }, every)
      : undefined;

  // The browser knows before the socket does: drop it at once so the UI says "reconnecting"
  // and sends wait, then try again as soon as the network is back.
  const onOffline = () => {
    if (status() !== "closed" && ws.readyState === ws.OPEN) ws.reconnect();
  };
  const onOnline = () => reconnectNow();
  const onVisible = () => document.visibilityState === "visible" && reconnectNow();
  globalThis.addEventListener?.("online", onOnline);
  globalThis.addEventListener?.("offline", onOffline);
  globalThis.document?.addEventListener("visibilitychange", onVisible);

  if (getOwner()) {
    onCleanup(() => {
      globalThis.removeEventListener?.("online", onOnline);
      globalThis.removeEventListener?.("offline", onOffline);
      globalThis.document?.removeEventListener("visibilitychange", onVisible);
      close();
    });
  }

  return { status: status as Accessor<SocketStatus>, send, close, reconnectNow };
}

export type Socket = ReturnType<typeof createSocket>;

/** Waits until the credentials differ from `used`, at most 3 s (then the attempt goes ahead,
 * and a token that really ended is refused as usual). */
async function newCredentials(used: string, current: () => string, sleep: (ms: number) => Promise<void>) {
  for (let waited = 0; waited < 3_000 && current() === used; waited += 100) await sleep(100);
}
