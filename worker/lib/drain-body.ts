// Reads and discards a request body that the app answered without reading: a refusal before
// parsing (401 no token, 403 non-member, 404 unknown room, 413 by Content-Length, ...).
//
// Why: workerd closes an HTTP/1.1 connection whose request body was left unread or cancelled,
// without saying so in the response. A client that pools connections to it (the Vite dev
// server's link to the runtime through miniflare's undici pool, a benchmark talking straight
// to the runtime) may already have sent its next request on that connection: that request
// then fails ("other side closed"), and `npm run dev` answered it with Vite's HTML 500 instead
// of the Worker's JSON. Draining keeps the connection reusable; `body.cancel()` does not (the
// connection is still closed). See workerd issue 1741. On the platform this costs one read of
// bytes that have already arrived. Past MAX_DRAIN_BYTES the rest is cancelled, so a huge
// upload cannot keep a refused request busy.
import type { MiddlewareHandler } from "hono";

export const MAX_DRAIN_BYTES = 16 * 1024 * 1024;

export function drainUnreadBody(): MiddlewareHandler {
  return async function drainUnreadBody(c, next) {
    await next();
    const request = c.req.raw;
    if (request.body === null || request.bodyUsed) return;
    const reader = request.body.getReader();
    try {
      let read = 0;
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        read += chunk.value.byteLength;
        if (read > MAX_DRAIN_BYTES) {
          await reader.cancel();
          return;
        }
      }
    } catch {
      // The client went away mid-upload: nothing left to keep reusable.
    }
  };
}
