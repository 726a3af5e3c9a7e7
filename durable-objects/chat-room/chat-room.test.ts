// The ChatRoom's real-time side, over real WebSockets through the Worker: ordering, catch-up,
// idempotent sends, limits, refusals before the upgrade, membership changes, eviction.
import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import type { Message } from "../../shared/wire";
import { testBindings } from "../../test/bindings";
import { api, post, roomWith, signUp } from "../../test/helpers";
import { connect, openSocket } from "../../test/ws";
import { chatRoom } from "./chat-room";

describe("room WebSockets", () => {
  it("broadcasts sends in seq order to every client, acking the sender", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const a = await connect(ann.token, room.id);
    const b = await connect(bob.token, room.id);
    for (let i = 1; i <= 5; i++) a.send({ type: "send", clientId: `a${i}`, content: `hello ${i}` });
    for (let i = 1; i <= 5; i++) expect(await a.next("ack", (f) => f.clientId === `a${i}`)).toMatchObject({ seq: i });
    const seen: number[] = [];
    for (let i = 1; i <= 5; i++) seen.push((await b.next("message")).message.seq);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    // REST posts join the same sequence and the same broadcast.
    await post(bob, room.id, "from rest");
    expect((await a.next("message", (f) => f.message.content === "from rest")).message.seq).toBe(6);
    a.close();
    b.close();
  });

  it("writes a burst of sends from several sockets as one gap-free run, duplicates and refusals included", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const a = await connect(ann.token, room.id);
    const b = await connect(bob.token, room.id);
    // Sent without waiting, so they arrive together and are written in the same batch.
    for (let i = 1; i <= 4; i++) {
      a.send({ type: "send", clientId: `a${i}`, content: `a ${i}` });
      b.send({ type: "send", clientId: `b${i}`, content: `b ${i}` });
    }
    a.send({ type: "send", clientId: "a2", content: "a 2" }); // a resend inside the burst
    b.send({ type: "send", clientId: "bad", content: "   " }); // refused, nothing stored
    const acks = [];
    for (let i = 1; i <= 4; i++) acks.push((await a.next("ack", (f) => f.clientId === `a${i}`)).seq);
    for (let i = 1; i <= 4; i++) acks.push((await b.next("ack", (f) => f.clientId === `b${i}`)).seq);
    expect(acks.toSorted((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect((await a.next("ack", (f) => f.clientId === "a2")).seq).toBe(acks[1]);
    expect((await b.next("error", (f) => f.clientId === "bad")).code).toBe("invalid_content");
    // Both views: every message once, in seq order (a ping's pong comes after them all).
    for (const c of [a, b]) {
      c.send({ type: "ping" });
      await c.next("pong");
      const seqs = c.frames.flatMap((f) => (f.type === "message" ? [f.message.seq] : []));
      expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    }
    const page = await api<{ messages: Message[] }>(`/rooms/${room.id}/messages`, { token: ann.token });
    expect(page.body.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    a.close();
    b.close();
  });

  it("catches up exactly the missed messages after a reconnect, before live traffic", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const b1 = await connect(bob.token, room.id);
    await post(ann, room.id, "one");
    const seen = (await b1.next("message")).message.seq;
    b1.close();
    for (const text of ["two", "three", "four"]) await post(ann, room.id, text);
    const b2 = await connect(bob.token, room.id, null);
    b2.send({ type: "hello", afterSeq: seen });
    const ready = await b2.next("ready");
    expect(ready.lastSeq).toBe(4);
    const missed = [await b2.next("message"), await b2.next("message"), await b2.next("message")].map((f) => f.message.content);
    expect(missed).toEqual(["two", "three", "four"]);
    await post(ann, room.id, "five");
    expect((await b2.next("message")).message.content).toBe("five");
    const all = b2.frames.filter((f) => f.type === "message").map((f) => (f as { message: Message }).message.seq);
    expect(all).toEqual([2, 3, 4, 5]);
    b2.close();
  });

  it("acks a repeated clientId with the original seq and does not broadcast it again", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const a = await connect(ann.token, room.id);
    const b = await connect(bob.token, room.id);
    a.send({ type: "send", clientId: "same", content: "once" });
    const first = await a.next("ack");
    a.send({ type: "send", clientId: "same", content: "once" });
    const second = await a.next("ack");
    expect(second.seq).toBe(first.seq);
    a.send({ type: "ping" });
    await a.next("pong");
    await b.next("message");
    b.send({ type: "ping" });
    await b.next("pong");
    expect(b.frames.filter((f) => f.type === "message")).toHaveLength(1);
    const page = await api<{ messages: Message[] }>(`/rooms/${room.id}/messages`, { token: ann.token });
    expect(page.body.messages).toHaveLength(1);
    a.close();
    b.close();
  });

  it("answers bad frames with error frames and keeps the socket open", async () => {
    const [room, ann] = await roomWith("ann");
    const a = await connect(ann.token, room.id);
    a.send("{not json");
    expect((await a.next("error")).code).toBe("invalid_json");
    a.send({ type: "dance" });
    expect((await a.next("error")).code).toBe("invalid_frame");
    a.send({ type: "send", clientId: "c1", content: "   " });
    expect(await a.next("error")).toMatchObject({ code: "invalid_content", clientId: "c1" });
    a.send({ type: "send", clientId: "c2", content: "still here" });
    expect((await a.next("ack")).clientId).toBe("c2");
    // hello once per connection: a second one is refused, with no second catch-up.
    a.send({ type: "hello", afterSeq: 0 });
    expect(await a.next("error")).toMatchObject({ code: "invalid_frame", message: expect.stringContaining("once per connection") });
    a.send({ type: "ping" });
    await a.next("pong");
    expect(a.frames.filter((f) => f.type === "ready")).toHaveLength(1);
    expect(a.frames.filter((f) => f.type === "message" && f.message.clientId === "c2")).toHaveLength(1);
    a.close();
  });

  it("closes the socket with 1009 on a frame over 64 KiB", async () => {
    const [room, ann] = await roomWith("ann");
    const a = await connect(ann.token, room.id);
    a.send({ type: "send", clientId: "big", content: "x".repeat(70 * 1024) });
    expect((await a.closed).code).toBe(1009);
    const page = await api<{ messages: Message[] }>(`/rooms/${room.id}/messages`, { token: ann.token });
    expect(page.body.messages).toHaveLength(0);
  });

  it("refuses the upgrade without a token (401), for a non-member or a foreign Origin (403)", async () => {
    const [room, ann] = await roomWith("ann");
    const eve = await signUp("eve");
    expect((await openSocket(null, room.id)).status).toBe(401);
    expect((await openSocket("not-a-jwt", room.id)).status).toBe(401);
    expect((await openSocket(eve.token, room.id)).status).toBe(403);
    const foreign = await openSocket(ann.token, room.id, { Origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ error: { code: "origin_not_allowed" } });
    const ok = await openSocket(ann.token, room.id, { Origin: "https://parlor.test", "Sec-WebSocket-Extensions": "permessage-deflate" });
    expect(ok.status).toBe(101);
    expect(ok.headers.get("Sec-WebSocket-Extensions")).toBeNull();
  });

  it("takes the token as a subprotocol beside parlor, and answers with parlor", async () => {
    const [room, , bob] = await roomWith("ann", "bob");
    const res = await openSocket(null, room.id, { "Sec-WebSocket-Protocol": `parlor, bearer.${bob.token}` });
    expect(res.status).toBe(101);
    expect(res.headers.get("Sec-WebSocket-Protocol")).toBe("parlor");
    const ws = res.webSocket;
    if (!ws) throw new Error("no socket");
    ws.accept();
    const ready = new Promise<string>((resolve) => ws.addEventListener("message", (e) => resolve(e.data as string)));
    ws.send(JSON.stringify({ type: "hello" }));
    expect(JSON.parse(await ready)).toMatchObject({ type: "ready", roomId: room.id });
    ws.close(1000);
    // A bad token there is refused like any other, before the room object, and so is a token
    // offered without parlor (the handshake could pick nothing the browser offered).
    expect((await openSocket(null, room.id, { "Sec-WebSocket-Protocol": "parlor, bearer.not-a-token" })).status).toBe(401);
    expect((await openSocket(null, room.id, { "Sec-WebSocket-Protocol": `bearer.${bob.token}` })).status).toBe(401);
    // Without parlor offered, no subprotocol is picked (a ?token= client).
    const plain = await openSocket(bob.token, room.id);
    expect(plain.status).toBe(101);
    expect(plain.headers.get("Sec-WebSocket-Protocol")).toBeNull();
    plain.webSocket?.accept();
    plain.webSocket?.close(1000);
  });

  it("rate-limits a flood with rate_limited frames and stores nothing refused", async () => {
    const [room, ann] = await roomWith("ann");
    const a = await connect(ann.token, room.id);
    for (let i = 0; i < 15; i++) a.send({ type: "send", clientId: `f${i}`, content: `flood ${i}` });
    const limited = await a.next("rate_limited");
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    // Refusals are answered as the frames arrive, acks after the write: wait for all 15.
    await a.next("rate_limited", (f) => f.clientId === "f14");
    while (a.frames.filter((f) => f.type === "ack" || f.type === "rate_limited").length < 15) await new Promise((r) => setTimeout(r, 10));
    const acks = a.frames.filter((f) => f.type === "ack").length;
    expect(acks).toBeGreaterThanOrEqual(10);
    expect(acks).toBeLessThan(15);
    const page = await api<{ messages: Message[] }>(`/rooms/${room.id}/messages?limit=100`, { token: ann.token });
    expect(page.body.messages).toHaveLength(acks);
    a.close();
  });

  it("shows presence once per person across tabs, and relays typing to others", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const a1 = await connect(ann.token, room.id);
    const a2 = await connect(ann.token, room.id);
    const b = await connect(bob.token, room.id);
    const ready = b.frames.find((f) => f.type === "ready");
    expect(ready && "online" in ready ? ready.online.map((u) => u.id).sort() : []).toEqual([ann.user.id, bob.user.id].sort());
    a1.send({ type: "typing" });
    expect((await b.next("typing")).user.id).toBe(ann.user.id);
    b.close();
    const presence = await a1.next("presence", (f) => f.online.length === 1);
    expect(presence.online.map((u) => u.id)).toEqual([ann.user.id]);
    a1.close();
    a2.close();
  });

  it("disconnects a removed member with 4003 and every socket of a deleted room with 4004", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const a = await connect(ann.token, room.id);
    const b = await connect(bob.token, room.id);
    await api(`/rooms/${room.id}/members/${bob.user.id}`, { method: "DELETE", token: ann.token });
    expect((await b.closed).code).toBe(4003);
    expect((await openSocket(bob.token, room.id)).status).toBe(403);
    await api(`/rooms/${room.id}`, { method: "DELETE", token: ann.token });
    expect((await a.closed).code).toBe(4004);
  });

  it("refuses an upgrade checked against a member list older than a removal or the room's deletion", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    // What a Worker holding a copy of the member list from before these changes would send.
    const upgrade = async (who: typeof bob, checkedAt: number) => {
      const identity = {
        user: { id: who.user.id, username: who.user.username, displayName: who.user.displayName },
        exp: Math.floor(Date.now() / 1000) + 600,
        room: { roomId: room.id, characterId: null, characterName: null, aiMode: "off", version: 0 },
        checkedAt,
      };
      const res = await chatRoom(env, room.id).fetch("https://parlor.test/ws", {
        headers: { Upgrade: "websocket", "X-Parlor-Identity": JSON.stringify(identity) },
      });
      const ws = res.webSocket;
      if (!ws) throw new Error(`no socket: ${res.status}`);
      ws.accept();
      return new Promise<number>((resolve) => {
        ws.addEventListener("close", (e) => resolve(e.code));
        ws.addEventListener("message", () => {
          ws.close(1000);
          resolve(0);
        });
        ws.send(JSON.stringify({ type: "hello" }));
      });
    };
    const before = Date.now() - 1000;
    expect(await upgrade(bob, before)).toBe(0); // accepted: got its ready
    await api(`/rooms/${room.id}/members/${bob.user.id}`, { method: "DELETE", token: ann.token });
    expect(await upgrade(bob, before)).toBe(4003);
    // The removal is kept in storage, not only in memory: an evicted object still knows it.
    await evictDurableObject(chatRoom(env, room.id));
    expect(await upgrade(bob, before)).toBe(4003);
    // Added back: a list read after that lets him in again.
    await api(`/rooms/${room.id}/members`, { token: ann.token, body: { username: bob.user.username } });
    expect(await upgrade(bob, Date.now() + 1)).toBe(0);
    await api(`/rooms/${room.id}`, { method: "DELETE", token: ann.token });
    expect(await upgrade(ann, Date.now() + 1)).toBe(4004);
  });

  it("lets a member added after the room's member list was read connect at once, and refuses a removed one", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const cat = await signUp("cat");
    const a = await connect(ann.token, room.id); // the upgrade reads (and keeps) the member list
    expect((await openSocket(cat.token, room.id)).status).toBe(403);
    await api(`/rooms/${room.id}/members`, { token: ann.token, body: { username: cat.user.username } });
    const c = await connect(cat.token, room.id);
    const b = await connect(bob.token, room.id);
    await api(`/rooms/${room.id}/members/${bob.user.id}`, { method: "DELETE", token: ann.token });
    expect((await b.closed).code).toBe(4003);
    expect((await openSocket(bob.token, room.id)).status).toBe(403);
    a.close();
    c.close();
  });

  it("keeps the conversation going with no loss when the object is evicted while sockets hibernate", async () => {
    const [room, ann, bob] = await roomWith("ann", "bob");
    const a = await connect(ann.token, room.id);
    const b = await connect(bob.token, room.id);
    a.send({ type: "send", clientId: "before", content: "before eviction" });
    await b.next("message");
    await evictDurableObject(chatRoom(env, room.id));
    a.send({ type: "send", clientId: "after", content: "after eviction" });
    expect((await a.next("ack", (f) => f.clientId === "after")).seq).toBe(2);
    expect((await b.next("message")).message).toMatchObject({ seq: 2, content: "after eviction" });
    // The resend of a message from before the eviction is still recognised.
    a.send({ type: "send", clientId: "before", content: "before eviction" });
    expect((await a.next("ack", (f) => f.clientId === "before")).seq).toBe(1);
    a.close();
    b.close();
  });

  it("closes a socket whose token expires with 1008", async () => {
    const [room, ann] = await roomWith("ann");
    const exp = Math.floor(Date.now() / 1000) + 2;
    // The same (open) session as ann's token, signed with a short expiry.
    const { jti } = JSON.parse(atob((ann.token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/")));
    const short = await sign(
      { sub: ann.user.id, usr: ann.user.username, name: ann.user.displayName, jti, exp },
      testBindings.JWT_SECRET,
      "HS256",
    );
    const a = await connect(short, room.id);
    const closed = await a.closed;
    expect(closed.code).toBe(1008);
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);
  });

  it("answers a user over the per-room socket cap with close code 1013", async () => {
    const [room, ann] = await roomWith("ann");
    const open = [];
    for (let i = 0; i < 8; i++) open.push(await connect(ann.token, room.id));
    const extra = await connect(ann.token, room.id, null);
    expect((await extra.closed).code).toBe(1013);
    // Refused this way, a browser that offered parlor still gets it back, or it could not
    // read the close code at all.
    const offered = await openSocket(null, room.id, { "Sec-WebSocket-Protocol": `parlor, bearer.${ann.token}` });
    expect(offered.status).toBe(101);
    expect(offered.headers.get("Sec-WebSocket-Protocol")).toBe("parlor");
    offered.webSocket?.accept();
    for (const c of open) c.close();
  });

  it("answers a client's close frame, completing the close handshake", async () => {
    const [room, ann] = await roomWith("ann");
    const a = await connect(ann.token, room.id);
    a.ws.close(1000, "leaving");
    expect((await a.closed).code).toBe(1000);
  });
});
