import { describe, expect, it } from "vitest";
import type { User } from "../../shared/wire";
import { api, createRoom, signUp } from "../../test/helpers";

describe("people", () => {
  it("completes among people who share a room with you, by username or display name prefix", async () => {
    const [ann, bob, cat, dan] = [await signUp("ann"), await signUp("bob"), await signUp("cat"), await signUp("bob")];
    await createRoom(ann, { members: [bob.user.username, cat.user.username] });
    // Dan shares no room with Ann: never offered to her, however well he matches.
    await createRoom(dan);
    const byName = await api<{ people: User[] }>(`/people?q=${bob.user.username.slice(0, 5).toUpperCase()}`, { token: ann.token });
    expect(byName.status).toBe(200);
    expect(byName.body.people.map((p) => p.username)).toEqual([bob.user.username]);
    const all = await api<{ people: User[] }>("/people", { token: ann.token });
    expect(all.body.people.map((p) => p.username).sort()).toEqual([bob.user.username, cat.user.username].sort());
    // A display name matches too (signUp leaves it equal to the username).
    const display = await api<{ people: User[] }>(`/people?q=${encodeURIComponent(`@${cat.user.displayName.slice(0, 4)}`)}`, {
      token: ann.token,
    });
    expect(display.body.people.map((p) => p.id)).toEqual([cat.user.id]);
  });

  it("treats _ and % in the query as characters, not patterns", async () => {
    const ann = await signUp("ann");
    const bob = await signUp("bob");
    await createRoom(ann, { members: [bob.user.username] });
    const r = await api<{ people: User[] }>(`/people?q=${encodeURIComponent("%")}`, { token: ann.token });
    expect(r.body.people).toEqual([]);
    const under = await api<{ people: User[] }>("/people?q=b_b", { token: ann.token });
    expect(under.body.people).toEqual([]);
  });

  it("names whoever has exactly the username asked for, room shared or not, and null for no one (a 200, not a 404)", async () => {
    const [ann, bob] = [await signUp("ann"), await signUp("bob")];
    const found = await api<{ people: User[]; exact: User | null }>(`/people?q=@${bob.user.username.toUpperCase()}`, { token: ann.token });
    expect(found.status).toBe(200);
    expect(found.body.people).toEqual([]);
    expect(found.body.exact?.id).toBe(bob.user.id);
    const missing = await api<{ people: User[]; exact: User | null }>("/people?q=nobody_by_that_name", { token: ann.token });
    expect(missing.status).toBe(200);
    expect(missing.body).toEqual({ people: [], exact: null });
    // A prefix is no one's exact name; text that cannot be a username is not looked up.
    expect((await api<{ exact: User | null }>(`/people?q=${bob.user.username.slice(0, 4)}`, { token: ann.token })).body.exact).toBeNull();
    expect((await api<{ exact: User | null }>("/people?q=b%20b", { token: ann.token })).body.exact).toBeNull();
  });

  it("says whether a username exists, and 404s one that does not", async () => {
    const [ann, bob] = [await signUp("ann"), await signUp("bob")];
    const found = await api<{ user: User }>(`/users/${bob.user.username.toUpperCase()}`, { token: ann.token });
    expect(found.status).toBe(200);
    expect(found.body.user.id).toBe(bob.user.id);
    const missing = await api<{ error: { code: string } }>("/users/nobody_by_that_name", { token: ann.token });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe("not_found");
    expect((await api("/users/x")).status).toBe(401);
    expect((await api("/people?q=a")).status).toBe(401);
  });
});
