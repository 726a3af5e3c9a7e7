import { describe, expect, it } from "vitest";
import { api, createRoom, signUp } from "../../test/helpers";

describe("docs and the error shape", () => {
  it("serves an OpenAPI 3.1 document generated from the validating schemas", async () => {
    const r = await api<{
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    }>("/openapi.json");
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe("3.1.0");
    for (const path of ["/auth/register", "/rooms", "/rooms/{id}/messages", "/search", "/health"]) {
      expect(Object.keys(r.body.paths)).toContain(path);
    }
    expect(Object.keys(r.body.components.schemas)).toEqual(expect.arrayContaining(["Message", "Room", "User", "Error", "Attachment"]));
    // Uploads, AI budgets: the multipart body is described, and both usage reports are there.
    const upload = r.body.paths["/rooms/{id}/attachments"]?.post as { requestBody?: { content: Record<string, unknown> } };
    expect(Object.keys(upload.requestBody?.content ?? {})).toEqual(["multipart/form-data"]);
    for (const path of ["/rooms/{id}/attachments/{attachmentId}", "/me/usage", "/admin/usage"])
      expect(Object.keys(r.body.paths)).toContain(path);
  });

  it("serves the docs page without external resources", async () => {
    const r = await api<string>("/docs");
    expect(r.status).toBe(200);
    expect(r.headers.get("Content-Type")).toContain("text/html");
    expect(r.body).toContain("/api/openapi.json");
    expect(r.body).not.toMatch(/<script[^>]+src=/);
  });

  it("answers unknown routes with a JSON 404", async () => {
    const r = await api<{ error: { code: string } }>("/no/such/route");
    expect(r.status).toBe(404);
    expect(r.headers.get("Content-Type")).toContain("application/json");
    expect(r.body.error.code).toBe("not_found");
  });

  it("answers a plain GET on the WebSocket path with 426, not a crash", async () => {
    const ann = await signUp("ann");
    const room = await createRoom(ann);
    const r = await api<{ error: { code: string } }>(`/rooms/${room.id}/ws`, { token: ann.token });
    expect(r.status).toBe(426);
    expect(r.body.error.code).toBe("upgrade_required");
  });
});
