// How the profiler (bench-profile.mjs) watches the runtime: a Chrome DevTools Protocol client
// for the isolate (CPU profiles, heap snapshots) and native recorders of the runtime process
// (`perf record`, `strace`), each written beside the profile's output path.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import WebSocket from "ws";

/** A minimal Chrome DevTools Protocol client over wrangler's inspector proxy. */
export class Inspector {
  static async open(port) {
    const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
    const url = targets[0]?.webSocketDebuggerUrl;
    if (!url) throw new Error(`no inspector target on port ${port}: ${JSON.stringify(targets)}`);
    const ws = new WebSocket(url);
    await new Promise((ok, fail) => {
      ws.once("open", ok);
      ws.once("error", fail);
    });
    return new Inspector(ws);
  }
  constructor(ws) {
    this.ws = ws;
    this.next = 1;
    this.pending = new Map();
    this.listeners = new Map();
    ws.on("message", (data) => {
      const msg = JSON.parse(String(data));
      if (msg.method) this.listeners.get(msg.method)?.(msg.params);
      const p = msg.id !== undefined && this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.fail(new Error(JSON.stringify(msg.error)));
      else p.ok(msg.result);
    });
  }
  call(method, params = {}) {
    const id = this.next++;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise((ok, fail) => this.pending.set(id, { ok, fail }));
  }
  on(method, fn) {
    this.listeners.set(method, fn);
  }
  close() {
    this.ws.close();
  }
}

/** `perf record` of the runtime process, beside `profileOut` (read it with `perf report -i`). */
export function startPerf(server, profileOut) {
  const out = beside(profileOut, ".perf.data");
  const pids = server.processes().runtime.join(",");
  return spawn("perf", ["record", "-F", "999", "-g", "-o", out, "-p", pids], { stdio: "ignore" });
}

/** `strace -c` of the runtime's threads (with `calls`, a list, each of those calls with its time
 * and file instead), beside `profileOut`. */
export function startStrace(server, profileOut, calls) {
  const out = beside(profileOut, ".strace.txt");
  const pids = server.processes().runtime.flatMap((pid) => ["-p", String(pid)]);
  const mode = calls ? ["-y", "-ttt", "-T", "-e", `trace=${calls}`] : ["-c"];
  return spawn("strace", [...mode, "-f", "-o", out, ...pids], { stdio: "ignore" });
}

/** Stops a recorder started above and waits until it has written its file. */
export async function stopRecorder(child) {
  child.kill("SIGINT");
  await new Promise((ok) => child.once("exit", ok));
}

/** The path next to the profile's, with `ext` for its extension; its directory made. */
function beside(profileOut, ext) {
  const out = profileOut.replace(/\.cpuprofile$/, ext);
  mkdirSync(dirname(out), { recursive: true });
  return out;
}
