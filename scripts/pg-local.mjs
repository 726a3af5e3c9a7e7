#!/usr/bin/env node
// `npm run pg:local`: switches local development from D1 to Postgres in one step.
//   1. creates the database (default `parlor`) on the server (default 127.0.0.1:5432),
//   2. applies migrations/pg/*.sql in order when it has no Parlor tables yet (--reset drops
//      and recreates it first),
//   3. writes the [[hyperdrive]] binding into wrangler.toml (replacing an earlier one), with a
//      placeholder id (local development never asks Cloudflare for it) and the connection
//      string as `localConnectionString`,
//   4. reruns `npm run types`, so `npm run typecheck` knows the binding.
// Then `npm run dev` (or `-- --wrangler`) stores history in Postgres; /api/health says so.
//   npm run pg:local -- [--url postgres://user:password@host:5432] [--database parlor] [--reset]
// Back to D1: `git checkout wrangler.toml worker-configuration.d.ts`.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { applyPgMigrations } from "./pg-migrations.mjs";

const postgres = createRequire(import.meta.url)("postgres");

const { values } = parseArgs({
  options: {
    url: { type: "string", default: process.env.PG_URL ?? "postgres://postgres:postgres@127.0.0.1:5432" },
    database: { type: "string", default: "parlor" },
    reset: { type: "boolean", default: false },
  },
});

const database = values.database;
if (!/^[a-z_][a-z0-9_]*$/.test(database)) fail(`--database must be a plain lowercase name, got "${database}"`);
const server = new URL(values.url);
if (server.protocol !== "postgres:" && server.protocol !== "postgresql:") fail(`--url must be a postgres:// URL, got "${values.url}"`);
// Hyperdrive's local mode refuses a connection string without a password (the dev server stops
// with a ZodError). With trust auth any password is accepted, so a placeholder does.
if (server.password === "") {
  server.password = "postgres";
  console.log("pg:local: the URL had no password; using the placeholder `postgres` (Hyperdrive needs one, trust auth ignores it)");
}
const at = (db) => Object.assign(new URL(server), { pathname: `/${db}` }).href;

await prepareDatabase();
writeBinding(at(database));
const types = spawnSync("npm", ["run", "--silent", "types"], { stdio: ["ignore", "ignore", "inherit"] });
if (types.status !== 0) fail("`npm run types` failed; run it by hand to see why");
console.log(`pg:local: done. \`npm run dev\` now keeps history in ${database}; /api/health reports "postgres".`);

async function prepareDatabase() {
  const admin = postgres(at("postgres"), { max: 1, onnotice: () => {} });
  try {
    if (values.reset) await admin.unsafe(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    const [found] = await admin`select 1 from pg_database where datname = ${database}`;
    if (found === undefined) {
      await admin.unsafe(`CREATE DATABASE ${database}`);
      console.log(`pg:local: created database ${database}`);
    }
  } catch (err) {
    fail(`cannot reach Postgres at ${server.host}: ${err.message}`);
  } finally {
    await admin.end();
  }
  const sql = postgres(at(database), { max: 1, onnotice: () => {} });
  try {
    const [{ present }] = await sql`select to_regclass('public.messages') is not null as present`;
    if (present) return console.log(`pg:local: ${database} already has Parlor's tables (--reset starts over)`);
    await applyPgMigrations(sql, (file) => console.log(`pg:local: applied migrations/pg/${file}`));
  } finally {
    await sql.end();
  }
}

/** Replaces (or appends) the one [[hyperdrive]] table in wrangler.toml. */
function writeBinding(connectionString) {
  const block = [
    "[[hyperdrive]]",
    'binding = "HYPERDRIVE"',
    "# Local Postgres mode, written by `npm run pg:local`. For a deployment, put the id printed by",
    "# `wrangler hyperdrive create` here; locally any id works.",
    'id = "00000000000000000000000000000000"',
    `localConnectionString = "${connectionString}"`,
    "",
  ].join("\n");
  const toml = readFileSync("wrangler.toml", "utf8");
  const existing = /\[\[hyperdrive\]\][\s\S]*?(?=\n\[|$)/;
  const next = existing.test(toml) ? toml.replace(existing, block.trimEnd()) : `${toml.trimEnd()}\n\n${block}`;
  writeFileSync("wrangler.toml", next);
  console.log(`pg:local: wrangler.toml binds HYPERDRIVE to ${connectionString.replace(/:[^:@/]*@/, ":***@")}`);
}

function fail(message) {
  console.error(`pg:local: ${message}`);
  process.exit(1);
}
