// Structured logs: every line a request writes carries that request's id, and no token,
// password or key ever reaches a log line, whether in a URL, a header or an error message.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, BASE, createRoom, signUp } from "../test/helpers";
import { openSocket } from "../test/ws";
import { createApp } from "../worker/app";
import { log, scrub, withLogContext } from "./log";

let lines: string[] = [];

beforeEach(() => {
  lines = [];
  for (const method of ["log", "warn", "error"] as const) {
    vi.spyOn(console, method).mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
  }
});
afterEach(() => vi.restoreAllMocks());

const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe("logs", () => {
  it("puts the request id on every line a request writes, not only the access log", async () => {
    const ctx = createExecutionContext();
    const hyperdrive = { connectionString: "postgres://parlor:pw-in-url@127.0.0.1:1/nope" } as unknown as Hyperdrive;
    const res = await createApp().fetch(
      new Request(`${BASE}/api/health`, { headers: { "CF-Ray": "ray-1234" } }),
      { ...env, HYPERDRIVE: hyperdrive },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.headers.get("X-Request-Id")).toBe("ray-1234");
    const events = parsed().filter((l) => l.event === "health_check_failed" || l.event === "request");
    expect(events.map((l) => l.event).sort()).toEqual(["health_check_failed", "request"]);
    for (const line of events) expect(line.requestId).toBe("ray-1234");
    expect(lines.join("\n")).not.toContain("pw-in-url");
  });

  it("never writes the ?token= of a WebSocket upgrade, whether it is accepted or refused", async () => {
    const [ann, bob] = [await signUp("ann"), await signUp("bob")];
    const room = await createRoom(ann);
    const ok = await openSocket(ann.token, room.id);
    expect(ok.status).toBe(101);
    ok.webSocket?.accept();
    ok.webSocket?.close(1000, "bye");
    expect((await openSocket(bob.token, room.id)).status).toBe(403);
    expect((await openSocket("not.a.jwt", room.id)).status).toBe(401);
    const all = lines.join("\n");
    for (const secret of [ann.token, bob.token, "not.a.jwt"]) expect(all).not.toContain(secret);
    const upgrades = parsed().filter((l) => l.event === "request" && String(l.url).includes("/ws"));
    expect(upgrades).toHaveLength(3);
    for (const line of upgrades) expect(line.url).toMatch(/\?token=\[redacted\]$/);
  });

  it("writes no query-string value, only the names", async () => {
    const { token } = await signUp("qs");
    expect((await api("/search?q=my-private-words&limit=5", { token })).status).toBe(200);
    const line = parsed().find((l) => l.event === "request" && String(l.url).includes("/search"));
    expect(line?.url).toMatch(/\/api\/search\?q=\[redacted\]&limit=\[redacted\]$/);
    expect(lines.join("\n")).not.toContain("my-private-words");
  });

  it("does not write a bearer token sent with a refused request", async () => {
    const res = await api("/me", { token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl" });
    expect(res.status).toBe(401);
    expect(lines.join("\n")).not.toContain("c2lnbmF0dXJl");
  });

  it("scrubs credential shapes from anything logged", () => {
    log.error("boom", {
      error: "connect failed: postgres://user:hunter2@db.internal:5432/x",
      header: "Authorization: Bearer abc.def.ghi",
      url: "https://x.test/a?key=AIzaSyA1234567890abcdefghijklmnopqrstu&b=1",
    });
    const [line] = lines;
    expect(line).not.toMatch(/hunter2|abc\.def\.ghi|AIzaSy/);
    expect(line).toContain("postgres://user:[redacted]@db.internal");
    expect(scrub("plain text stays as it is")).toBe("plain text stays as it is");
  });

  it("adds context fields to nested lines without losing the outer ones", () => {
    withLogContext({ requestId: "r1" }, () => withLogContext({ jobId: "j1" }, () => log.info("inner")));
    log.info("outside");
    expect(parsed().map(({ event, requestId, jobId }) => ({ event, requestId, jobId }))).toEqual([
      { event: "inner", requestId: "r1", jobId: "j1" },
      { event: "outside", requestId: undefined, jobId: undefined },
    ]);
  });
});
