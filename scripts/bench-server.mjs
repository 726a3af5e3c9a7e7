// Runs the app under `wrangler dev` for the benchmark: from a snapshot of the working tree,
// built once up front as for a deploy and served unbundled (wrangler otherwise watches every input,
// including the shared node_modules, and an `npm install` elsewhere reloads the runtime and
// drops every socket mid-run; that happened before this was done), on a free
// loopback port, with its own persistence directory and generated secrets, so the runner needs
// no hand-made files and never touches anyone's local state. The workerd processes' RSS and CPU
// time, which the memory and CPU figures are based on, are read from /proc (bench-proc.mjs).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  cpuSeconds,
  killGroupOnExit,
  listeningPorts,
  openObjectDatabases,
  rssBytes,
  runtimeAndProxy,
  stillRunning,
  workerdDescendants,
  writtenBytes,
} from "./bench-proc.mjs";

export { machineBusySeconds } from "./bench-proc.mjs";

const SKIP = new Set([".git", "node_modules", ".wrangler", ".dev.vars", ".env", "dist", "load", "docs"]);

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

/** Copies the tree (minus heavy or private bits) to a temp dir; node_modules is linked. */
export function snapshot(repo) {
  const root = mkdtempSync(join(tmpdir(), "parlor-bench-"));
  const app = join(root, "app");
  mkdirSync(app);
  for (const entry of readdirSync(repo)) {
    if (!SKIP.has(entry)) cpSync(join(repo, entry), join(app, entry), { recursive: true });
  }
  symlinkSync(join(repo, "node_modules"), join(app, "node_modules"));
  // The assets binding wants its directory to exist; the API does not need the web build.
  const assets = join(repo, "dist", "client");
  if (existsSync(assets)) cpSync(assets, join(app, "dist", "client"), { recursive: true });
  else mkdirSync(join(app, "dist", "client"), { recursive: true });
  const rev = spawnSync("git", ["-C", repo, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).stdout.trim();
  const dirty = spawnSync(
    "git",
    ["-C", repo, "status", "--porcelain", "--", "shared", "worker", "durable-objects", "migrations", "wrangler.toml"],
    {
      encoding: "utf8",
    },
  ).stdout.trim();
  // Parlor's per-person objects: a session check at every authenticated request (the WebSocket
  // upgrade too), the sign-up throttle per client address, each member's channel. None is the
  // room; settle() waits until they are evicted.
  const perPerson = ["Sessions", "RateLimiter", "UserChannel"];
  return { root, app, persist: join(root, "state"), rev: rev || "none", dirty: dirty !== "", perPerson };
}

/** The baseline server (load/baseline) in a temp dir of its own, same layout as snapshot(). */
export function baselineSnapshot(repo) {
  const root = mkdtempSync(join(tmpdir(), "parlor-baseline-"));
  const app = join(root, "app");
  cpSync(join(repo, "load", "baseline"), app, { recursive: true });
  symlinkSync(join(repo, "node_modules"), join(app, "node_modules"));
  // One self-contained file: nothing to bundle, nothing in node_modules to watch.
  return { root, app, persist: join(root, "state"), rev: "baseline", dirty: false, entry: "worker.js" };
}

const wranglerBin = (app) => join(app, "node_modules", "wrangler", "bin", "wrangler.js");
// X_LOCAL_OBSERVABILITY=false: wrangler dev's local trace collector (on by default) tails
// every event of the runtime and keeps a trace store that commits and fsyncs about 25 times a
// second on the runtime's only thread; a slow fsync there stalls every room. Production has
// no such collector on the Durable Objects' thread, and the reference was measured without it.
const quietEnv = () => ({
  ...process.env,
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
  X_LOCAL_OBSERVABILITY: "false",
  CI: "1",
  NO_COLOR: "1",
});

/**
 * Builds the snapshot as `npm run deploy` does (`vite build`: the Worker minified and split
 * into chunks, the app's assets beside it); dev then serves that build as is, through the
 * config the build writes (`no_bundle`), so what is measured is the Worker that would be
 * uploaded, not wrangler's own development bundle (unminified, one file, and with esbuild's
 * keep-names wrapper around every function it creates, zod's parsing closures included).
 */
export function prebundle(snap) {
  const vite = join(snap.app, "node_modules", "vite", "bin", "vite.js");
  const res = spawnSync(process.execPath, [vite, "build", "--logLevel", "warn"], {
    cwd: snap.app,
    env: { ...quietEnv(), PARLOR_DIST: join(snap.app, "dist") },
    encoding: "utf8",
    timeout: 180_000,
  });
  if (res.status !== 0) throw new Error(`vite build failed:\n${res.stdout}\n${res.stderr}`);
  snap.config = join("dist", "parlor", "wrangler.json");
}

export function applyMigrations(snap) {
  const res = spawnSync(
    process.execPath,
    [wranglerBin(snap.app), "d1", "migrations", "apply", "DB", "--local", "--persist-to", snap.persist],
    {
      cwd: snap.app,
      env: quietEnv(),
      encoding: "utf8",
      timeout: 120_000,
    },
  );
  if (res.status !== 0) throw new Error(`d1 migrations apply failed:\n${res.stdout}\n${res.stderr}`);
}

/** `wrangler dev` of a snapshot: its build (prebundle) or its one self-contained file. */
export class DevServer {
  /** @param {{app: string, persist: string}} snap @param {number} port @param {Record<string, string>} vars */
  constructor(snap, port, vars) {
    this.snap = snap;
    this.port = port;
    this.vars = { JWT_SECRET: randomBytes(32).toString("hex"), ADMIN_TOKEN: randomBytes(16).toString("hex"), ...vars };
    this.base = `http://127.0.0.1:${port}`;
    /** What answers once the Worker is up, and a mark its body holds (the reference has no /api/health). */
    this.health = snap.health ?? { path: "/api/health", mark: '"status"' };
    this.log = [];
    this.child = undefined;
    /** Whether it answered once: from then on its port stays (see start()). */
    this.started = false;
  }

  /** Starts wrangler dev. A port found free can be taken before wrangler binds it (by another
   * server's workerd, or a client connection's ephemeral port): a first start then moves to
   * fresh ports and tries again; a restart keeps its port, which its clients know. */
  async start(timeoutMs = 90_000) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.startOnce(timeoutMs);
      } catch (err) {
        const taken = /Address already in use/.test(String(err));
        if (!taken || this.started || attempt === 3) throw err;
        this.port = await freePort();
        this.base = `http://127.0.0.1:${this.port}`;
      }
    }
  }

  async startOnce(timeoutMs) {
    const inspector = await freePort();
    this.inspectorPort = inspector;
    const args = [wranglerBin(this.snap.app), "dev", "--ip", "127.0.0.1", "--port", String(this.port)];
    if (this.snap.config) args.push("--config", this.snap.config);
    else if (this.snap.entry) args.push(this.snap.entry, "--no-bundle");
    args.push("--inspector-port", String(inspector), "--persist-to", this.snap.persist, "--log-level", "warn");
    args.push("--show-interactive-dev-session=false");
    for (const [k, v] of Object.entries(this.vars)) args.push("--var", `${k}:${v}`);
    // Own process group, so a stop (or the soak's crash) takes workerd down with wrangler.
    const child = spawn(process.execPath, args, { cwd: this.snap.app, env: quietEnv(), detached: true, stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
    // A runner that dies without stop() (an uncaught error, a closed stdout pipe) takes it along.
    this.exitHook ??= killGroupOnExit(() => this.child);
    this.runtimePortFound = undefined;
    const keep = (chunk) => {
      this.log.push(String(chunk));
      if (this.log.length > 400) this.log.splice(0, 200);
      this.logFile?.write(chunk);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${this.tail()}`);
      try {
        const res = await fetch(`${this.base}${this.health.path}`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status === 200 || res.status === 503) {
          this.started = true;
          return;
        }
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    throw new Error(`wrangler dev did not answer ${this.health.path} within ${timeoutMs} ms:\n${this.tail()}`);
  }

  /** Restarts on the same port and state with `vars` added, unless it already runs with them. */
  async restartWith(vars) {
    if (Object.entries(vars).every(([k, v]) => this.vars[k] === v)) return;
    await this.stop();
    Object.assign(this.vars, vars);
    await this.start();
  }

  tail(lines = 40) {
    return this.log.join("").split("\n").slice(-lines).join("\n");
  }

  /** SIGKILL to the whole group: a crash, not a shutdown (used midway through the soak). */
  async kill() {
    await this.stop("SIGKILL");
  }

  async stop(signal = "SIGTERM") {
    const child = this.child;
    if (child === undefined || !stillRunning(child)) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      process.kill(-child.pid, signal);
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
    }, 5000);
    await exited;
    clearTimeout(timer);
    // workerd may outlive wrangler for a moment; wait for the port to be free again.
    for (let i = 0; i < 40 && this.workerdPids().length > 0; i++) await sleep(100);
  }

  /** workerd processes started by this wrangler (descendants of its pid). */
  workerdPids() {
    return this.child?.pid === undefined ? [] : workerdDescendants(this.child.pid);
  }

  /** { runtime, proxy }: the pids of wrangler dev's two workerd processes. */
  processes() {
    return runtimeAndProxy(this.workerdPids());
  }

  /**
   * The loopback port on which the runtime itself serves the Worker, behind wrangler dev's
   * proxy (a Worker of wrangler's own, in the other workerd process, that relays every request
   * and every WebSocket frame). Found from the runtime's listening sockets (/proc) and the one
   * that answers /api/health; undefined if none does.
   */
  async runtimePort() {
    // Found again if wrangler has restarted the runtime (a new process, a new port).
    const pids = this.processes().runtime;
    if (this.runtimePortFound !== undefined && this.runtimePortFound.pids === pids.join(",")) return this.runtimePortFound.port;
    this.runtimePortFound = undefined;
    for (const port of listeningPorts(pids)) {
      if (port === this.inspectorPort) continue;
      try {
        const res = await fetch(`http://127.0.0.1:${port}${this.health.path}`, { signal: AbortSignal.timeout(2000) });
        const body = await res.text();
        if ((res.status === 200 || res.status === 503) && body.includes(this.health.mark)) {
          this.runtimePortFound = { port, pids: pids.join(",") };
          return port;
        }
      } catch {}
    }
    return undefined;
  }

  /** Resident set in bytes: { runtime, proxy }. */
  rss() {
    const p = this.processes();
    return { runtime: rssBytes(p.runtime), proxy: rssBytes(p.proxy) };
  }

  /** Bytes the runtime process has written to storage so far (its SQLite files, fsynced). */
  writtenBytes() {
    return writtenBytes(this.processes().runtime);
  }

  /** How many objects of the snapshot's per-person classes (snapshot()) the runtime holds. */
  perPersonObjects() {
    const open = openObjectDatabases(this.processes().runtime);
    return (this.snap.perPerson ?? []).reduce((n, cls) => n + (open[cls] ?? 0), 0);
  }

  /** user+system CPU seconds consumed so far: { runtime, proxy }. */
  cpuSeconds() {
    const p = this.processes();
    return { runtime: cpuSeconds(p.runtime), proxy: cpuSeconds(p.proxy) };
  }
}

export function removeSnapshot(snap) {
  rmSync(snap.root, { recursive: true, force: true });
}
