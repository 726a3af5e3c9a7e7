// drizzle-kit config for the D1 (SQLite) migrations that wrangler applies.
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./shared/store/schema.sqlite.ts",
  out: "./migrations/d1",
});
