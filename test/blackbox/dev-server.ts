// Runs Parlor the way a newcomer does, for the black-box suite: a copy of the working tree in
// a temporary directory (node_modules linked, not copied; no dist/, no .wrangler/, no
// .dev.vars: a fresh clone as far as the app can tell), a `.dev.vars` written into it, the
// README's own commands run in it (`npm run pg:local` for Postgres mode, then `npm run dev`,
// optionally `-- --wrangler`), and the process group stopped again at the end.
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

export const REPO = join(import.meta.dirname, "../..");

/** What a fresh clone does not have; test artifacts and results stay behind too. */
const LEFT_OUT = new Set([".git", "node_modules", "dist", ".wrangler", ".dev.vars", ".env", "test/e2e/artifacts", "load/results"]);

/** A copy of the working tree with node_modules linked; returns its directory. */
export function copyTree(label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `parlor-blackbox-${label}-`));
  for (const entry of readdirSync(REPO)) {
    if (LEFT_OUT.has(entry)) continue;
    cpSync(join(REPO, entry), join(dir, entry), {
      recursive: true,
      filter: (src) => !LEFT_OUT.has(relative(REPO, src)) && !src.endsWith(".log"),
    });
  }
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
  return dir;
}

export function writeDevVars(dir: string, vars: Record<string, string>): void {
  const lines = ["# Written by the black-box suite (test/blackbox), as a user would."];
  for (const [k, v] of Object.entries(vars)) lines.push(`${k}=${v}`);
  writeFileSync(join(dir, ".dev.vars"), `${lines.join("\n")}\n`);
}

/** Quiet, offline wrangler: no metrics, no account look-ups. */
const quiet = (): NodeJS.ProcessEnv => ({
  ...process.env,
  CI: "true",
  NO_COLOR: "1",
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
});

/** Runs an npm script in `dir` to the end; rejects with its output when it fails. */
export function npmRun(dir: string, args: string[], timeoutMs = 180_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", ...args], { cwd: dir, env: quiet(), stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`npm run ${args.join(" ")} failed (${code}):\n${out.slice(-4000)}`));
    });
  });
}

export class DevServer {
  readonly base: string;
  private child: ChildProcess | undefined;
  private log = "";

  constructor(
    readonly dir: string,
    readonly port: number,
    /** Arguments after `npm run dev --`, e.g. ["--wrangler"]. */
    readonly args: string[],
  ) {
    this.base = `http://127.0.0.1:${port}`;
  }

  /** `npm run dev -- <args>` in its own process group; resolves once /api/health answers. */
  async start(timeoutMs = 240_000): Promise<void> {
    const child = spawn("npm", ["run", "dev", "--", ...this.args], {
      cwd: this.dir,
      env: quiet(),
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    this.child = child;
    const keep = (d: Buffer) => {
      this.log = (this.log + String(d)).slice(-20_000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`npm run dev ${this.args.join(" ")} exited (${child.exitCode}):\n${this.tail()}`);
      try {
        const res = await fetch(`${this.base}/api/health`, { signal: AbortSignal.timeout(3000) });
        const text = await res.text();
        if (text.startsWith("{")) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`npm run dev ${this.args.join(" ")} did not answer /api/health in ${timeoutMs} ms:\n${this.tail()}`);
  }

  tail(): string {
    return this.log.split("\n").slice(-60).join("\n");
  }

  /** Ends the whole group (npm, node, vite or wrangler, workerd), then removes the copy. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child?.pid !== undefined && child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-(child.pid as number), "SIGKILL");
        } catch {}
      }, 5000);
      await exited;
      clearTimeout(timer);
      await new Promise((r) => setTimeout(r, 300));
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
