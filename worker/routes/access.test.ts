// Every room route refuses someone who is not a member, with 403 and nothing changed.
import { describe, expect, it } from "vitest";
import { api, createRoom, post, signUp } from "../../test/helpers";

const routes: [method: string, path: (id: string, userId: string) => string, body?: unknown][] = [
  ["GET", (id) => `/rooms/${id}`],
  ["PATCH", (id) => `/rooms/${id}`, { title: "hijacked" }],
  ["DELETE", (id) => `/rooms/${id}`],
  ["POST", (id) => `/rooms/${id}/members`, { username: "someone" }],
  ["DELETE", (id, userId) => `/rooms/${id}/members/${userId}`],
  ["POST", (id) => `/rooms/${id}/read`, { seq: 1 }],
  ["GET", (id) => `/rooms/${id}/messages`],
  ["POST", (id) => `/rooms/${id}/messages`, { content: "intruder" }],
  ["POST", (id) => `/rooms/${id}/messages/1/stop`],
  ["POST", (id) => `/rooms/${id}/messages/1/regenerate`],
  ["GET", (id) => `/rooms/${id}/export`],
  ["GET", (id) => `/rooms/${id}/ws`],
];

describe("room access", async () => {
  const [owner, outsider] = [await signUp("own"), await signUp("out")];
  const room = await createRoom(owner, { title: "Private" });
  await post(owner, room.id, "secret");

  it.each(routes)("refuses a non-member: %s %s", async (method, path, body) => {
    const r = await api<{ error: { code: string } }>(path(room.id, owner.user.id), {
      method,
      body,
      token: outsider.token,
      headers: method === "GET" && path(room.id, "").endsWith("/ws") ? { Upgrade: "websocket" } : {},
    });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("not_a_member");
  });

  it("left the room untouched", async () => {
    const r = await api<{ room: { title: string }; members: unknown[] }>(`/rooms/${room.id}`, { token: owner.token });
    expect(r.body.room.title).toBe("Private");
    expect(r.body.members).toHaveLength(1);
    const page = await api<{ messages: { content: string }[] }>(`/rooms/${room.id}/messages`, { token: owner.token });
    expect(page.body.messages.map((m) => m.content)).toEqual(["secret"]);
  });
});
