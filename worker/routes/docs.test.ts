import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { securityHeaders } from "../../shared/security-headers";
import { api, BASE, createRoom, signUp } from "../../test/helpers";

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
    // A count in the query string is documented as the number it must be, with its bounds.
    type Param = { name: string; in: string; schema: Record<string, unknown> };
    const page = r.body.paths["/rooms/{id}/messages"]?.get as { parameters: Param[] };
    expect(page.parameters.find((p) => p.name === "limit")?.schema).toMatchObject({
      type: "integer",
      minimum: 1,
      maximum: 100,
      default: 50,
    });
    const edit = r.body.paths["/rooms/{id}/messages/{seq}"]?.patch as { parameters: Param[] };
    expect(edit.parameters.find((p) => p.name === "seq")).toMatchObject({ in: "path", schema: { type: "integer", minimum: 1 } });
  });

  it("names /api as its server, so every path it lists resolves to a route there", async () => {
    const r = await api<{ servers: { url: string }[]; paths: Record<string, Record<string, unknown>> }>("/openapi.json");
    expect(r.body.servers).toEqual([{ url: "/api" }]);
    const { token } = await signUp("docs");
    const noRoute = (res: Response, body: string) => res.status === 404 && body.includes("No route for");
    for (const [path, item] of Object.entries(r.body.paths)) {
      const concrete = path.replace(/\{[^}]+\}/g, "x");
      for (const method of Object.keys(item)) {
        // Everything but the session's own ending, which would sign the rest out.
        if (path.startsWith("/auth/logout") || path === "/auth/password") continue;
        const call = async (url: string) => {
          const res = await exports.default.fetch(
            new Request(url, { method: method.toUpperCase(), headers: { Authorization: `Bearer ${token}` } }),
          );
          return noRoute(res, await res.text());
        };
        expect(await call(`${BASE}${r.body.servers[0]?.url}${concrete}`), `${method} ${path}`).toBe(false);
        expect(await call(`${BASE}${concrete}`), `${method} ${path} without the server's /api`).toBe(true);
      }
    }
    // The page shows each path under the server's URL.
    const script = await (await exports.default.fetch(`${BASE}/api/docs.js`)).text();
    expect(script).toContain("doc.servers");
    expect(script).toContain("esc(base+path)");
  });

  it("declares a nullable object as one that null satisfies (reply: null, lastMessage: null)", async () => {
    type Schema = Record<string, unknown>;
    const r = await api<{ paths: Record<string, Record<string, Schema>>; components: { schemas: Record<string, Schema> } }>(
      "/openapi.json",
    );
    // allOf [Message, {type: [object, null]}] asks for both, which null never is.
    const unsatisfiable: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (!node || typeof node !== "object") return;
      const allOf = (node as Schema).allOf;
      if (Array.isArray(allOf) && allOf.some((s) => Array.isArray(s?.type) && s.type.includes("null"))) unsatisfiable.push(at);
      for (const [key, value] of Object.entries(node)) walk(value, `${at}/${key}`);
    };
    walk(r.body, "#");
    expect(unsatisfiable).toEqual([]);
    const reply = r.body.paths["/rooms/{id}/messages"]?.post as {
      responses: Record<string, { content: Record<string, { schema: Schema }> }>;
    };
    const props = reply.responses["201"]?.content["application/json"]?.schema.properties as Record<string, Schema>;
    expect(props.reply).toEqual({ anyOf: [{ $ref: "#/components/schemas/Message" }, { type: "null" }] });
    const item = JSON.stringify(r.body.components.schemas.RoomListItem);
    expect(item).toContain('"lastMessage":{"anyOf":[{"$ref":"#/components/schemas/Message"},{"type":"null"}]}');
  });

  it("serves the docs page without external resources", async () => {
    const r = await api<string>("/docs");
    expect(r.status).toBe(200);
    expect(r.headers.get("Content-Type")).toContain("text/html");
    expect(r.body).toContain("/api/openapi.json");
    // Its script and style come from the API itself, never inline (the CSP allows neither).
    expect([...r.body.matchAll(/<script([^>]*)>/g)].map((m) => m[1])).toEqual([' src="/api/docs.js"']);
    expect(r.body).not.toContain("<style");
    const script = await exports.default.fetch(`${BASE}/api/docs.js`);
    expect(script.headers.get("Content-Type")).toContain("text/javascript");
    expect(await script.text()).toContain('fetch("/api/openapi.json")');
    expect((await exports.default.fetch(`${BASE}/api/docs.css`)).headers.get("Content-Type")).toContain("text/css");
  });

  it("sends the security headers on every API response, refusals included", async () => {
    const { token } = await signUp("hdr");
    const replies = [
      await api("/health"),
      await api("/docs"),
      await api("/me"),
      await api("/me", { token }),
      await api("/no/such/route"),
      await api("/auth/login", { body: "{not json" }),
    ];
    const expected = securityHeaders();
    for (const r of replies) for (const [name, value] of Object.entries(expected)) expect(r.headers.get(name), name).toBe(value);
    expect(expected["Content-Security-Policy"]).toMatch(/script-src 'self';/);
    expect(expected["Content-Security-Policy"]).toContain("frame-ancestors 'none'");
    expect(expected["Content-Security-Policy"]).not.toMatch(/unsafe-(inline|eval)/);
  });

  it("answers a JSON route sent no JSON Content-Type with 415 unsupported_media_type, a code the contract lists", async () => {
    const body = JSON.stringify({ username: "ann_x", password: "correct horse battery" });
    for (const type of [null, "text/plain", "application/x-www-form-urlencoded"]) {
      const res = await exports.default.fetch(
        new Request(`${BASE}/api/auth/login`, { method: "POST", body, headers: type ? { "Content-Type": type } : {} }),
      );
      expect(res.status, String(type)).toBe(415);
      const reply = (await res.json()) as { error: { code: string; message: string } };
      expect(reply.error.code, String(type)).toBe("unsupported_media_type");
      expect(reply.error.message).toContain("application/json");
    }
    const { token } = await signUp("ctype");
    const res = await exports.default.fetch(
      new Request(`${BASE}/api/rooms`, {
        method: "POST",
        body: "{}",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "text/plain" },
      }),
    );
    expect(res.status).toBe(415);
    // With a charset, JSON is JSON.
    expect((await api("/rooms", { token, body: "{}", headers: { "Content-Type": "application/json; charset=utf-8" } })).status).toBe(201);
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
