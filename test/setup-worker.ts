// Runs before each workerd test file: brings the D1 history store to the latest schema with
// the same migration files wrangler applies in production.
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS ?? []);
