// Sessions end for real: a refresh rotates the token and closes what the old one had open
// (4002), logout and sign-out-everywhere revoke (REST 401, WebSockets closed with 4001: a room's
// and the person's channel, /api/me/ws), a password change revokes the other sessions, a stranger's password guesses never lock the
// owner out, and a deleted account's token is 401.
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { chatRoom } from "../../durable-objects/chat-room/chat-room";
import { openDb } from "../../shared/store/db";
import { CloseCode, type SessionInfo } from "../../shared/wire";
import { type ChannelClient, connectChannel, openChannel } from "../../test/channel";
import { type Account, api, post, roomWith, signUp } from "../../test/helpers";
import { connect, openSocket } from "../../test/ws";

const password = "correct horse battery";
const login = (username: string, pw = password, ip = "198.51.100.1") =>
  api<Account>("/auth/login", { body: { username, password: pw }, headers: { "CF-Connecting-IP": ip } });
const code = (r: { body: unknown }) => (r.body as { error?: { code: string } }).error?.code;
/** The channel's close code, or "open" if it is still open after `ms` (a failing test says so
 * rather than timing out). */
const closeOf = (ch: ChannelClient, ms = 3000) =>
  Promise.race([ch.closed.then((c) => c.code), new Promise<"open">((r) => setTimeout(() => r("open"), ms))]);
/** Whether an upgrade of the channel with `token` is refused as an ended session. */
const channelRefused = async (token: string) => {
  const r = await openChannel(token);
  return r.status === 401 && ((await r.json()) as { error: { code: string } }).error.code === "session_ended";
};

describe("sessions", () => {
  it("lists your sessions, this one first with the device each signed in from, and ends one of them", async () => {
    const { user, token } = await signUp("lst");
    const signIn = (agent: string) =>
      api<Account>("/auth/login", {
        body: { username: user.username, password },
        headers: { "User-Agent": agent, "CF-Connecting-IP": "198.51.100.9" },
      });
    const [laptop, phone] = [await signIn("Laptop/1.0"), await signIn("Phone/2.0")];
    type Listed = { sessions: SessionInfo[] };
    const listed = await api<Listed>("/auth/sessions", { token: laptop.body.token });
    expect(listed.status).toBe(200);
    expect(listed.body.sessions).toHaveLength(3);
    expect(listed.body.sessions[0]).toMatchObject({ current: true, userAgent: "Laptop/1.0" });
    expect(listed.body.sessions.filter((s) => s.current)).toHaveLength(1);
    const phoneSession = listed.body.sessions.find((s) => s.userAgent === "Phone/2.0");
    if (!phoneSession) throw new Error("the phone's session is not listed");
    // Refreshed, a session keeps its device and start, and says it was active since.
    const fresh = await api<Account>("/auth/refresh", { method: "POST", token: phone.body.token });
    const afterRefresh = (await api<Listed>("/auth/sessions", { token: laptop.body.token })).body.sessions;
    const refreshed = afterRefresh.find((s) => s.userAgent === "Phone/2.0");
    expect(refreshed).toMatchObject({ startedAt: phoneSession.startedAt });
    expect(refreshed?.id).not.toBe(phoneSession.id);
    // Ended from the laptop: the phone's token stops working; an unknown id is 404.
    expect((await api(`/auth/sessions/${refreshed?.id}`, { method: "DELETE", token: laptop.body.token })).status).toBe(204);
    expect(code(await api("/me", { token: fresh.body.token }))).toBe("session_ended");
    expect((await api(`/auth/sessions/${refreshed?.id}`, { method: "DELETE", token: laptop.body.token })).status).toBe(404);
    const stranger = await signUp("str");
    expect((await api(`/auth/sessions/${listed.body.sessions[0]?.id}`, { method: "DELETE", token: stranger.token })).status).toBe(404);
    expect((await api<Listed>("/auth/sessions", { token })).body.sessions.map((s) => s.userAgent)).toHaveLength(2);
  });

  it("rotates on refresh: the old token stops working, the new one works once", async () => {
    const { token } = await signUp("rot");
    const fresh = await api<Account>("/auth/refresh", { method: "POST", token });
    expect(fresh.status).toBe(200);
    const old = await api("/me", { token });
    expect(old.status).toBe(401);
    expect(code(old)).toBe("session_ended");
    expect((await api("/auth/refresh", { method: "POST", token })).status).toBe(401);
    expect((await api("/me", { token: fresh.body.token })).status).toBe(200);
  });

  it("closes the sockets opened with a token when it is refreshed (4002), and the old token cannot reopen them", async () => {
    const [room, ann] = await roomWith("renew");
    const socket = await connect(ann.token, room.id);
    const channel = await connectChannel(ann.token);
    const fresh = await api<Account>("/auth/refresh", { method: "POST", token: ann.token });
    expect(fresh.status).toBe(200);
    // A copy of the old token loses what it had open, not only what it could open next.
    expect((await socket.closed).code).toBe(CloseCode.tokenReplaced);
    expect(await closeOf(channel)).toBe(CloseCode.tokenReplaced);
    expect((await openSocket(ann.token, room.id)).status).toBe(401);
    expect(await channelRefused(ann.token)).toBe(true);
    // The owner's client comes back with the new token, and its session ends as usual.
    const again = await connect(fresh.body.token, room.id);
    again.send({ type: "send", clientId: "renewed", content: "with the new token" });
    await again.next("ack", (f) => f.clientId === "renewed");
    expect((await api("/auth/logout", { method: "POST", token: fresh.body.token })).status).toBe(204);
    expect((await again.closed).code).toBe(CloseCode.sessionEnded);
  });

  it("closes with 4001 a room upgrade that reaches the room after it heard the session end", async () => {
    // As when the Worker checked the session just before a logout ended it: the room hears of
    // the end first, then the upgrade arrives.
    const [room, ann] = await roomWith("late");
    const jti = JSON.parse(atob((ann.token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))).jti as string;
    expect(await chatRoom(env, room.id).endSessions(ann.user.id, [jti])).toBe(0);
    const late = await connect(ann.token, room.id, null);
    const closed = Promise.race([late.closed.then((c) => c.code), new Promise<"open">((r) => setTimeout(() => r("open"), 3000))]);
    expect(await closed).toBe(CloseCode.sessionEnded);
    expect(late.frames).toEqual([]);
  });

  it("closes with 4002 a room upgrade that reaches the room after it heard of the refresh", async () => {
    // As when the Worker checked the old token just before it was refreshed: a copy of it must
    // not slip a socket in after the room closed the others.
    const [room, ann] = await roomWith("lateref");
    const jti = JSON.parse(atob((ann.token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))).jti as string;
    expect(await chatRoom(env, room.id).endSessions(ann.user.id, [jti], true)).toBe(0);
    const late = await connect(ann.token, room.id, null);
    const closed = Promise.race([late.closed.then((c) => c.code), new Promise<"open">((r) => setTimeout(() => r("open"), 3000))]);
    expect(await closed).toBe(CloseCode.tokenReplaced);
  });

  it("logs out one session: its token is refused and its socket closes with 4001; others live on", async () => {
    const [room, ann] = await roomWith("bye");
    const other = (await login(ann.user.username)).body;
    const [mine, theirs] = [await connect(ann.token, room.id), await connect(other.token, room.id)];
    expect((await api("/auth/logout", { method: "POST", token: ann.token })).status).toBe(204);
    expect((await mine.closed).code).toBe(CloseCode.sessionEnded);
    expect((await api("/me", { token: ann.token })).status).toBe(401);
    expect((await api(`/rooms/${room.id}/messages`, { token: other.token })).status).toBe(200);
    theirs.send({ type: "send", clientId: "still", content: "still here" });
    await theirs.next("ack", (f) => f.clientId === "still");
    theirs.close();
  });

  it("signs out everywhere: every token refused, every socket closed", async () => {
    const [room, ann] = await roomWith("all");
    const other = (await login(ann.user.username)).body;
    const sockets = [await connect(ann.token, room.id), await connect(other.token, room.id)];
    const r = await api<{ ended: number }>("/auth/logout-all", { method: "POST", token: other.token });
    expect(r.body.ended).toBe(2);
    for (const s of sockets) expect((await s.closed).code).toBe(CloseCode.sessionEnded);
    for (const t of [ann.token, other.token]) expect((await api("/me", { token: t })).status).toBe(401);
    // Signing in again works.
    expect((await login(ann.user.username)).status).toBe(200);
  });

  it("changes the password, ending every other session", async () => {
    const [room, ann] = await roomWith("pwd");
    const other = (await login(ann.user.username)).body;
    const socket = await connect(other.token, room.id);
    const change = (currentPassword: string, newPassword: string) =>
      api<{ ended: number }>("/auth/password", { token: ann.token, body: { currentPassword, newPassword } });
    expect(code(await change("wrong password", "a brand new passphrase"))).toBe("invalid_credentials");
    expect(code(await change(password, "password1"))).toBe("weak_password");
    // The same password is no change: refused, and nobody is signed out.
    expect(code(await change(password, password))).toBe("same_password");
    expect((await api("/me", { token: other.token })).status).toBe(200);
    const done = await change(password, "a brand new passphrase");
    expect(done.status).toBe(200);
    expect(done.body.ended).toBe(1);
    expect((await socket.closed).code).toBe(CloseCode.sessionEnded);
    expect((await api("/me", { token: other.token })).status).toBe(401);
    expect((await api("/me", { token: ann.token })).status).toBe(200);
    expect((await login(ann.user.username, password, "198.51.100.2")).status).toBe(401);
    expect((await login(ann.user.username, "a brand new passphrase", "198.51.100.3")).status).toBe(200);
  });

  describe("the channel socket (/api/me/ws)", () => {
    it("closes on logout with 4001, only that session's: the other session's channel still gets activity", async () => {
      const [room, ann, bob] = await roomWith("chbye", "chbob");
      const other = (await login(ann.user.username)).body;
      const [mine, theirs] = [await connectChannel(ann.token), await connectChannel(other.token)];
      expect((await api("/auth/logout", { method: "POST", token: ann.token })).status).toBe(204);
      expect(await closeOf(mine)).toBe(CloseCode.sessionEnded);
      expect(await channelRefused(ann.token)).toBe(true);
      // Other people's message text reaches the session still open, and no longer the ended one.
      await post(bob, room.id, "after the logout");
      const seen = await theirs.waitFor("activity", (f) => f.rooms.some((r) => r.lastMessage?.content === "after the logout"));
      expect(seen.rooms[0]).toMatchObject({ roomId: room.id });
      expect(mine.of("activity")).toEqual([]);
      expect(await closeOf(theirs, 100)).toBe("open");
      theirs.close();
    });

    it("closes every session's channel on sign out everywhere", async () => {
      const ann = await signUp("chall");
      const other = (await login(ann.user.username)).body;
      const channels = [await connectChannel(ann.token), await connectChannel(other.token), await connectChannel(other.token)];
      expect((await api<{ ended: number }>("/auth/logout-all", { method: "POST", token: other.token })).body.ended).toBe(2);
      for (const ch of channels) expect(await closeOf(ch)).toBe(CloseCode.sessionEnded);
      for (const t of [ann.token, other.token]) expect(await channelRefused(t)).toBe(true);
    });

    it("closes the other sessions' channels on a password change, not the caller's", async () => {
      const [room, ann, bob] = await roomWith("chpwd", "chpwb");
      const other = (await login(ann.user.username)).body;
      const [mine, theirs] = [await connectChannel(ann.token), await connectChannel(other.token)];
      const done = await api<{ ended: number }>("/auth/password", {
        token: ann.token,
        body: { currentPassword: password, newPassword: "a brand new passphrase" },
      });
      expect(done.body.ended).toBe(1);
      expect(await closeOf(theirs)).toBe(CloseCode.sessionEnded);
      expect(await channelRefused(other.token)).toBe(true);
      await post(bob, room.id, "after the change");
      await mine.waitFor("activity", (f) => f.rooms.some((r) => r.lastMessage?.content === "after the change"));
      expect(await closeOf(mine, 100)).toBe("open");
      mine.close();
    });
  });

  it("throttles a stranger's guesses without locking the owner out", async () => {
    const { user } = await signUp("owner");
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await login(user.username, "not the password", "203.0.113.66")).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // The owner, from their own address, is let in with the right password.
    expect((await login(user.username, password, "198.51.100.77")).status).toBe(200);
    // Guesses spread over many addresses still do not lock the owner out.
    for (let i = 0; i < 20; i++) await login(user.username, "not the password", `203.0.113.${i}`);
    expect((await login(user.username, password, "198.51.100.78")).status).toBe(200);
  });

  it("answers a deleted account's token with 401, not 500", async () => {
    const gone = await signUp("gone");
    await (await openDb(env)).rows(sql`delete from users where id = ${gone.user.id}`);
    for (const [path, body] of [
      ["/rooms", {}],
      ["/characters", { name: "X", systemPrompt: "Be brief." }],
      ["/auth/refresh", undefined],
    ] as const) {
      const r = await api(path, { method: "POST", token: gone.token, body });
      expect(r.status).toBe(401);
    }
    expect((await api("/me", { token: gone.token })).status).toBe(401);
  });
});
