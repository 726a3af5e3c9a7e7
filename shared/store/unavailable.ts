// Telling "the history store cannot be reached" apart from every other failure. Each call into
// a repository is guarded (`guardStore`): an error whose chain says the connection failed, was
// refused, reset or timed out, or that the server is shutting down or overloaded, is rethrown
// as StoreUnavailable (the original kept as its cause), as is a call with no answer within
// STORE_TIMEOUT_SECONDS; the API answers StoreUnavailable with 503
// `store_unavailable` and Retry-After instead of a generic 500. Errors about the data itself
// (constraints, invalid input, bad SQL) pass through unchanged; `isUniqueViolation` tells one
// of them, a taken unique key, apart in either dialect's words.

export class StoreUnavailable extends Error {
  constructor(cause: unknown) {
    super("The history store is unavailable.", { cause });
    this.name = "StoreUnavailable";
  }
}

/** SQLSTATE classes that mean "the data or the statement", never "the connection". */
const DATA_CLASSES = /^(22|23|42|2B|40)/;
/** SQLSTATEs of a lost, refused or overloaded server: connection exceptions, resources, shutdown. */
const DOWN_CODES = /^(08|53|57P0|ECONN|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|CONNECT_TIMEOUT|CONNECTION_)/;
const DOWN_WORDS =
  /connection (attempt|refused|reset|closed|ended|terminated|lost|timed? ?out)|connect(ion)? timeout|network connection lost|socket (closed|hang up)|timed out|could not connect|the database system is (starting|shutting|in recovery)|terminating connection|too many (connections|clients)|D1_ERROR.*(overloaded|unavailable|reset|timeout|network)|internal error; reference/i;

/** Whether `err`, or anything in its cause chain, says the store could not be reached. */
export function isStoreDown(err: unknown): boolean {
  if (err instanceof StoreUnavailable) return true;
  const seen = new Set<unknown>();
  let down = false;
  for (let e: unknown = err; e && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const code = String((e as { code?: unknown }).code ?? "");
    if (DATA_CLASSES.test(code) && code.length === 5) return false;
    if (DOWN_CODES.test(code) || DOWN_WORDS.test(String((e as { message?: unknown }).message ?? e))) down = true;
  }
  return down;
}

/** The same repository, each of its async methods rethrowing an outage as StoreUnavailable,
 * and failing so when it has no answer within `timeoutMs` (a store that accepts connections
 * and never answers must not hold a request, or a room's flush, up for good). */
export function guardStore<T extends object>(repo: T, timeoutMs: number): T {
  const guarded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(repo)) {
    guarded[key] =
      typeof value === "function"
        ? (...args: unknown[]) => {
            const result = value.apply(repo, args);
            return result instanceof Promise ? withTimeout(result, timeoutMs).catch(rethrow) : result;
          }
        : value;
  }
  return guarded as T;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailable(new Error(`no answer within ${ms / 1000} s`))), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function rethrow(err: unknown): never {
  throw isStoreDown(err) ? new StoreUnavailable(err) : err;
}

/** Whether `err`, or an error it was caused by, has a Postgres `code` or a message `test` takes. */
function causedBy(err: unknown, codes: string[], test?: RegExp): boolean {
  const seen = new Set<unknown>();
  for (let e: unknown = err; e && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const { code, message } = e as { code?: string; message?: string };
    if (codes.includes(String(code)) || test?.test(message ?? "")) return true;
  }
  return false;
}

/** True when an insert failed on a unique constraint (D1 and Postgres word it differently). */
export const isUniqueViolation = (err: unknown) => causedBy(err, ["23505"], /UNIQUE constraint failed/i);

/** True when Postgres could not take a text value: a NUL, or a character its encoding lacks
 * (the client's input, not an outage or a bug). */
export const isUnstorableText = (err: unknown) => causedBy(err, ["22021", "22P05"]);
