// The history store's implementation, which index.ts loads on a store's first call: drizzle,
// the table definitions and (for Postgres) postgres.js stay off an isolate's start-up.
import { sql } from "drizzle-orm";
import { type StoreBindings, storeTimeoutMs } from "./bindings";
import { openDb } from "./db";
import { messagesRepo } from "./messages";
import { roomsRepo } from "./rooms";
import { guardStore } from "./unavailable";
import { charactersRepo, usersRepo } from "./users";

/** Picks Postgres (HYPERDRIVE binding) or D1 and builds every repository. */
export async function open(env: StoreBindings) {
  const ctx = await openDb(env);
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

export type Store = Awaited<ReturnType<typeof open>>;
