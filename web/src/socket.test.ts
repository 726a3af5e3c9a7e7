// The partysocket primitive: backoff with jitter, a fresh URL per attempt, no buffering while
// closed, final close codes, and clean-up with its owner.
import { createRoot } from "solid-js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createSocket, jitteredDelay } from "./socket";
import { FakeSocket } from "./test/fake-socket";

afterEach(() => FakeSocket.reset());

describe("jitteredDelay", () => {
  it("grows with the attempt, stays under the cap, and is never the same for everyone", () => {
    const samples = Array.from({ length: 50 }, () => jitteredDelay(3, 1006));
    expect(Math.max(...samples)).toBeLessThanOrEqual(4000);
    expect(new Set(samples).size).toBeGreaterThan(40);
    expect(jitteredDelay(20, 1006)).toBeLessThanOrEqual(15_000);
  });

  it("waits at least 2 s after the server said it is overloaded", () => {
    expect(jitteredDelay(1, 1013)).toBeGreaterThanOrEqual(2000);
  });
});

describe("createSocket", () => {
  it("asks for a fresh URL on every attempt and refuses to buffer while closed", async () => {
    let n = 0;
    const frames: unknown[] = [];
    const { socket, dispose } = createRoot((dispose) => ({
      socket: createSocket({
        url: () => `ws://x/${++n}`,
        onFrame: (f) => frames.push(f),
        WebSocket: FakeSocket,
        delay: () => 0,
        heartbeatMs: 0,
      }),
      dispose,
    }));
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    expect(socket.status()).toBe("connecting");
    expect(socket.send({ type: "ping" })).toBe(false);
    FakeSocket.last().open();
    expect(socket.status()).toBe("open");
    FakeSocket.last().receive({ type: "pong" });
    expect(frames).toEqual([{ type: "pong" }]);
    FakeSocket.last().drop(1006);
    expect(socket.status()).toBe("reconnecting");
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(2));
    expect(FakeSocket.all.map((s) => s.url)).toEqual(["ws://x/1", "ws://x/2"]);
    expect(FakeSocket.all[0]?.sent).toEqual([]);
    dispose();
    expect(socket.status()).toBe("closed");
  });

  it("reads the subprotocols with the URL, after the backoff, so both carry the same token", async () => {
    let token = "t1";
    const { dispose } = createRoot((dispose) => ({
      socket: createSocket({
        url: () => `ws://x/${token}`,
        protocols: () => ["parlor", `bearer.${token}`],
        onFrame: () => {},
        WebSocket: FakeSocket,
        delay: () => 60,
        heartbeatMs: 0,
      }),
      dispose,
    }));
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    expect(FakeSocket.last().protocols).toEqual(["parlor", "bearer.t1"]);
    FakeSocket.last().open();
    FakeSocket.last().drop(1006);
    // The token changes while the next attempt waits out its backoff.
    await new Promise((r) => setTimeout(r, 10));
    token = "t2";
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(2));
    expect(FakeSocket.last().url).toBe("ws://x/t2");
    expect(FakeSocket.last().protocols).toEqual(["parlor", "bearer.t2"]);
    dispose();
  });

  it("after a refreshed token's close (4002), comes back with the new token once this tab has it", async () => {
    let token = "old";
    const { dispose } = createRoot((dispose) => ({
      socket: createSocket({
        url: () => "ws://x/room",
        protocols: () => ["parlor", `bearer.${token}`],
        onFrame: () => {},
        WebSocket: FakeSocket,
        delay: () => 0,
        heartbeatMs: 0,
      }),
      dispose,
    }));
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    FakeSocket.last().open();
    FakeSocket.last().drop(4002);
    // The refresh's answer comes a moment after the close: no attempt with the old token.
    await new Promise((r) => setTimeout(r, 250));
    expect(FakeSocket.all).toHaveLength(1);
    token = "new";
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(2));
    expect(FakeSocket.last().protocols).toEqual(["parlor", "bearer.new"]);
    dispose();
  });

  it("waits for a token refresh in flight before its first attempt, and dials with the new token", async () => {
    let token = "old";
    let refreshed: () => void = () => {};
    const refresh = new Promise<void>((resolve) => (refreshed = resolve));
    const { dispose } = createRoot((dispose) => ({
      socket: createSocket({
        url: () => "ws://x/room",
        protocols: () => ["parlor", `bearer.${token}`],
        ready: () => refresh,
        onFrame: () => {},
        WebSocket: FakeSocket,
        delay: () => 0,
        heartbeatMs: 0,
      }),
      dispose,
    }));
    await new Promise((r) => setTimeout(r, 100));
    expect(FakeSocket.all).toHaveLength(0);
    token = "new";
    refreshed();
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    expect(FakeSocket.last().protocols).toEqual(["parlor", "bearer.new"]);
    dispose();
  });

  it("stays closed after a final close code", async () => {
    const onClose = vi.fn();
    createRoot(() =>
      createSocket({
        url: () => "ws://x",
        onFrame: () => {},
        onClose,
        finalCodes: [4004],
        WebSocket: FakeSocket,
        delay: () => 0,
        heartbeatMs: 0,
      }),
    );
    await vi.waitFor(() => expect(FakeSocket.all).toHaveLength(1));
    FakeSocket.last().open();
    FakeSocket.last().drop(4004);
    expect(onClose).toHaveBeenCalledWith(4004, expect.any(String));
    await new Promise((r) => setTimeout(r, 20));
    expect(FakeSocket.all).toHaveLength(1);
  });

  it("stops trying when there is no URL (signed out)", async () => {
    const { socket } = createRoot(() => ({
      socket: createSocket({ url: () => null, onFrame: () => {}, WebSocket: FakeSocket, delay: () => 0, heartbeatMs: 0 }),
    }));
    await new Promise((r) => setTimeout(r, 20));
    expect(socket.status()).toBe("closed");
    expect(FakeSocket.all).toHaveLength(0);
  });
});
