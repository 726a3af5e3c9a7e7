// The REST contract through each dev server, as a client sees it. Above all the refusals: each
// must come back as the Worker's JSON error, and the request after it must get the Worker's
// normal answer (`npm run dev` used to answer it with Vite's HTML 500 when the refused
// request's body was left unread), round after round because the failure was a race.
import postgres from "postgres";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { Message, Room } from "../../shared/wire";
import { type Account, call, createRoom, type Reply, signUp } from "./client";

const { modes, maxMessageChars, pgUrl } = inject("blackbox");

type ErrorBody = { error?: { code?: string } };
const MISSING_ROOM = "00000000-0000-4000-8000-000000000000";

describe.each(modes)("REST through $name", ({ name, base, history }) => {
  let owner: Account;
  let outsider: Account;
  let room: Room;
  beforeAll(async () => {
    owner = await signUp(base, "rest_owner");
    outsider = await signUp(base, "rest_out");
    room = await createRoom(base, owner, { title: "black box" });
  });

  it("reports health with the Gemini provider from .dev.vars and its history store", async () => {
    const r = await call<{ status: string; checks: Record<string, { detail: string }> }>(base, "/api/health");
    expect(r.status).toBe(200);
    expect(r.body.checks.ai?.detail).toMatch(/^gemini: 1 of 1 keys/);
    expect(r.body.checks.history?.detail).toBe(history);
  });

  it("sends the security headers with the app's page, its scripts and the API", async () => {
    const page = await fetch(`${base}/`);
    const html = await page.text();
    const script = html.match(/<script[^>]+src="([^"]+)"/)?.[1];
    expect(script).toBeTruthy();
    for (const res of [page, await fetch(`${base}${script}`), await fetch(`${base}/api/health`), await fetch(`${base}/api/me`)]) {
      const csp = res.headers.get("Content-Security-Policy") ?? "";
      expect(csp, res.url).toMatch(/script-src 'self';/);
      expect(csp, res.url).toContain("frame-ancestors 'none'");
      expect(csp, res.url).not.toContain("unsafe-eval");
      expect(res.headers.get("X-Frame-Options"), res.url).toBe("DENY");
      expect(res.headers.get("X-Content-Type-Options"), res.url).toBe("nosniff");
      expect(res.headers.get("Referrer-Policy"), res.url).toBeTruthy();
      expect(res.headers.get("Permissions-Policy"), res.url).toBeTruthy();
    }
    // A CORS preflight is the Worker's to answer in every mode (Vite answered it itself, 204
    // with no security headers): JSON, with the same headers.
    const preflight = await fetch(`${base}/api/rooms`, {
      method: "OPTIONS",
      headers: { Origin: "http://evil.example", "Access-Control-Request-Method": "POST" },
    });
    expect(preflight.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
    expect(preflight.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBeNull();
    // Under Vite (`npm run dev`), its client checks for a restarted server from a blob worker.
    const pageCsp = page.headers.get("Content-Security-Policy") ?? "";
    if (name === "wrangler") expect(pageCsp).not.toContain("worker-src");
    else expect(pageCsp).toContain("worker-src 'self' blob:");
  });

  it("answers the API's own addresses with its JSON, never with the app's page", async () => {
    for (const path of ["/api", "/api/", "/api/nope", "/metrics/", "/metrics/x"]) {
      const res = await fetch(`${base}${path}`);
      expect(res.headers.get("Content-Type"), path).toMatch(/^application\/json/);
      expect([401, 404], path).toContain(res.status);
      expect(((await res.json()) as ErrorBody).error?.code, path).toBeTruthy();
    }
  });

  it("stores a post and serves it back in the history page", async () => {
    const posted = await call<{ message: Message }>(base, `/api/rooms/${room.id}/messages`, {
      token: owner.token,
      body: { content: "hello from the black box", clientId: "bb-1" },
    });
    expect(posted.status).toBe(201);
    const page = await call<{ messages: Message[] }>(base, `/api/rooms/${room.id}/messages?limit=50`, { token: owner.token });
    expect(page.status).toBe(200);
    expect(page.body.messages.map((m) => m.content)).toContain("hello from the black box");
  });

  it("answers every refusal with its JSON error and the request after it normally, round after round", async () => {
    const msgs = `/api/rooms/${room.id}/messages`;
    const refusals: [string, number, string, () => Promise<Reply<ErrorBody>>][] = [
      ["POST without a token", 401, "unauthorized", () => call(base, "/api/rooms", { body: { title: "x" } })],
      ["POST by a non-member", 403, "not_a_member", () => call(base, msgs, { token: outsider.token, body: { content: "hi" } })],
      [
        "POST to an unknown room",
        404,
        "not_found",
        () => call(base, `/api/rooms/${MISSING_ROOM}/messages`, { token: owner.token, body: { content: "hi" } }),
      ],
      ["a 100 KB body", 413, "payload_too_large", () => call(base, msgs, { token: owner.token, body: { content: "x".repeat(100_000) } })],
      ["a 2 MB body", 413, "payload_too_large", () => call(base, msgs, { token: owner.token, body: { content: "x".repeat(2_000_000) } })],
      [
        "a 2 MB body sent in chunks",
        413,
        "payload_too_large",
        () => call(base, msgs, { token: owner.token, body: { content: "x".repeat(2_000_000) }, chunked: true }),
      ],
      ["a body that is not JSON", 400, "invalid_json", () => call(base, msgs, { token: owner.token, body: "{not json" })],
      [
        "a wrong password",
        401,
        "invalid_credentials",
        () => call(base, "/api/auth/login", { body: { username: owner.user.username, password: "not the password" } }),
      ],
    ];
    for (let round = 1; round <= 4; round++) {
      for (const [name, status, code, send] of refusals) {
        const got = await send();
        expect({ round, name, status: got.status, code: got.body.error?.code }).toEqual({ round, name, status, code });
        const next = await call(base, "/api/rooms", { token: owner.token });
        expect({ round, after: name, status: next.status, json: next.contentType }).toEqual({
          round,
          after: name,
          status: 200,
          json: expect.stringContaining("application/json"),
        });
      }
    }
  });

  it("takes an upload into the local R2, serves it back inert, and refuses one over the limit", async () => {
    const upload = (bytes: Uint8Array<ArrayBuffer>, name: string) => {
      const form = new FormData();
      form.append("file", new Blob([bytes]), name);
      return fetch(`${base}/api/rooms/${room.id}/attachments`, {
        method: "POST",
        headers: { authorization: `Bearer ${owner.token}` },
        body: form,
      });
    };
    const page = new TextEncoder().encode("<script>alert(1)</script>");
    const up = await upload(page, "page.html");
    expect(up.status).toBe(201);
    const { attachment } = (await up.json()) as { attachment: { id: string; url: string; mimeType: string } };
    expect(attachment.mimeType).toBe("text/plain");
    const got = await fetch(`${base}${attachment.url}`, { headers: { authorization: `Bearer ${owner.token}` } });
    expect(got.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(got.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(got.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await got.text()).toBe("<script>alert(1)</script>");
    const sent = await call<{ message: Message }>(base, `/api/rooms/${room.id}/messages`, {
      token: owner.token,
      body: { content: "see attached", attachments: [attachment.id] },
    });
    expect(sent.body.message.attachments?.map((a) => a.id)).toEqual([attachment.id]);

    const big = await upload(new Uint8Array(11 * 1024 * 1024).fill(0x61), "big.txt");
    expect(big.status).toBe(413);
    expect(((await big.json()) as ErrorBody).error?.code).toBe("payload_too_large");
    const next = await call(base, "/api/rooms", { token: owner.token });
    expect(next.status).toBe(200);
  });

  it("takes MAX_MESSAGE_CHARS from .dev.vars", async () => {
    const tooLong = await call<ErrorBody>(base, `/api/rooms/${room.id}/messages`, {
      token: owner.token,
      body: { content: "y".repeat(maxMessageChars + 1) },
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toContain(`at most ${maxMessageChars} characters`);
    const fits = await call(base, `/api/rooms/${room.id}/messages`, { token: owner.token, body: { content: "y".repeat(maxMessageChars) } });
    expect(fits.status).toBe(201);
  });

  it.runIf(history === "postgres")("keeps history in Postgres, not D1", async () => {
    const content = `stored in postgres ${Date.now()}`;
    expect((await call(base, `/api/rooms/${room.id}/messages`, { token: owner.token, body: { content } })).status).toBe(201);
    const sql = postgres(pgUrl, { max: 1, onnotice: () => {} });
    try {
      // The room copies to the store after FLUSH_DELAY_MS (100 ms in .dev.vars).
      let rows: { content: string }[] = [];
      for (let i = 0; i < 100 && rows.length === 0; i++) {
        rows = await sql<{ content: string }[]>`select content from messages where room_id = ${room.id} and content = ${content}`;
        if (rows.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      expect(rows).toEqual([{ content }]);
    } finally {
      await sql.end();
    }
  });
});
