// /api/openapi.json (OpenAPI 3.1, generated from the schemas that validate requests) and
// /api/docs, a self-contained page that renders it: no CDN, so it works offline and in tests;
// its script and style sheet are served beside it, since the CSP allows nothing inline.
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../types";
import { VERSION } from "./health";

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Parlor API</title><link rel="stylesheet" href="/api/docs.css"></head><body><main><h1>Parlor API</h1><p class="lead">Version ${VERSION}. Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a>.
Real time: <code>GET /api/rooms/:id/ws?token=…</code> and your channel, <code>GET /api/me/ws</code> (WebSockets; frames in the project's docs/API.md).</p><div id="ops">Loading…</div></main>
<script src="/api/docs.js"></script></body></html>`;

/** The page's style sheet, served on its own: the CSP allows no inline style. */
const STYLE = `
:root{color-scheme:light dark;--fg:#1d1d1f;--muted:#6e6e73;--bg:#fff;--card:#f5f5f7;--accent:#5b5bd6}
@media (prefers-color-scheme:dark){:root{--fg:#f5f5f7;--muted:#a1a1a6;--bg:#111113;--card:#1c1c1f}}
body{font:15px/1.5 system-ui,sans-serif;margin:0;background:var(--bg);color:var(--fg)}main{max-width:960px;margin:auto;padding:24px}
h1{margin:0 0 4px}p.lead{color:var(--muted);margin-top:0}h2{margin-top:32px;border-bottom:1px solid var(--card);padding-bottom:4px}
details{background:var(--card);border-radius:10px;margin:8px 0;padding:8px 14px}summary{cursor:pointer;font-family:ui-monospace,monospace}
.m{display:inline-block;min-width:60px;font-weight:700;color:var(--accent)}pre{overflow:auto;font-size:13px}code{font-family:ui-monospace,monospace}
`;

/** The page's script, served on its own: the CSP allows no inline script. */
const SCRIPT = `const esc=s=>String(s).replace(/[&<>"']/g,c=>({"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;","'":"&#39;"}[c]));
fetch("/api/openapi.json").then(r=>r.json()).then(doc=>{const groups={},base=(doc.servers&&doc.servers[0]&&doc.servers[0].url)||"";
for(const [path,item] of Object.entries(doc.paths))for(const [method,op] of Object.entries(item)){(groups[(op.tags||["Other"])[0]]??=[]).push({path,method,op})}
document.getElementById("ops").innerHTML=Object.entries(groups).map(([tag,ops])=>"<h2>"+esc(tag)+"</h2>"+ops.map(({path,method,op})=>
"<details><summary><span class=m>"+method.toUpperCase()+"</span> "+esc(base+path)+" — "+esc(op.summary||"")+"</summary>"+(op.description?"<p>"+esc(op.description)+"</p>":"")+
"<pre>"+esc(JSON.stringify({parameters:op.parameters,requestBody:op.requestBody,responses:op.responses},null,2))+"</pre></details>").join("")).join("")+
"<h2>Schemas</h2><pre>"+esc(JSON.stringify(doc.components?.schemas??{},null,2))+"</pre>"})
.catch(e=>{document.getElementById("ops").textContent="Could not load the document: "+e});
`;

export function mountDocs(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", { type: "http", scheme: "bearer", bearerFormat: "JWT" });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    // The paths are the API app's own, mounted under /api: a client resolves them against this.
    servers: [{ url: "/api" }],
    info: {
      title: "Parlor API",
      version: VERSION,
      description: "Real-time AI chat. Errors are always `{error: {code, message, details?}}`.",
    },
  });
  app.get("/docs", (c) => c.html(PAGE));
  app.get("/docs.css", (c) => c.body(STYLE, 200, { "Content-Type": "text/css; charset=utf-8" }));
  app.get("/docs.js", (c) => c.body(SCRIPT, 200, { "Content-Type": "text/javascript; charset=utf-8" }));
}
