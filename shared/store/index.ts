// The history store: the system of record for REST reads, room lists, search and export.
// `openStore(env)` picks Postgres (HYPERDRIVE binding) or D1. What it returns is a front door:
// the implementation (open.ts: drizzle, the table definitions, postgres.js) is imported and
// the store opened on its first call, so an isolate that never touches the store (a Durable
// Object at start, a metrics scrape, a WebSocket upgrade answered from a room's cache) never
// evaluates any of it.
import { dialectOf, type StoreBindings } from "./bindings";
import type { Store } from "./open";

export type { Store } from "./open";
export { isStoreDown, isUniqueViolation, isUnstorableText, StoreUnavailable } from "./unavailable";

/** One store per call, opened (for Postgres, with a client of its own) on its first call. */
export function openStore(env: StoreBindings): Store {
  let opened: Promise<Store> | undefined;
  const real = () => (opened ??= import("./open").then(({ open }) => open(env)));
  /** Stands in for one of the store's repositories: a method's call awaits the store, then
   * runs. What it returns serves as the promise of an async method's result and as the
   * iterable of an async generator's (messages.all), so callers cannot tell. */
  const later = <T extends object>(pick: (store: Store) => T): T =>
    new Proxy({} as T, {
      // No `then`: a repository is not a promise, even when something awaits it.
      get: (_target, method) => {
        if (method === "then") return undefined;
        return (...args: unknown[]) => {
          const result = real().then((store) => (pick(store) as Record<PropertyKey, (...a: unknown[]) => unknown>)[method]?.(...args));
          return Object.assign(result, {
            async *[Symbol.asyncIterator]() {
              yield* (await result) as AsyncIterable<unknown>;
            },
          });
        };
      },
    });
  return {
    dialect: dialectOf(env),
    users: later((store) => store.users),
    characters: later((store) => store.characters),
    rooms: later((store) => store.rooms),
    messages: later((store) => store.messages),
    ping: async () => (await real()).ping(),
  };
}
