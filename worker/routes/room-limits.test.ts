// How far invitations go: one person's invitations are throttled (a room of a hundred at once,
// then one a second), and a room takes at most ROOM_MAX_MEMBERS people (four in this project).
import { describe, expect, it } from "vitest";
import type { Member } from "../../shared/wire";
import { api, roomWith, signUp } from "../../test/helpers";

describe("invitations", () => {
  it("refuses a fifth person in a room that takes four, and lets one in again after someone leaves", async () => {
    const [room, ann, bob, cat] = await roomWith("ann", "bob", "cat");
    const [dan, eve] = [await signUp("dan"), await signUp("eve")];
    const invite = (who: string) => api(`/rooms/${room.id}/members`, { token: bob.token, body: { username: who } });
    expect((await invite(dan.user.username)).status).toBe(201);
    const full = await invite(eve.user.username);
    expect(full.status).toBe(409);
    expect(full.body).toMatchObject({ error: { code: "room_full", message: "This room is full: it takes at most 4 people." } });
    expect((await api(`/rooms/${room.id}/members/${cat.user.id}`, { method: "DELETE", token: cat.token })).status).toBe(204);
    expect((await invite(eve.user.username)).status).toBe(201);
    const members = (await api<{ members: Member[] }>(`/rooms/${room.id}`, { token: ann.token })).body.members;
    expect(members.map((m) => m.user.id).sort()).toEqual([ann, bob, dan, eve].map((p) => p.user.id).sort());
  });

  it("takes a hundred invitations at once from one person, then says to wait", async () => {
    const [room, ann] = await roomWith("ann");
    // Unknown names cost an invitation too: guessing at usernames is throttled as well.
    for (let i = 0; i < 100; i++) {
      expect((await api(`/rooms/${room.id}/members`, { token: ann.token, body: { username: `nobody_${i}` } })).status).toBe(404);
    }
    // The bucket refills one a second: a slow run may have earned a few more meanwhile.
    let refused = await api(`/rooms/${room.id}/members`, { token: ann.token, body: { username: "nobody_more" } });
    for (let i = 0; i < 5 && refused.status === 404; i++) {
      refused = await api(`/rooms/${room.id}/members`, { token: ann.token, body: { username: "nobody_more" } });
    }
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(refused.body).toMatchObject({ error: { message: "Too many invitations at once. Wait a moment and try again." } });
  });
});
