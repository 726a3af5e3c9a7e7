// GET /metrics and GET /api/admin/keys through the real Worker: both refuse anyone without
// the operator token, and the metrics move with traffic sent through the real routes and the
// real ChatRoom objects, summed across requests and rooms. (With Gemini keys and the AI
// pipeline: worker/ops-ai.test.ts.)
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createRoom, post, signUp } from "../../test/helpers";
import { read, sample, scrape, waitForSample } from "../../test/metrics";
import { connect } from "../../test/ws";

const POSTED = 'route="/api/rooms/:id/messages",method="POST",status="201"';

describe("GET /metrics", () => {
  it("refuses a caller without the operator token, with a wrong one or with a user's token", async () => {
    const ann = await signUp("ann");
    for (const token of [null, "not-the-admin-token", `${env.ADMIN_TOKEN}x`, ann.token]) {
      const res = await scrape(token);
      expect(res.status).toBe(401);
      expect(res.headers.get("Content-Type")).toMatch(/application\/json/);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    }
  });

  it("answers the operator in the Prometheus text format", async () => {
    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await res.text();
    for (const family of [
      "parlor_http_requests_total counter",
      "parlor_http_request_duration_seconds histogram",
      "parlor_messages_total counter",
      "parlor_websockets_open gauge",
      "parlor_ai_jobs_total counter",
      "parlor_ai_time_to_first_token_seconds histogram",
      "parlor_history_flush_lag_seconds histogram",
      "parlor_history_flush_failures_total counter",
    ]) {
      expect(text).toContain(`# TYPE ${family}\n`);
    }
    // Without GEMINI_API_KEYS there are no keys to report on.
    expect(text).not.toContain("parlor_gemini_key_requests");
  });

  it("counts messages sent over REST and over a WebSocket, summed across requests", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann);
    const messagesBefore = await read("parlor_messages_total");
    const postsBefore = await read("parlor_http_requests_total", POSTED);
    const flushesBefore = await read("parlor_history_flush_lag_seconds_count");
    await post(ann, room.id, "one");
    await post(ann, room.id, "two");
    const socket = await connect(ann.token, room.id);
    socket.send({ type: "send", clientId: "c1", content: "three" });
    await socket.next("ack");
    // An idempotent resend is the same message, not a new one.
    await post(ann, room.id, "two again", "same-id");
    await post(ann, room.id, "two again", "same-id");
    await post(ann, room.id, "five");
    socket.close();
    // "five" went out after the resend from the same room, so once it shows, so would the resend.
    const text = await waitForSample("parlor_messages_total", "", (v) => v >= messagesBefore + 5);
    expect(sample(text, "parlor_messages_total")).toBe(messagesBefore + 5);
    // The resend answers 200 with the first one's message.
    expect(sample(text, "parlor_http_requests_total", POSTED)).toBeGreaterThanOrEqual(postsBefore + 4);
    const duration = 'route="/api/rooms/:id/messages",method="POST"';
    expect(sample(text, "parlor_http_request_duration_seconds_count", duration)).toBeGreaterThanOrEqual(5);
    // The room copied them to the history store, and said how long they waited.
    await waitForSample("parlor_history_flush_lag_seconds_count", "", (v) => v >= flushesBefore + 1);
    // Route patterns only: no room id ever becomes a label.
    expect(text).not.toContain(room.id);
  });

  it("tracks open WebSockets across rooms as they open and close", async () => {
    const ann = await signUp("ann");
    const [r1, r2] = [await createRoom(ann), await createRoom(ann)];
    const a = await connect(ann.token, r1.id);
    const b = await connect(ann.token, r2.id);
    const text = await waitForSample("parlor_websockets_open", "", (v) => v >= 2);
    const open = sample(text, "parlor_websockets_open");
    a.close();
    b.close();
    await waitForSample("parlor_websockets_open", "", (v) => v <= open - 2);
  });

  it("labels requests no route matched as unmatched, and refusals under their route", async () => {
    const before = await read("parlor_http_requests_total", 'route="unmatched",method="GET",status="404"');
    expect((await api("/no/such/thing")).status).toBe(404);
    expect((await api("/rooms/some-id/messages", { method: "POST", body: { content: "x" } })).status).toBe(401);
    const text = await waitForSample("parlor_http_requests_total", 'route="unmatched",method="GET",status="404"', (v) => v >= before + 1);
    expect(sample(text, "parlor_http_requests_total", 'route="/api/rooms/:id/messages",method="POST",status="401"')).toBeGreaterThanOrEqual(
      1,
    );
    expect(text).not.toContain("/no/such/thing");
    expect(text).not.toContain("some-id");
  });
});

describe("GET /api/admin/keys", () => {
  it("refuses a caller without the operator token, even a signed-in user", async () => {
    const ann = await signUp("ann");
    expect((await api("/admin/keys")).status).toBe(401);
    const asUser = await api<{ error: { code: string } }>("/admin/keys", { token: ann.token });
    expect(asUser.status).toBe(401);
    expect(asUser.body.error.code).toBe("unauthorized");
  });

  it("says the dummy provider is in use when there are no keys", async () => {
    const res = await api("/admin/keys", { token: env.ADMIN_TOKEN });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ provider: "dummy", keys: [], limits: { cooldownSeconds: 60 } });
  });

  it("is described in the OpenAPI document under Operations", async () => {
    const doc = await api<{ paths: Record<string, { get?: { tags?: string[] } }> }>("/openapi.json");
    expect(doc.body.paths["/admin/keys"]?.get?.tags).toEqual(["Operations"]);
  });
});

describe("GET /api/admin/usage", () => {
  it("takes a day the calendar has, and refuses one it has not with 400 (not 500, not the day after)", async () => {
    const ok = await api<{ day: string }>("/admin/usage?day=2024-02-29", { token: env.ADMIN_TOKEN });
    expect(ok.status).toBe(200);
    expect(ok.body.day).toBe("2024-02-29");
    for (const day of ["2026-13-45", "2026-02-30", "2025-02-29", "2026-04-31", "0000-00-00"]) {
      const r = await api<{ error: { code: string; message: string } }>(`/admin/usage?day=${day}`, { token: env.ADMIN_TOKEN });
      expect(r.status, day).toBe(400);
      expect(r.body.error, day).toMatchObject({ code: "invalid_input", message: "day: a UTC day, YYYY-MM-DD" });
    }
  });
});
