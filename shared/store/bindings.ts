// What a history store is opened from, kept apart from the implementation (db.ts, open.ts) so
// that the lazy front door (index.ts) can answer these without loading it.

export type Dialect = "sqlite" | "pg";

export interface StoreBindings {
  DB: D1Database;
  HYPERDRIVE?: Hyperdrive;
  /** A store call not answered within this many seconds fails as unavailable (default 15). */
  STORE_TIMEOUT_SECONDS?: string;
}

/** Postgres through Hyperdrive when the HYPERDRIVE binding exists, D1 otherwise. */
export function dialectOf(env: StoreBindings): Dialect {
  return env.HYPERDRIVE ? "pg" : "sqlite";
}

/** How long a store call may take before it counts as unavailable (ms). */
export function storeTimeoutMs(env: StoreBindings): number {
  return (Number(env.STORE_TIMEOUT_SECONDS) || 15) * 1000;
}
