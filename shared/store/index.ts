// The history store: the system of record for REST reads, room lists, search and export.
// `openStore(env)` picks Postgres (HYPERDRIVE binding) or D1.
import { sql } from "drizzle-orm";
import { openDb, type StoreBindings, storeTimeoutMs } from "./db";
import { messagesRepo } from "./messages";
import { roomsRepo } from "./rooms";
import { guardStore } from "./unavailable";
import { charactersRepo, usersRepo } from "./users";

export function openStore(env: StoreBindings) {
  const ctx = openDb(env);
  const guard = <T extends object>(repo: T) => guardStore(repo, storeTimeoutMs(env));
  // Every call that fails because the store cannot be reached throws StoreUnavailable.
  return {
    dialect: ctx.dialect,
    users: guard(usersRepo(ctx)),
    characters: guard(charactersRepo(ctx)),
    rooms: guard(roomsRepo(ctx)),
    messages: guard(messagesRepo(ctx)),
    ...guard({
      /** A real round trip, for the health check. */
      async ping(): Promise<void> {
        await ctx.rows(sql`select 1 as ok`);
      },
    }),
  };
}

export type Store = ReturnType<typeof openStore>;

/** A request's store, opened on first use: many requests never touch it (a WebSocket upgrade
 * answered from the room's cached member list, the metrics scrape, docs), and opening one
 * builds every repository (for Postgres, a client too). */
export function lazyStore(env: StoreBindings): Store {
  let store: Store | undefined;
  return new Proxy({} as Store, {
    get: (_target, key) => {
      store ??= openStore(env);
      return store[key as keyof Store];
    },
  });
}
export { isUniqueViolation } from "./db";
export { isStoreDown, StoreUnavailable } from "./unavailable";
