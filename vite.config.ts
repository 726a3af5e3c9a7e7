// One Vite config for the whole product: the SolidJS app in web/ and the Worker in worker/,
// run together by the Cloudflare plugin so `vite dev` serves the app (with hot reload), the
// API and the WebSockets on one port, and `vite build` emits dist/client (the assets the
// Worker serves, see [assets] in wrangler.toml) plus the Worker bundle.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cloudflare } from "@cloudflare/vite-plugin";
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";
import { securityHeadersPlugin } from "./scripts/vite-security-headers.ts";
import { websocketUpgrades } from "./scripts/vite-websocket-upgrades.ts";
import { bundleBudget } from "./web/build/bundle-budget.ts";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// End-to-end runs (test/e2e/global-setup.ts) build the app with their own secrets and a
// slower dummy AI, so they need no .dev.vars and the stream is slow enough to watch and stop.
// A developer's .dev.vars, when present, wins: a name may not be both a var and a secret.
function e2eVars(): Record<string, string> | null {
  if (!process.env.PARLOR_E2E_VARS) return null;
  const vars = JSON.parse(process.env.PARLOR_E2E_VARS) as Record<string, string>;
  const devVars = here("./.dev.vars");
  const secrets = existsSync(devVars) ? (readFileSync(devVars, "utf8").match(/^\s*[A-Z0-9_]+(?==)/gm) ?? []) : [];
  for (const name of secrets) delete vars[name.trim()];
  return vars;
}
const extraVars = e2eVars();

const dist = process.env.PARLOR_DIST ?? here("./dist");

export default defineConfig({
  root: here("./web"),
  // web/public is the default; named here because root moved.
  publicDir: here("./web/public"),
  plugins: [
    solid(),
    cloudflare({
      configPath: here("./wrangler.toml"),
      // Local D1/DO state lives beside wrangler.toml (where `wrangler d1 migrations apply
      // --local` writes it), not under web/. End-to-end runs point this elsewhere so they never
      // touch a developer's data.
      persistState: { path: process.env.PARLOR_PERSIST_DIR ?? here("./.wrangler/state") },
      inspectorPort: false,
      config: extraVars ? (c) => ({ vars: { ...c.vars, ...extraVars } }) : undefined,
    }),
    // Refused WebSocket upgrades reach the client with their status (see the file).
    websocketUpgrades("parlor"),
    // CSP, no framing, nosniff, referrer and permissions policies on every response.
    securityHeadersPlugin(),
    bundleBudget({ maxInitialGzipBytes: 60 * 1024 }),
  ],
  environments: {
    // wrangler.toml's [assets] directory is ./dist/client relative to the repo root; e2e runs
    // build into a temporary directory instead (PARLOR_DIST) so they never clobber dist/.
    client: { build: { outDir: `${dist}/client`, emptyOutDir: true } },
    // Minified: a smaller script to parse at every isolate start (source maps keep traces).
    parlor: { build: { outDir: `${dist}/parlor`, emptyOutDir: true, minify: true } },
  },
  resolve: {
    alias: {
      // Its browser build decodes `&name;` references by setting innerHTML on a detached
      // element; the table-based build keeps message text out of innerHTML entirely.
      "decode-named-character-reference": here("./node_modules/decode-named-character-reference/index.js"),
    },
  },
  build: { target: "es2022" },
  // No CORS answers from Vite: a preflight reaches the Worker, as deployed (which serves only
  // its own origin), and gets the same answer and security headers.
  server: { port: Number(process.env.PORT ?? 5173), cors: false },
  preview: { cors: false },
});
