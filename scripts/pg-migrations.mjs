// Applies migrations/pg/*.sql, in order, to a database: shared by `npm run pg:local` and the
// worker-pg tests' setup (test/pg-global-setup.ts), so both run the files production runs.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const DIR = join(import.meta.dirname, "..", "migrations", "pg");

/** @param {import("postgres").Sql} sql @param {(file: string) => void} [onFile] */
export async function applyPgMigrations(sql, onFile = () => {}) {
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith(".sql"))
    .sort();
  for (const file of files) {
    // drizzle-kit separates statements with this marker; each runs on its own.
    for (const statement of readFileSync(join(DIR, file), "utf8").split("--> statement-breakpoint")) {
      if (statement.trim()) await sql.unsafe(statement);
    }
    onFile(file);
  }
}
