// The start-up phase of `npm run bench`: how much CPU an isolate spends before it can answer
// (`wrangler check startup`'s CPU profile, run by run, interleaved with the floor in
// load/floor: Hono in front of one Durable Object), and how the Worker bundle that
// `npm run deploy` uploads splits into what every isolate evaluates at start and the chunks
// imported on first use. Locally measured CPU is not Cloudflare's, so only the ratio to the
// same-run floor means much.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const wrangler = (app) => join(app, "node_modules", "wrangler", "bin", "wrangler.js");
const env = () => ({ ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1" });

function run(app, args, extraEnv = {}) {
  const res = spawnSync(process.execPath, args, { cwd: app, env: { ...env(), ...extraEnv }, encoding: "utf8", timeout: 180_000 });
  if (res.status !== 0) throw new Error(`${args.slice(1).join(" ")} failed in ${app}:\n${res.stdout}\n${res.stderr}`);
}

/** Milliseconds of sampled CPU that were not idle, from a V8 .cpuprofile. */
export function activeMs(profile) {
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
  let micros = 0;
  profile.samples.forEach((id, i) => {
    if (!idle.has(id)) micros += profile.timeDeltas[i] ?? 0;
  });
  return micros / 1000;
}

function startupOnce(app, outfile) {
  run(app, [wrangler(app), "check", "startup", "--outfile", outfile]);
  return activeMs(JSON.parse(readFileSync(outfile, "utf8")));
}

/** The deployed Worker's JavaScript: the entry every isolate evaluates, and the lazy chunks. */
function bundleSplit(snap) {
  const out = join(snap.root, "vite-dist");
  run(snap.app, [join(snap.app, "node_modules", "vite", "bin", "vite.js"), "build", "--logLevel", "warn"], { PARLOR_DIST: out });
  const size = (file) => {
    const bytes = readFileSync(file);
    return { bytes: bytes.length, gzip: gzipSync(bytes).length };
  };
  const assets = join(out, "parlor", "assets");
  const lazy = readdirSync(assets)
    .filter((f) => f.endsWith(".js") && !f.startsWith("rolldown-runtime"))
    .map((f) => ({ file: f.replace(/-[\w-]{8}\.js$/, ".js"), ...size(join(assets, f)) }));
  return { eager: size(join(out, "parlor", "index.js")), lazy };
}

/** Runs the phase against a snapshot of the tree (bench-server.mjs); `runs` profiles each. */
export function startup({ repo, snap, runs, log }) {
  const floorRoot = mkdtempSync(join(tmpdir(), "parlor-floor-"));
  const floor = join(floorRoot, "app");
  cpSync(join(repo, "load", "floor"), floor, { recursive: true });
  symlinkSync(join(repo, "node_modules"), join(floor, "node_modules"));
  try {
    const parlorMs = [];
    const floorMs = [];
    for (let i = 0; i < runs; i++) {
      parlorMs.push(startupOnce(snap.app, join(snap.root, `startup-${i}.cpuprofile`)));
      floorMs.push(startupOnce(floor, join(floorRoot, `startup-${i}.cpuprofile`)));
      log(`start-up run ${i + 1}/${runs}: parlor ${parlorMs.at(-1).toFixed(1)} ms, floor ${floorMs.at(-1).toFixed(1)} ms`);
    }
    const bundle = bundleSplit(snap);
    log(`bundle: ${(bundle.eager.bytes / 1024).toFixed(0)} KB evaluated at start, ${bundle.lazy.length} lazy chunks`);
    return { parlorMs, floorMs, bundle };
  } finally {
    rmSync(floorRoot, { recursive: true, force: true });
  }
}
