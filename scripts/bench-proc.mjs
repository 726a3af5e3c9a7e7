// What the benchmark reads about processes from /proc: the workerd processes a wrangler dev
// started (the runtime, with the inspector, and the proxy in front of it), their resident
// memory, CPU time and bytes written, the ports they listen on, the Durable Object databases
// they hold open, and the whole machine's busy CPU time. Linux only, like the benchmark.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

const CLK_TCK = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

/** Busy CPU seconds of the whole machine (every process), from /proc/stat. */
export function machineBusySeconds() {
  const [, ...f] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal: everything but idle and iowait.
  return (f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] ?? 0)) / CLK_TCK;
}

/** workerd processes descended from `root` (a wrangler's pid). */
export function workerdDescendants(root) {
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
export function runtimeAndProxy(pids) {
  const out = { runtime: [], proxy: [] };
  for (const pid of pids) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      (cmd.includes("--inspector-addr") ? out.runtime : out.proxy).push(pid);
    } catch {}
  }
  return out;
}

/** TCP ports the processes listen on (from their sockets' inodes in /proc/net/tcp{,6}). */
export function listeningPorts(pids) {
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
  return ports;
}

/** Resident set of the processes, in bytes. */
export function rssBytes(pids) {
  return sum(pids, (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024);
}

/** Bytes the processes have written to storage so far (their SQLite files, fsynced). */
export function writtenBytes(pids) {
  return sum(pids, (pid) => Number(/write_bytes:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/io`, "utf8"))?.[1] ?? 0));
}

/** user+system CPU seconds the processes have used so far. */
export function cpuSeconds(pids) {
  const ticks = sum(pids, (pid) => {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  });
  return ticks / CLK_TCK;
}

/** Durable Object databases the processes hold open, by class: `{Sessions: 3, ChatRoom: 1}`.
 * An object's database stays open while the object is in memory and closes when the runtime
 * evicts it (locally about 10 s after its last event). */
export function openObjectDatabases(pids) {
  const byClass = {};
  for (const pid of pids) {
    let fds = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {}
    for (const fd of fds) {
      const cls = /\/do\/[^/]+-(\w+)\/[0-9a-f]{64}\.sqlite$/.exec(readlinkSafe(`/proc/${pid}/fd/${fd}`))?.[1];
      if (cls) byClass[cls] = (byClass[cls] ?? 0) + 1;
    }
  }
  return byClass;
}

/** Whether a spawned child has neither exited nor been killed yet. */
export const stillRunning = (child) => child.exitCode === null && child.signalCode === null;

/** On this process's exit, SIGKILL to the process group of `current()` (a detached child) if it
 * still runs: a server outliving its runner would skew the next benchmark. */
export function killGroupOnExit(current) {
  const hook = () => {
    const child = current();
    if (child?.pid === undefined || !stillRunning(child)) return;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  };
  process.once("exit", hook);
  return hook;
}

/** The sum over the processes; one that has gone away counts 0. */
function sum(pids, read) {
  let total = 0;
  for (const pid of pids) {
    try {
      total += read(pid);
    } catch {}
  }
  return total;
}

function readlinkSafe(path) {
  try {
    return readlinkSync(path);
  } catch {
    return "";
  }
}
