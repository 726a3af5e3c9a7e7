// A NUL where no id, name, cursor or search can hold one (and where Postgres text cannot): the
// same 400 on either history store, never a 500, and a message's clientId with one is refused
// before the room takes it (on Postgres it stopped the room's copy to the store for good).
import { describe, expect, it } from "vitest";
import { api, createRoom, post, signUp } from "../../test/helpers";
import { connect } from "../../test/ws";

type Refusal = { error: { code: string; message: string } };

describe("NUL characters", () => {
  it("are refused with 400 in every path and query string", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann);
    const cursor = btoa(JSON.stringify({ at: 0, id: "a\u0000" }));
    for (const path of [
      "/people?q=a%00",
      "/rooms?q=a%00",
      `/rooms?cursor=${encodeURIComponent(cursor)}`,
      "/users/a%00b",
      "/characters/a%00",
      "/rooms/a%00",
      `/rooms/${room.id}/members/a%00`,
      "/search?q=tea%00",
    ]) {
      const r = await api<Refusal>(path, { token: ann.token, method: path.includes("members") ? "DELETE" : "GET" });
      expect(r.status, path).toBe(400);
      expect(r.body.error.code, path).toBe("invalid_input");
    }
  });

  it("are refused with 400 in JSON that reaches a query: a sign-in's username, a room's character", async () => {
    const ann = await signUp("ann");
    const login = await api<Refusal>("/auth/login", { body: { username: "ab\u0000c", password: "correct horse battery" } });
    expect(login.status).toBe(400);
    const made = await api<Refusal>("/rooms", { token: ann.token, body: { characterId: "x\u0000" } });
    expect(made.status).toBe(400);
    const room = await createRoom(ann);
    const patched = await api<Refusal>(`/rooms/${room.id}`, { method: "PATCH", token: ann.token, body: { characterId: "x\u0000" } });
    expect(patched.status).toBe(400);
  });

  it("are refused in a message's clientId, over REST and the socket, and the room goes on", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann);
    const rest = await api<Refusal>(`/rooms/${room.id}/messages`, {
      token: ann.token,
      body: { content: "message one", clientId: "abc\u0000def" },
    });
    expect(rest.status).toBe(400);
    expect(rest.body.error.message).toMatch(/^clientId: visible ASCII/);
    const ws = await connect(ann.token, room.id);
    ws.send({ type: "send", clientId: "x\u0000", content: "over the socket" });
    expect((await ws.next("error")).code).toBe("invalid_frame");
    ws.send({ type: "send", clientId: "caf\u00e9", content: "not ASCII" });
    expect((await ws.next("error")).code).toBe("invalid_frame");
    await post(ann, room.id, "still here");
    ws.close();
    const page = await api<{ messages: { content: string }[] }>(`/rooms/${room.id}/messages`, { token: ann.token });
    expect(page.body.messages.map((m) => m.content)).toEqual(["still here"]);
  });
});
