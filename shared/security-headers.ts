// The HTTP security headers, defined once for every place that serves Parlor: the Worker's
// middleware (API responses), the build's `_headers` file (the deployed pages and assets) and
// the Vite plugin (`npm run dev` and preview). No imports, so the build scripts may load it.

/**
 * The security headers every response carries: the app's HTML and assets (web/public's
 * generated `_headers` when deployed, the Vite plugin in `npm run dev`) and the API (Worker
 * middleware). The CSP allows scripts only from the app's own origin (no inline script, no
 * eval), network traffic only to itself (`'self'` covers ws: and wss: of the same host), and
 * no framing. `connect` adds origins (the dev server names its own WebSocket origins);
 * `inlineStyles` is for the dev server, which injects CSS as <style> elements, and
 * `blobWorkers` for its client, which checks for a restarted server from a blob worker.
 */
export function securityHeaders(opts: { connect?: string[]; inlineStyles?: boolean; blobWorkers?: boolean } = {}): Record<string, string> {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self'${opts.inlineStyles ? " 'unsafe-inline'" : ""}`,
    // blob: for attachments: the app fetches their bytes with the token and shows them from a
    // blob URL (an <img> cannot send the Authorization header).
    "img-src 'self' data: blob:",
    "font-src 'self'",
    // Vite's dev client pings the restarted server from a worker made from a blob.
    ...(opts.blobWorkers ? ["worker-src 'self' blob:"] : []),
    ["connect-src 'self'", ...(opts.connect ?? [])].join(" "),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
  return {
    "Content-Security-Policy": csp,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
  };
}
