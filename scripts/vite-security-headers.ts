// A Vite plugin that puts the security headers (securityHeaders() in shared/security-headers.ts) on every
// response of `npm run dev` and `vite preview`, and writes them into the built app as
// `_headers`, which Workers static assets apply to every asset and HTML page they serve. One
// definition, so dev, preview and the deployed app send the same policy (the dev server's
// only differs in allowing the <style> elements Vite injects, naming its HMR socket, and the
// blob worker its client pings a restarted server from).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Plugin } from "vite";
import { securityHeaders } from "../shared/security-headers.ts";

type Next = (err?: unknown) => void;

function setHeaders(headers: Record<string, string>) {
  return (_req: IncomingMessage, res: ServerResponse, next: Next) => {
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    next();
  };
}

/** `_headers` for Workers static assets: every path gets every header. */
export function headersFile(headers: Record<string, string> = securityHeaders()): string {
  return `/*\n${Object.entries(headers)
    .map(([name, value]) => `  ${name}: ${value}\n`)
    .join("")}`;
}

export function securityHeadersPlugin(): Plugin {
  return {
    name: "parlor-security-headers",
    configureServer(server) {
      const port = server.config.server.port ?? 5173;
      const own = [`ws://localhost:${port}`, `ws://127.0.0.1:${port}`];
      server.middlewares.use(setHeaders(securityHeaders({ connect: own, inlineStyles: true, blobWorkers: true })));
    },
    configurePreviewServer(server) {
      server.middlewares.use(setHeaders(securityHeaders()));
    },
    generateBundle() {
      // The app's assets only: the Worker's bundle has no static files.
      if (this.environment.name !== "client") return;
      this.emitFile({ type: "asset", fileName: "_headers", source: headersFile() });
    },
  };
}
