// One member flooding a room from one socket: cut off with 4008 after a bounded number of
// refusals, while another member of the same room and another room keep being answered.
import { describe, expect, it } from "vitest";
import { CloseCode, FLOOD_STRIKES, type Message } from "../../shared/wire";
import { api, createRoom, post, roomWith } from "../../test/helpers";
import { type Client, connect } from "../../test/ws";

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
