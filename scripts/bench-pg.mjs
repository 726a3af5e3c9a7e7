// The history phase on Postgres through Hyperdrive (its local mode: wrangler dev connects to
// the `localConnectionString`), as `npm run pg:local` sets it up for development: a database of
// its own, dropped and created fresh with migrations/pg applied, and a snapshot of the tree
// whose wrangler.toml binds HYPERDRIVE to it, so the Worker keeps its history there.
//   PG_URL (default postgres://postgres:postgres@127.0.0.1:5432), PG_BENCH_DB (default parlor_bench)
import { appendFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { applyMigrations, DevServer, freePort, prebundle, snapshot } from "./bench-server.mjs";
import { applyPgMigrations } from "./pg-migrations.mjs";

const postgres = createRequire(import.meta.url)("postgres");

/** The database's connection string, with a password (Hyperdrive's local mode needs one; trust
 * auth ignores it). */
export function pgBenchUrl() {
  const database = process.env.PG_BENCH_DB ?? "parlor_bench";
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error(`PG_BENCH_DB must be a plain lowercase name, got "${database}"`);
  const url = new URL(process.env.PG_URL ?? "postgres://postgres:postgres@127.0.0.1:5432");
  if (url.password === "") url.password = "postgres";
  return { database, server: url, url: Object.assign(new URL(url), { pathname: `/${database}` }).href };
}

/** Drops and creates the benchmark's database, then applies migrations/pg. */
export async function freshPgDatabase({ database, server, url }) {
  const admin = postgres(Object.assign(new URL(server), { pathname: "/postgres" }).href, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.unsafe(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await applyPgMigrations(sql);
  } finally {
    await sql.end();
  }
}

/**
 * What autovacuum would have done by now to a table that grew by a bulk load: statistics for
 * the planner (without them it estimates a room at a handful of rows and sorts a whole room
 * for a page) and the GIN index's pending list merged (until then every search scans it).
 * The shared test server runs with autovacuum off, so the benchmark does it itself.
 */
export async function vacuumAnalyze(url) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe("VACUUM ANALYZE");
  } finally {
    await sql.end();
  }
}

/** Binds HYPERDRIVE in the snapshot's wrangler.toml (a copy; the tree's own is untouched). */
export function bindHyperdrive(snap, url) {
  const block = [
    "",
    "[[hyperdrive]]",
    'binding = "HYPERDRIVE"',
    'id = "00000000000000000000000000000000"',
    `localConnectionString = "${url}"`,
    "",
  ];
  appendFileSync(join(snap.app, "wrangler.toml"), block.join("\n"));
}

/**
 * A fresh database, a snapshot bound to it, and a dev server on it with `vars` (not started).
 * Returns { snap, server, database, url }; the caller starts, stops and removes them.
 */
export async function pgServer(repo, vars) {
  const pg = pgBenchUrl();
  await freshPgDatabase(pg);
  const snap = snapshot(repo);
  bindHyperdrive(snap, pg.url);
  prebundle(snap);
  // D1 stays bound (the Worker's other tables do not use it in this mode); migrated for parity.
  applyMigrations(snap);
  return { snap, server: new DevServer(snap, await freePort(), vars), database: pg.database, url: pg.url };
}
