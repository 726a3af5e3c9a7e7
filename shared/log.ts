// Structured JSON logs: one object per line, which Workers observability indexes by field.
// Every line written while a request is handled carries its request id: the request's
// middleware opens a log context (AsyncLocalStorage follows the request through every await),
// so callers deep inside need not pass it. Nothing here may ever carry a token or a secret:
// callers must not pass them, and each line is scrubbed of credential shapes as a last net.
import { AsyncLocalStorage } from "node:async_hooks";

type Fields = Record<string, unknown>;

const context = new AsyncLocalStorage<Fields>();

/** Runs `fn` with `fields` (e.g. the request id) added to every line it logs. */
export function withLogContext<T>(fields: Fields, fn: () => T): T {
  return context.run({ ...context.getStore(), ...fields }, fn);
}

function emit(level: "info" | "warn" | "error", event: string, fields: Fields) {
  const line = scrub(JSON.stringify({ level, event, time: new Date().toISOString(), ...context.getStore(), ...fields }));
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

export const log = {
  info: (event: string, fields: Fields = {}) => emit("info", event, fields),
  warn: (event: string, fields: Fields = {}) => emit("warn", event, fields),
  error: (event: string, fields: Fields = {}) => emit("error", event, fields),
};

/** Strips every query value from a URL before it is logged: WebSocket upgrades may carry
 * ?token=, searches carry what people typed. The names stay, for debugging. */
export function redactUrl(url: string): string {
  return url.replace(/([?&][^=&#]*=)[^&#]*/g, "$1[redacted]");
}

/**
 * Masks what looks like a credential anywhere in a serialized line: query parameters named
 * like tokens, bearer tokens, the password in a connection string, Google API keys, JWTs.
 * Error messages from libraries can quote any of these.
 */
export function scrub(line: string): string {
  return line
    .replace(/([?&](?:token|access_token|key|api_key)=)[^&#"\s\\]*/gi, "$1[redacted]")
    .replace(/(Bearer\s+)[^\s"\\]+/gi, "$1[redacted]")
    .replace(/(:\/\/[^:/@\s"\\]*:)[^@\s"\\]+@/g, "$1[redacted]@")
    .replace(/AIza[0-9A-Za-z_-]{20,}/g, "[redacted]")
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, "[redacted]");
}

/** An error as log fields: its message, and the chain of causes beneath it (a driver wraps
 * the reason, e.g. "connection refused", under "Failed query: …" with the whole statement). */
export function errorFields(err: unknown): { error: string; cause?: string } {
  const causes: string[] = [];
  const seen = new Set<unknown>([err]);
  for (let e = (err as { cause?: unknown })?.cause; e !== undefined && e !== null && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    causes.push(`${String(e)}${typeof code === "string" && !String(e).includes(code) ? ` (${code})` : ""}`);
  }
  return causes.length > 0
    ? { error: String(err).slice(0, 300), cause: causes.join(" <- ").slice(0, 500) }
    : { error: String(err).slice(0, 500) };
}
