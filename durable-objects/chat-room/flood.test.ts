// One member flooding a room from one socket: cut off with 4008 after a bounded number of
// refusals, while another member of the same room and another room keep being answered.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CloseCode, FLOOD_STRIKES, type Message } from "../../shared/wire";
import { api, createRoom, post, roomWith } from "../../test/helpers";
import { type Client, connect, openSocket } from "../../test/ws";
import { chatRoom } from "./chat-room";
import { FLOOD_COOL_OFF_MS, FloodGuard, OffenderTable, OTHER_FRAMES_BURST } from "./flood-guard";

describe("a flooding socket", () => {
  it("is closed with 4008 after 10,000 frames sent as fast as it takes them; the others keep talking", async () => {
    const [room, ann, bob] = await roomWith("flooder", "bystander");
    const other = await createRoom(bob);
    const a = await connect(ann.token, room.id);
    const b = await connect(bob.token, room.id);
    for (let i = 0; i < 10_000; i++) {
      a.send({ type: "send", clientId: `f${i}`, content: `flood ${i}` });
      // The bystander's sends, spread through the burst.
      if (i % 2_000 === 0) b.send({ type: "send", clientId: `b${i}`, content: `paced ${i}` });
    }
    expect((await a.closed).code).toBe(CloseCode.flooding);
    for (let i = 0; i < 10_000; i += 2_000) expect((await b.next("ack", (f) => f.clientId === `b${i}`)).seq).toBeGreaterThan(0);
    // Another room answers normally, and so does this one for the bystander.
    expect((await post(bob, other.id, "elsewhere")).status).toBe(201);
    b.send({ type: "send", clientId: "after", content: "after the flood" });
    await b.next("ack", (f) => f.clientId === "after");
    // The flooder was heard for its burst (10 sends) and FLOOD_STRIKES refusals, nothing more.
    expect(a.frames.filter((f) => f.type === "rate_limited").length).toBeLessThanOrEqual(FLOOD_STRIKES);
    const page = await api<{ messages: Message[] }>(`/rooms/${room.id}/messages?limit=100`, { token: bob.token });
    expect(page.body.messages.filter((m) => m.author.id === ann.user.id).length).toBeLessThanOrEqual(10);
    b.close();
  });

  it.each([
    ["typing", { type: "typing" }],
    ["malformed", "garbage{"],
    ["refused", { type: "stop", seq: 999_999 }],
  ])("is closed with 4008 for a flood of %s frames too, and the others keep talking", async (_kind, frame) => {
    const [room, ann, bob] = await roomWith("typist", "reader");
    const a = await connect(ann.token, room.id);
    const b = await connect(bob.token, room.id);
    // A person types, edits or stops a reply a few times a second; this is thousands at once.
    for (let i = 0; i < 3_000 && a.ws.readyState === WebSocket.OPEN; i++) {
      a.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
      if (i === 1_500) b.send({ type: "send", clientId: "mid", content: "mid-flood" });
    }
    const closed = await a.closed;
    expect(closed.code).toBe(CloseCode.flooding);
    expect(closed.reason).toMatch(/^Flooding: too many frames; reconnect in \d+ s$/);
    await b.next("ack", (f) => f.clientId === "mid");
    // The reader heard a bounded number of typing frames, not thousands.
    expect(b.frames.filter((f) => f.type === "typing").length).toBeLessThanOrEqual(OTHER_FRAMES_BURST + 5);
    expect((await openSocket(ann.token, room.id)).status).toBe(429);
    b.close();
  });

  it("keeps its member out of the room for a while: an upgrade at once is refused with 429 and Retry-After", async () => {
    const [room, ann, bob] = await roomWith("reflooder", "neighbour");
    const other = await createRoom(ann);
    const a = await connect(ann.token, room.id);
    for (let i = 0; i < 10 + FLOOD_STRIKES + 1; i++) a.send({ type: "send", clientId: `r${i}`, content: `flood ${i}` });
    const first = await a.closed;
    expect(first.code).toBe(CloseCode.flooding);
    expect(first.reason).toMatch(/reconnect in 30 s$/);
    // Straight back in: no socket at all, so a burst sent without waiting for `ready` has
    // nowhere to go; told how long is left.
    const again = await openSocket(ann.token, room.id);
    expect(again.status).toBe(429);
    expect(again.webSocket).toBeNull();
    expect(again.headers.get("X-Request-Id")).toBeTruthy();
    expect(Number(again.headers.get("Retry-After"))).toBeGreaterThanOrEqual(29);
    expect(Number(again.headers.get("Retry-After"))).toBeLessThanOrEqual(30);
    const body = (await again.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("rate_limited");
    expect(body.error.message).toMatch(/reconnect in (29|30) s/);
    // Only the flooder, only in this room.
    const b = await connect(bob.token, room.id);
    b.send({ type: "send", clientId: "still", content: "still here" });
    await b.next("ack", (f) => f.clientId === "still");
    const elsewhere = await connect(ann.token, other.id);
    expect(elsewhere.ws.readyState).toBe(WebSocket.OPEN);
    b.close();
    elsewhere.close();
  });

  it("acks every send it stored before the 4008", async () => {
    const [room, ann] = await roomWith("acked");
    const a = await connect(ann.token, room.id);
    for (let i = 0; i < 10 + FLOOD_STRIKES + 1; i++) a.send({ type: "send", clientId: `k${i}`, content: `k ${i}` });
    expect((await a.closed).code).toBe(CloseCode.flooding);
    const page = await api<{ messages: Message[] }>(`/rooms/${room.id}/messages?limit=100`, { token: ann.token });
    const stored = page.body.messages.map((m) => m.clientId).sort();
    const acked = a.frames.flatMap((f) => (f.type === "ack" ? [f.clientId] : [])).sort();
    expect(stored.length).toBeGreaterThan(0);
    expect(acked).toEqual(stored);
  });

  it("remembers its member's offences when the room wakes up again", async () => {
    const [room] = await roomWith("remembered");
    await runInDurableObject(chatRoom(env, room.id), (_o, state) => {
      let now = 5_000_000;
      const offend = (guard: FloodGuard) => {
        const ws = {} as WebSocket;
        for (let i = 0; i <= FLOOD_STRIKES; i++) guard.refused(ws, "ann", now);
      };
      offend(new FloodGuard(new OffenderTable(state.storage.sql)));
      // A new instance, as after hibernation or eviction: still waiting, and the next offence
      // doubles the wait.
      const woken = new FloodGuard(new OffenderTable(state.storage.sql));
      expect(woken.waitFor("ann", now)).toBe(FLOOD_COOL_OFF_MS);
      now += FLOOD_COOL_OFF_MS + 11_000;
      expect(woken.waitFor("ann", now)).toBe(0);
      offend(woken);
      expect(new FloodGuard(new OffenderTable(state.storage.sql)).waitFor("ann", now)).toBe(2 * FLOOD_COOL_OFF_MS);
      // An hour without an offence forgets it: the next one waits the first 30 s again.
      now += 2 * 60 * 60_000;
      offend(new FloodGuard(new OffenderTable(state.storage.sql)));
      expect(new FloodGuard(new OffenderTable(state.storage.sql)).waitFor("ann", now)).toBe(FLOOD_COOL_OFF_MS);
    });
  });

  it("is not cut off while it waits out rate_limited", async () => {
    const [room, ann] = await roomWith("patient");
    const a = await connect(ann.token, room.id);
    for (let i = 0; i < 10 + FLOOD_STRIKES; i++) a.send({ type: "send", clientId: `p${i}`, content: `p ${i}` });
    await until(() => count(a, "rate_limited") === FLOOD_STRIKES && count(a, "ack") === 10);
    const wait = Math.max(...a.frames.map((f) => (f.type === "rate_limited" ? f.retryAfterMs : 0)));
    // Waiting as told, the next send is accepted and the socket stays open.
    await new Promise((resolve) => setTimeout(resolve, wait + 50));
    a.send({ type: "send", clientId: "later", content: "after waiting" });
    await a.next("ack", (f) => f.clientId === "later");
    expect(a.ws.readyState).toBe(WebSocket.OPEN);
    a.close();
  });
});

const count = (c: Client, type: string) => c.frames.filter((f) => f.type === type).length;

/** Resolves once `done()` holds (the test's timeout bounds the wait). */
async function until(done: () => boolean) {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 10));
}
