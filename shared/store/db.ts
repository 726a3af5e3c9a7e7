// Opens the history store for one request or alarm: Postgres through Hyperdrive when the
// HYPERDRIVE binding exists, D1 otherwise. Both dialects share one implementation: the queries
// are written once against the SQLite-typed tables, and the Postgres tables (schema.pg.ts)
// mirror them column for column, so drizzle renders the same query in the other dialect.
// Only methods both query builders share are used (no `.get()`/`.all()`/`.run()`).

import type { SQL } from "drizzle-orm";
import { type DrizzleD1Database, drizzle as drizzleD1 } from "drizzle-orm/d1";
import { type Dialect, type StoreBindings, storeTimeoutMs } from "./bindings";
import * as sqliteSchema from "./schema.sqlite";

export type Tables = typeof sqliteSchema;
export type Db = DrizzleD1Database<Record<string, never>>;

export interface DbContext {
  db: Db;
  t: Tables;
  dialect: Dialect;
  /** Runs statements atomically (a D1 batch, or a Postgres transaction, in order) and
   * returns each one's result. */
  atomic(build: (db: Db) => unknown[]): Promise<readonly unknown[]>;
  /** Runs raw SQL and returns its rows (used where the dialects differ, e.g. search). */
  rows<T>(query: SQL): Promise<T[]>;
}

/** A Postgres connection not ready by then fails (CONNECT_TIMEOUT) rather than after
 * postgres.js's default half minute. */
const CONNECT_TIMEOUT_SECONDS = 5;
/** A Postgres connection idle this long is closed. A ChatRoom copies through its own client,
 * and an open connection keeps the room in memory: it could never be evicted or hibernate. A
 * busy room copies every few seconds and keeps reusing its connection. */
export const STORE_IDLE_SECONDS = 5;

export async function openDb(env: StoreBindings): Promise<DbContext> {
  if (env.HYPERDRIVE)
    return openPg(env.HYPERDRIVE.connectionString, Math.min(CONNECT_TIMEOUT_SECONDS, Math.ceil(storeTimeoutMs(env) / 2000)));
  const db = drizzleD1(env.DB);
  return {
    db,
    t: sqliteSchema,
    dialect: "sqlite",
    async atomic(build) {
      const statements = build(db) as unknown as Parameters<Db["batch"]>[0];
      return statements.length > 0 ? await db.batch(statements) : [];
    },
    async rows<T>(query: SQL) {
      return (await db.all(query)) as T[];
    },
  };
}

async function openPg(connectionString: string, connectTimeout: number): Promise<DbContext> {
  // Loaded only here: a D1 deployment never evaluates postgres.js or the Postgres tables.
  const [{ default: postgres }, { drizzle: drizzlePg }, pgSchema, { WorkersPgSocket, ownSocket }] = await Promise.all([
    import("postgres"),
    import("drizzle-orm/postgres-js"),
    import("./schema.pg"),
    import("./pg-socket"),
  ]);
  // Hyperdrive pools connections at the edge, so a small client per request is what it
  // expects. fetch_types off saves a round trip per connection (we use no custom types).
  // There is no explicit end(): the runtime closes a request's sockets when it finishes. A
  // ChatRoom keeps one client for its lifetime instead of one per flush; its connections close
  // once idle (STORE_IDLE_SECONDS), so that the room can still be evicted and hibernate. They
  // go through WorkersPgSocket, which closes without leaving a rejected read behind.
  const client = postgres(connectionString, {
    max: 5,
    fetch_types: false,
    prepare: true,
    connect_timeout: connectTimeout,
    idle_timeout: STORE_IDLE_SECONDS,
    ...(ownSocket(connectionString)
      ? { socket: ({ host, port }: { host: string[]; port: number[] }) => new WorkersPgSocket(host[0] ?? "localhost", port[0] ?? 5432) }
      : {}),
  });
  const orm = drizzlePg(client);
  const db = orm as unknown as Db;
  return {
    db,
    t: pgSchema as unknown as Tables,
    dialect: "pg",
    async atomic(build) {
      return orm.transaction(async (tx) => {
        const results: unknown[] = [];
        for (const statement of build(tx as unknown as Db)) results.push(await statement);
        return results;
      });
    },
    async rows<T>(query: SQL) {
      return (await orm.execute(query)) as unknown as T[];
    },
  };
}
