// How the profiler (bench-profile.mjs) watches the runtime: a Chrome DevTools Protocol client
// for the isolate (CPU profiles, heap snapshots) and native recorders of the runtime process
// (`perf record`, `strace`), each written beside the profile's output path.
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
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

/** --trace-gc: sets the environment so that the next runtime wrangler starts runs V8 with
 * --trace-gc-nvp (one JSON record per collection: its pause, and the time of each of V8's own
 * phases) and copies its stdout, line by line, beside `profileOut`. The runtime's stdout is a
 * pipe, which it buffers, and wrangler keeps only the lines that are its JSON logs: so the
 * runtime is started through a wrapper (stdbuf, tee). Returns the log's path. */
export function traceGc(repo, profileOut) {
  const out = beside(profileOut, ".gc.txt");
  writeFileSync(out, "");
  const fromWrangler = createRequire(createRequire(`${repo}/`).resolve("wrangler/package.json"));
  const workerd = fromWrangler("workerd").default;
  const wrapper = beside(profileOut, ".workerd.sh");
  writeFileSync(wrapper, `#!/bin/bash\nexec stdbuf -oL ${JSON.stringify(workerd)} "$@" > >(tee -a ${JSON.stringify(out)})\n`);
  chmodSync(wrapper, 0o755);
  process.env.MINIFLARE_WORKERD_PATH = wrapper;
  process.env.MINIFLARE_WORKERD_V8_FLAGS = "--trace-gc-nvp";
  return out;
}

/** The phases V8 times in a full collection (their main-thread part). The pause holds more than
 * their sum: the rest is work no phase timer covers. */
const PHASES = ["mark", "evacuate", "clear", "finish", "sweep", "prologue", "epilogue"];
const mb = (bytes) => (bytes / 1e6).toFixed(1);

/** The collections a --trace-gc log holds, for its busiest isolate: how many scavenges and
 * their longest pause, and each full collection (mark-compact) with its pause, the heap's
 * objects before and after (MB), and the part of the pause in V8's own phases. */
export function summarizeGc(file) {
  const isolates = new Map();
  for (const text of readFileSync(file, "utf8").split("\n")) {
    const m = /^\[\d+:(0x[0-9a-f]+)(?::\d+)?\]\s+(\d+) ms: GC: (\{.*\})\s*$/.exec(text);
    if (!m) continue;
    const gc = JSON.parse(m[3]);
    const seen = isolates.get(m[1]) ?? { scavenges: 0, longest: 0, full: [] };
    if (gc.gc === "s") {
      seen.scavenges++;
      seen.longest = Math.max(seen.longest, gc.pause);
    } else {
      const v8 = PHASES.reduce((sum, phase) => sum + (gc[phase] ?? 0), 0);
      seen.full.push(
        `at ${m[2]} ms: ${gc.pause.toFixed(1)} ms, objects ${mb(gc.start_object_size)} -> ${mb(gc.end_object_size)} MB, ` +
          `in V8's phase timers ${v8.toFixed(1)} ms (mark ${(gc.mark ?? 0).toFixed(1)}), outside them ${(gc.pause - v8).toFixed(1)} ms`,
      );
    }
    isolates.set(m[1], seen);
  }
  const busiest = [...isolates.values()].sort((a, b) => b.scavenges - a.scavenges)[0];
  if (!busiest) return `no collections in ${file}`;
  return [
    `the busiest isolate: ${busiest.scavenges} scavenges (the longest ${busiest.longest.toFixed(1)} ms), ${busiest.full.length} full collections (ms since it started)`,
    ...busiest.full,
  ].join("\n");
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
