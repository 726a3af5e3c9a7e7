// Prepares the real Postgres on 127.0.0.1:5432 for the worker-pg project: a fresh database
// with the migrations in migrations/pg applied (the same files production uses), handed to
// the workerd tests as Hyperdrive's local connection string.
import { createRequire } from "node:module";
import type postgresType from "postgres";
import type { TestProject } from "vitest/node";
import { applyPgMigrations } from "../scripts/pg-migrations.mjs";

// Loaded with Node's own require: this file runs through the test project's Vite config,
// whose resolve conditions pick postgres.js's Workers build, which needs workerd.
const postgres = createRequire(import.meta.url)("postgres") as typeof postgresType;

// Hyperdrive insists on a password in the URL; with trust auth it is ignored.
const ADMIN_URL = process.env.PG_ADMIN_URL ?? "postgres://postgres:postgres@127.0.0.1:5432/postgres";
const DB = process.env.PG_TEST_DB ?? "parlor_test";

async function migrate(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await applyPgMigrations(sql);
  } finally {
    await sql.end();
  }
}

export default async function setup(project: TestProject) {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await admin.unsafe(`CREATE DATABASE ${DB}`);
  } finally {
    await admin.end();
  }
  const url = ADMIN_URL.replace(/\/[^/]*$/, `/${DB}`);
  await migrate(url);
  project.provide("pgUrl", url);
}

declare module "vitest" {
  export interface ProvidedContext {
    pgUrl: string;
  }
}
