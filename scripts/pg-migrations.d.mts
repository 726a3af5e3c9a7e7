// Types for pg-migrations.mjs, for the TypeScript test setup that imports it.
import type { Sql } from "postgres";

export function applyPgMigrations(sql: Sql, onFile?: (file: string) => void): Promise<void>;
