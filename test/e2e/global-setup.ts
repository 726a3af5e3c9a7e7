// Starts the app for the end-to-end tests: builds it into a temporary directory, applies the
// D1 migrations to a fresh temporary state directory, serves it with `vite preview` on a free
// port, waits for /api/health, and hands the URL to the tests. Everything is removed again in
// teardown, so a run never touches a developer's dist/, .wrangler/ or .dev.vars.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { freePort } from "../free-port";

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
    /** Where the app under test was built (its client assets in `client/`). */
    distDir: string;
  }
}

const root = join(import.meta.dirname, "../..");
const bin = (name: string) => join(root, "node_modules/.bin", name);

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, label: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout?.on("data", (d) => (out += d));
    child.stderr?.on("data", (d) => (out += d));
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${label} failed (${code}):\n${out.slice(-4000)}`))));
  });
}

async function waitForHealth(url: string, child: ChildProcess, log: () => string) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the app exited early:\n${log().slice(-4000)}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the app did not become healthy at ${url}:\n${log().slice(-4000)}`);
}

export default async function setup(project: TestProject) {
  const work = mkdtempSync(join(tmpdir(), "parlor-e2e-"));
  const state = join(work, "state");
  mkdirSync(state);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CI: "true",
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    WRANGLER_SEND_METRICS: "false",
    PARLOR_DIST: join(work, "dist"),
    PARLOR_PERSIST_DIR: state,
    PARLOR_E2E_VARS: JSON.stringify({
      JWT_SECRET: randomBytes(32).toString("base64url"),
      ADMIN_TOKEN: randomBytes(16).toString("base64url"),
      // Slow enough that a person (and a test) can watch the reply stream and stop it: a
      // reply of 50 words takes 5 s.
      DUMMY_CHUNK_DELAY_MS: process.env.E2E_CHUNK_DELAY_MS ?? "100",
      // The long-room test seeds 5,000 messages through one socket; people never send that fast.
      SEND_BURST: "6000",
      SEND_PER_SECOND: "1000",
      // Enough for every other test's replies; attachments.e2e.test.ts spends it on purpose
      // with long messages (about 2,000 tokens each to the dummy).
      AI_DAILY_TOKENS_PER_PERSON: "7000",
    }),
  };

  await run(bin("vite"), ["build", "--logLevel", "warn"], env, "vite build");
  // The build copies a developer's .dev.vars (real Gemini keys, say) beside the Worker for
  // `vite preview`; replace it with this run's own settings, so none of it reaches the tests.
  const vars = JSON.parse(env.PARLOR_E2E_VARS ?? "{}") as Record<string, string>;
  writeFileSync(
    join(work, "dist", "parlor", ".dev.vars"),
    Object.entries(vars)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(""),
  );
  await run(bin("wrangler"), ["d1", "migrations", "apply", "DB", "--local", "--persist-to", state], env, "D1 migrations");

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = "";
  const child = spawn(bin("vite"), ["preview", "--host", "127.0.0.1", "--port", String(port), "--strictPort"], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout?.on("data", (d) => (log += d));
  child.stderr?.on("data", (d) => (log += d));

  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      // The preview server runs workerd as a child: end the whole group we started.
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    rmSync(work, { recursive: true, force: true });
  };

  try {
    await waitForHealth(url, child, () => log);
  } catch (err) {
    await stop();
    throw err;
  }
  project.provide("baseURL", url);
  project.provide("distDir", join(work, "dist"));
  return stop;
}
