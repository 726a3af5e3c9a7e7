import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { testBindings } from "../../test/bindings";
import { connectChannel } from "../../test/channel";
import { type Account, api, createRoom, post, roomWith, signUp, uniqueName } from "../../test/helpers";
import { connect } from "../../test/ws";
import { issueToken, verifyToken } from "../auth/jwt";

const password = "correct horse battery";

describe("accounts", () => {
  it("registers, logs in and answers /me", async () => {
    const username = uniqueName("ada");
    const reg = await api<{ token: string; user: { id: string; username: string; displayName: string } }>("/auth/register", {
      body: { username, password, displayName: "Ada L." },
    });
    expect(reg.status).toBe(201);
    expect(reg.body.user).toMatchObject({ username, displayName: "Ada L." });
    expect(reg.body.user).not.toHaveProperty("passwordHash");

    const login = await api<{ token: string }>("/auth/login", { body: { username, password } });
    expect(login.status).toBe(200);
    const me = await api<{ user: { id: string }; limits: { attachmentBytes: number } }>("/me", { token: login.body.token });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(reg.body.user.id);
    // With the limits a client checks before sending: ATTACHMENT_MAX_MB, 10 here.
    expect(me.body.limits).toEqual({ attachmentBytes: 10 * 1024 * 1024 });
  });

  it("refuses a username taken in another case with 409", async () => {
    const { user } = await signUp("dup");
    const again = await api("/auth/register", { body: { username: user.username.toUpperCase().toLowerCase(), password } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: "username_taken" } });
  });

  it("treats usernames case-insensitively at login", async () => {
    const { user } = await signUp("case");
    const r = await api("/auth/login", { body: { username: user.username.toUpperCase(), password } });
    expect(r.status).toBe(200);
  });

  it("validates username and password with field details", async () => {
    const r = await api<{ error: { code: string; details: { path: string }[] } }>("/auth/register", {
      body: { username: "No Spaces!", password: "short" },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("invalid_input");
    expect(r.body.error.details.map((d) => d.path).sort()).toEqual(["password", "username"]);
  });

  it.each(["12345678", "password", "aaaaaaaa"])("refuses the guessable password %s with 400 weak_password and a reason", async (weak) => {
    const username = uniqueName("weak");
    const r = await api<{ error: { code: string; message: string } }>("/auth/register", {
      body: { username, password: weak },
      headers: { "CF-Connecting-IP": `10.9.${Math.floor(Math.random() * 250)}.1` },
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("weak_password");
    expect(r.body.error.message).toMatch(/guess|used/);
    // Nothing was created: the name is still free.
    const ok = await api("/auth/register", { body: { username, password }, headers: { "CF-Connecting-IP": "10.9.251.1" } });
    expect(ok.status).toBe(201);
  });

  it("refuses a password made of the username", async () => {
    const username = uniqueName("self");
    const r = await api<{ error: { code: string } }>("/auth/register", {
      body: { username, password: `${username}1` },
      headers: { "CF-Connecting-IP": "10.9.252.1" },
    });
    expect(r.body.error.code).toBe("weak_password");
  });

  it("answers a wrong password with 401 and the same message as an unknown user", async () => {
    const { user } = await signUp("pw");
    const wrong = await api<{ error: { message: string } }>("/auth/login", {
      body: { username: user.username, password: "wrong password" },
    });
    const unknown = await api<{ error: { message: string } }>("/auth/login", { body: { username: uniqueName("nobody"), password } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
  });

  it("throttles repeated logins for one username from one client with Retry-After", async () => {
    const { user } = await signUp("brute");
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 14; i++) {
      const r = await api("/auth/login", {
        body: { username: user.username, password: "not the password" },
        headers: { "CF-Connecting-IP": "192.0.2.1" },
      });
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get("Retry-After");
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it("refuses missing, tampered, alg:none and expired tokens with 401", async () => {
    const { token } = await signUp("tok");
    const [h, p, s] = token.split(".");
    const payload = JSON.parse(atob((p ?? "").replace(/-/g, "+").replace(/_/g, "/")));
    const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    const tampered = `${h}.${b64({ ...payload, usr: "someone_else" })}.${s}`;
    const none = `${b64({ alg: "none", typ: "JWT" })}.${p}.`;
    const expired = await sign({ ...payload, exp: Math.floor(Date.now() / 1000) - 10 }, testBindings.JWT_SECRET, "HS256");

    expect((await api("/me")).status).toBe(401);
    expect((await api("/me", { token: tampered })).status).toBe(401);
    expect((await api("/me", { token: none })).status).toBe(401);
    const exp = await api<{ error: { code: string } }>("/me", { token: expired });
    expect(exp.status).toBe(401);
    expect(exp.body.error.code).toBe("token_expired");
  });

  it("signs and verifies with any secret, one that reads like a PEM header included", async () => {
    const user = { id: "u-1", username: "ann", displayName: "Ann" };
    for (const secret of ["plain secret", "-----BEGIN PUBLIC KEY----- not a key", "a PRIVATE secret"]) {
      const token = (await issueToken(user, secret, 60)).token;
      expect(await verifyToken(token, secret)).toMatchObject(user);
      await expect(verifyToken(token, `${secret}!`)).rejects.toMatchObject({ status: 401 });
    }
  });

  it("refuses a token it accepted before once that token has expired", async () => {
    const user = { id: "u-2", username: "bea", displayName: "Bea" };
    const token = (await issueToken(user, "a secret", 1)).token;
    expect(await verifyToken(token, "a secret")).toMatchObject(user);
    // exp is in whole seconds: past it within two.
    await new Promise((r) => setTimeout(r, 2100));
    await expect(verifyToken(token, "a secret")).rejects.toMatchObject({ status: 401, code: "token_expired" });
    // And a token is only trusted under the secret that verified it.
    const other = (await issueToken(user, "a secret", 60)).token;
    expect(await verifyToken(other, "a secret")).toMatchObject(user);
    await expect(verifyToken(other, "another secret")).rejects.toMatchObject({ status: 401, code: "invalid_token" });
  });

  it("does not remember a token checked under a secret that changed while it was checked", async () => {
    const user = { id: "u-3", username: "cy", displayName: "Cy" };
    const [old, current] = [(await issueToken(user, "old secret", 60)).token, (await issueToken(user, "new secret", 60)).token];
    const checking = verifyToken(old, "old secret");
    await verifyToken(current, "new secret"); // the secret changes meanwhile
    expect(await checking).toMatchObject(user);
    await expect(verifyToken(old, "new secret")).rejects.toMatchObject({ status: 401, code: "invalid_token" });
  });

  it("refreshes a valid token, and refuses to refresh without one", async () => {
    const { token, user } = await signUp("ref");
    const r = await api<{ token: string; user: { id: string } }>("/auth/refresh", { method: "POST", token });
    expect(r.status).toBe(200);
    expect(r.body.user.id).toBe(user.id);
    expect((await api("/me", { token: r.body.token })).status).toBe(200);
    expect((await api("/auth/refresh", { method: "POST" })).status).toBe(401);
  });

  it("changes one's display name for every session at once, open sockets and old tokens included", async () => {
    const [room, ann, bob] = await roomWith("ren", "bob");
    // A second session, from before the change, with a socket open.
    const other = await api<Account>("/auth/login", { body: { username: ann.user.username, password } });
    const [annSocket, bobSocket] = [await connect(other.body.token, room.id), await connect(bob.token, room.id)];
    // A room of theirs where Ann has never been online: Bob has it open.
    const quiet = await createRoom(ann, { title: "Quiet", members: [bob.user.username] });
    const bobInQuiet = await connect(bob.token, quiet.id);

    const r = await api<Account>("/me", { method: "PATCH", token: ann.token, body: { displayName: "  Ann Renamed " } });
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ id: ann.user.id, username: ann.user.username, displayName: "Ann Renamed" });

    // The room shows it without anyone reconnecting...
    const renamed = (f: { online: { id: string; displayName: string }[] }) =>
      f.online.some((u) => u.id === ann.user.id && u.displayName === "Ann Renamed");
    for (const s of [bobSocket, bobInQuiet]) {
      expect((await s.next("renamed")).user).toEqual({ id: ann.user.id, username: ann.user.username, displayName: "Ann Renamed" });
    }
    await bobSocket.next("presence", renamed);
    // ...and what the other session says, over the socket it opened before or with its old token, carries it.
    annSocket.send({ type: "send", clientId: "after-rename", content: "still me" });
    const seen = await bobSocket.next("message", (f) => f.message.content === "still me");
    expect(seen.message.author).toMatchObject({ id: ann.user.id, name: "Ann Renamed" });
    expect((await post(other.body, room.id, "by REST")).body.message.author).toMatchObject({ name: "Ann Renamed" });
    expect((await api<Account>("/me", { token: other.body.token })).body.user.displayName).toBe("Ann Renamed");
    const again = await connect(other.body.token, room.id);
    expect((again.frames.find((f) => f.type === "ready") as { online: { id: string; displayName: string }[] }).online).toContainEqual(
      expect.objectContaining({ id: ann.user.id, displayName: "Ann Renamed" }),
    );
    for (const s of [annSocket, bobSocket, bobInQuiet, again]) s.close();
  });

  it("tells the other person in each direct chat of the renamed person, whose list is called after them", async () => {
    const [direct, ann, bob] = await roomWith("dm", "bob");
    const group = await createRoom(ann, { title: "Titled", members: [bob.user.username] });
    const channel = await connectChannel(bob.token);
    const r = await api<Account>("/me", { method: "PATCH", token: ann.token, body: { displayName: "Ann Again" } });
    expect(r.status).toBe(200);
    expect((await channel.waitFor("room", (f) => f.room.id === direct.id)).room).toMatchObject({ id: direct.id, title: null });
    const listed = await api<{ rooms: { id: string; peer: { displayName: string } | null }[] }>("/rooms", { token: bob.token });
    expect(listed.body.rooms.find((x) => x.id === direct.id)?.peer?.displayName).toBe("Ann Again");
    // A titled room is not called after anyone: nothing to tell there.
    await channel.ping();
    expect(channel.of("room").map((f) => f.room.id)).toEqual([direct.id]);
    expect(group.id).not.toBe(direct.id);
    channel.close();
  });

  it("refuses a display name that is empty, too long or missing, and a caller without a token", async () => {
    const { token, user } = await signUp("bad");
    for (const body of [{ displayName: "   " }, { displayName: "x".repeat(65) }, {}, { displayName: "a\u0007b" }]) {
      const r = await api<{ error: { code: string; details: { path: string }[] } }>("/me", { method: "PATCH", token, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.details.map((d) => d.path)).toContain("displayName");
    }
    expect((await api("/me", { method: "PATCH", body: { displayName: "Nobody" } })).status).toBe(401);
    expect((await api<Account>("/me", { token })).body.user.displayName).toBe(user.displayName);
  });
});
