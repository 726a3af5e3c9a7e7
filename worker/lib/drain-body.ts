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
//
// `limitBody` refuses a body over the limit (413) the same way: by Content-Length before reading
// it, or, for a body sent in chunks (no length), once it has read past the limit, after reading
// the rest. (Hono's bodyLimit leaves a chunked body half read, locked to its own reader.)
import type { MiddlewareHandler } from "hono";

export const MAX_DRAIN_BYTES = 16 * 1024 * 1024;

/** Reads what is left of a body and throws it away; `read` bytes were read already. */
async function discardRest(reader: ReadableStreamDefaultReader<Uint8Array>, read = 0) {
  try {
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
}

export function drainUnreadBody(): MiddlewareHandler {
  return async function drainUnreadBody(c, next) {
    await next();
    const request = c.req.raw;
    if (request.body === null || request.bodyUsed) return;
    await discardRest(request.body.getReader());
  };
}

/** Bodies up to `maxBytes`; `refuse` throws the 413. A chunked body is read here, and the
 * request gets it back whole for the route. */
export function limitBody(maxBytes: number, refuse: () => never): MiddlewareHandler {
  return async function limitBody(c, next) {
    const { body, headers } = c.req.raw;
    if (body === null) return next();
    const length = headers.get("content-length");
    if (length !== null && !headers.has("transfer-encoding")) return Number(length) > maxBytes ? refuse() : next();
    const reader = body.getReader();
    const parts: Uint8Array<ArrayBuffer>[] = [];
    let size = 0;
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      size += chunk.value.byteLength;
      if (size > maxBytes) {
        await discardRest(reader, size);
        refuse();
      }
      parts.push(chunk.value);
    }
    c.req.raw = new Request(c.req.raw, { body: new Blob(parts) });
    return next();
  };
}
