// Runs the app under `wrangler dev` for the benchmark: from a snapshot of the working tree,
// bundled once up front and served with --no-bundle (wrangler otherwise watches every input,
// including the shared node_modules, and an `npm install` elsewhere reloads the runtime and
// drops every socket mid-run; that happened before this was done), on a free
// loopback port, with its own persistence directory and generated secrets, so the runner needs
// no hand-made files and never touches anyone's local state. Also reads the workerd process's
// RSS and CPU time from /proc, which is what the memory and CPU figures are based on.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

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
  const dirty = spawnSync("git", ["-C", repo, "status", "--porcelain", "--", "worker", "durable-objects", "migrations", "wrangler.toml"], {
    encoding: "utf8",
  }).stdout.trim();
  return { root, app, persist: join(root, "state"), rev: rev || "none", dirty: dirty !== "" };
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

/** Busy CPU seconds of the whole machine (every process), from /proc/stat. */
export function machineBusySeconds() {
  const [, ...f] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal: everything but idle and iowait.
  return (f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] ?? 0)) / CLK_TCK;
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

/** Bundles the snapshot once (`wrangler deploy --dry-run`); dev then serves that file as is. */
export function prebundle(snap) {
  const res = spawnSync(process.execPath, [wranglerBin(snap.app), "deploy", "--dry-run", "--outdir", "bench-bundle"], {
    cwd: snap.app,
    env: quietEnv(),
    encoding: "utf8",
    timeout: 120_000,
  });
  if (res.status !== 0) throw new Error(`bundling failed:\n${res.stdout}\n${res.stderr}`);
  snap.entry = "bench-bundle/index.js";
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

export class DevServer {
  /** @param {{app: string, persist: string}} snap @param {number} port @param {Record<string, string>} vars */
  constructor(snap, port, vars) {
    this.snap = snap;
    this.port = port;
    this.vars = { JWT_SECRET: randomBytes(32).toString("hex"), ADMIN_TOKEN: randomBytes(16).toString("hex"), ...vars };
    this.base = `http://127.0.0.1:${port}`;
    this.log = [];
    this.child = undefined;
  }

  async start(timeoutMs = 90_000) {
    const inspector = await freePort();
    this.inspectorPort = inspector;
    const args = [wranglerBin(this.snap.app), "dev", "--ip", "127.0.0.1", "--port", String(this.port)];
    if (this.snap.entry) args.push(this.snap.entry, "--no-bundle");
    args.push("--inspector-port", String(inspector), "--persist-to", this.snap.persist, "--log-level", "warn");
    args.push("--show-interactive-dev-session=false");
    for (const [k, v] of Object.entries(this.vars)) args.push("--var", `${k}:${v}`);
    // Own process group, so a stop (or the soak's crash) takes workerd down with wrangler.
    const child = spawn(process.execPath, args, { cwd: this.snap.app, env: quietEnv(), detached: true, stdio: ["ignore", "pipe", "pipe"] });
    this.child = child;
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
        const res = await fetch(`${this.base}/api/health`, { signal: AbortSignal.timeout(2000) });
        await res.arrayBuffer();
        if (res.status === 200 || res.status === 503) return;
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
    throw new Error(`wrangler dev did not answer /api/health within ${timeoutMs} ms:\n${this.tail()}`);
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
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
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
    if (this.child?.pid === undefined) return [];
    const parent = new Map();
    const comm = new Map();
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = readFileSync(`/proc/${name}/stat`, "utf8");
        const close = stat.lastIndexOf(")");
        comm.set(Number(name), stat.slice(stat.indexOf("(") + 1, close));
        parent.set(Number(name), Number(stat.slice(close + 2).split(" ")[1]));
      } catch {}
    }
    const root = this.child.pid;
    const isDescendant = (pid) => {
      for (let p = pid, i = 0; p > 1 && i < 64; p = parent.get(p) ?? 0, i++) if (p === root) return true;
      return false;
    };
    return [...comm].filter(([pid, c]) => c.startsWith("workerd") && isDescendant(pid)).map(([pid]) => pid);
  }

  /**
   * wrangler dev runs two workerd processes: a proxy in front (it relays every WebSocket too)
   * and the runtime that runs the Worker and its Durable Objects, the one started with an
   * inspector. The reference's memory figure is for the runtime process.
   */
  processes() {
    const out = { runtime: [], proxy: [] };
    for (const pid of this.workerdPids()) {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
        (cmd.includes("--inspector-addr") ? out.runtime : out.proxy).push(pid);
      } catch {}
    }
    return out;
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
    const inodes = new Set();
    for (const pid of pids) {
      try {
        for (const fd of readdirSync(`/proc/${pid}/fd`)) {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSafe(`/proc/${pid}/fd/${fd}`));
          if (m) inodes.add(m[1]);
        }
      } catch {}
    }
    const ports = [];
    for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
      let text = "";
      try {
        text = readFileSync(table, "utf8");
      } catch {}
      for (const line of text.split("\n").slice(1)) {
        const f = line.trim().split(/\s+/);
        // local_address is HEXIP:HEXPORT; state 0A is LISTEN; field 9 is the inode.
        if (f[3] === "0A" && inodes.has(f[9])) ports.push(Number.parseInt(f[1].split(":")[1], 16));
      }
    }
    for (const port of ports) {
      if (port === this.inspectorPort) continue;
      try {
        const res = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(2000) });
        const body = await res.text();
        if ((res.status === 200 || res.status === 503) && body.includes('"status"')) {
          this.runtimePortFound = { port, pids: pids.join(",") };
          return port;
        }
      } catch {}
    }
    return undefined;
  }

  /** Resident set in bytes: { runtime, proxy }. */
  rss() {
    const read = (pids) => {
      let total = 0;
      for (const pid of pids) {
        try {
          const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
          if (m) total += Number(m[1]) * 1024;
        } catch {}
      }
      return total;
    };
    const p = this.processes();
    return { runtime: read(p.runtime), proxy: read(p.proxy) };
  }

  /** Bytes the runtime process has written to storage so far (its SQLite files, fsynced). */
  writtenBytes() {
    let total = 0;
    for (const pid of this.processes().runtime) {
      try {
        const m = /write_bytes:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/io`, "utf8"));
        if (m) total += Number(m[1]);
      } catch {}
    }
    return total;
  }

  /** user+system CPU seconds consumed so far: { runtime, proxy }. */
  cpuSeconds() {
    const read = (pids) => {
      let ticks = 0;
      for (const pid of pids) {
        try {
          const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
          const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
          ticks += Number(fields[11]) + Number(fields[12]);
        } catch {}
      }
      return ticks / CLK_TCK;
    };
    const p = this.processes();
    return { runtime: read(p.runtime), proxy: read(p.proxy) };
  }
}

const CLK_TCK = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

function readlinkSafe(path) {
  try {
    return readlinkSync(path);
  } catch {
    return "";
  }
}

export function removeSnapshot(snap) {
  rmSync(snap.root, { recursive: true, force: true });
}
