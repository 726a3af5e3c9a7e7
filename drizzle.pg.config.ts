// drizzle-kit config for the Postgres migrations (applied by scripts/migrate-pg.mjs).
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./shared/store/schema.pg.ts",
  out: "./migrations/pg",
});
