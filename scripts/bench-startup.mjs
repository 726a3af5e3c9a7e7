// The start-up phase of `npm run bench`: how much CPU an isolate spends before it can answer
// (`wrangler check startup`'s CPU profile, run by run, interleaved with the floor in
// load/floor: Hono in front of one Durable Object), where that CPU went, and how the Worker
// bundle splits into what every isolate evaluates at start and the chunks imported on first
// use. Both Workers are profiled as they would be uploaded: Parlor as `npm run deploy` builds
// it (Vite: minified, split into chunks), the floor as Wrangler bundles it. Locally measured
// CPU is not Cloudflare's, so only the ratio to the same-run floor means much.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { SourceMap } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { gzipSync } from "node:zlib";

const wrangler = (app) => join(app, "node_modules", "wrangler", "bin", "wrangler.js");
const env = () => ({ ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1" });

function run(app, args, extraEnv = {}) {
  const res = spawnSync(process.execPath, args, { cwd: app, env: { ...env(), ...extraEnv }, encoding: "utf8", timeout: 180_000 });
  if (res.status !== 0) throw new Error(`${args.slice(1).join(" ")} failed in ${app}:\n${res.stdout}\n${res.stderr}`);
}

const isIdle = (node) => node.callFrame.functionName === "(idle)";

/** Milliseconds of sampled CPU that were not idle, from a V8 .cpuprofile. */
export function activeMs(profile) {
  const idle = new Set(profile.nodes.filter(isIdle).map((n) => n.id));
  let micros = 0;
  profile.samples.forEach((id, i) => {
    if (!idle.has(id)) micros += profile.timeDeltas[i] ?? 0;
  });
  return micros / 1000;
}

/** The upload `wrangler deploy` would make from `config`, as one file `check startup` reads. */
function uploadBundle(app, config, outfile) {
  run(app, [wrangler(app), "deploy", "--dry-run", "--config", config, "--outfile", outfile]);
  return outfile;
}

function startupOnce(app, bundle, outfile) {
  run(app, [wrangler(app), "check", "startup", "--worker", bundle, "--outfile", outfile]);
  return JSON.parse(readFileSync(outfile, "utf8"));
}

/** The deployed Worker as `npm run deploy` builds it: its directory and Vite's manifest. */
function deployBuild(snap) {
  const out = join(snap.root, "vite-dist");
  run(snap.app, [join(snap.app, "node_modules", "vite", "bin", "vite.js"), "build", "--logLevel", "warn"], { PARLOR_DIST: out });
  const dir = join(out, "parlor");
  return { dir, manifest: JSON.parse(readFileSync(join(dir, ".vite", "manifest.json"), "utf8")) };
}

/** What every isolate evaluates at start (the entry and every chunk it imports statically)
 * and the chunks imported on first use. */
function bundleSplit({ dir, manifest }) {
  const size = (file) => {
    const bytes = readFileSync(join(dir, file));
    return { bytes: bytes.length, gzip: gzipSync(bytes).length };
  };
  const eager = new Set();
  const visit = (key) => {
    if (eager.has(key)) return;
    eager.add(key);
    for (const next of manifest[key]?.imports ?? []) visit(next);
  };
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);
  const files = (keys) => keys.map((key) => manifest[key].file);
  const eagerSizes = files([...eager]).map(size);
  const lazy = files(Object.keys(manifest).filter((key) => !eager.has(key)))
    .filter((file) => !file.includes("rolldown-runtime"))
    .map((file) => ({ file: file.replace(/^assets\//, "").replace(/-[\w-]{8}\.js$/, ".js"), ...size(file) }))
    .sort((a, b) => b.bytes - a.bytes);
  const sum = (key) => eagerSizes.reduce((total, s) => total + s[key], 0);
  return { eager: { bytes: sum("bytes"), gzip: sum("gzip"), chunks: eager.size }, lazy };
}

/** Self time by source file over the profiles, most first: each sample's function mapped
 * back through the build's source maps; the engine's own work keeps its name ("(program)" is
 * mostly compiling, "(garbage collector)"). Sampling is coarse, so this is a pointer, not a
 * measurement: read it pooled over all runs. */
export function whereItGoes(profiles, { app, dir }, top = 8) {
  const maps = new Map();
  // `check startup` names a module of the upload by its path in the build, under the
  // directory it ran in (`app`, less the leading slash).
  const mapOf = (url) => {
    if (!maps.has(url)) {
      const file = join(dir, url.replace(`${app.replace(/^\/+/, "")}/`, ""));
      maps.set(url, existsSync(`${file}.map`) ? { file, map: new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8"))) } : null);
    }
    return maps.get(url);
  };
  const place = ({ url, functionName, lineNumber, columnNumber }) => {
    if (!url) return functionName;
    // The module `check startup` wraps the Worker in, named by a random UUID.
    if (/(^|\/)[\da-f]{8}(-[\da-f]{4}){3}-[\da-f]{12}$/.test(url)) return "(the profiler's entry)";
    const chunk = url.replace(/^.*\/(assets\/)?/, "");
    if (lineNumber < 0) return `${chunk} (top level)`;
    const built = mapOf(url);
    const source = built?.map.findEntry(lineNumber, columnNumber)?.originalSource;
    if (!source) return chunk;
    // Sources are relative to the map; packages are named from their own folder.
    const path = relative(app, resolve(dirname(built.file), source));
    return path.replace(/^.*node_modules\//, "");
  };
  const ms = new Map();
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const node = byId.get(id);
      if (isIdle(node)) return;
      const key = place(node.callFrame);
      ms.set(key, (ms.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000 / profiles.length);
    });
  }
  return [...ms]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([where, perRun]) => ({ where, ms: perRun }));
}

/** Start-ups profiled per run and side. The profiler samples every few ms at best, so a start-up
 * as small as the floor's is a handful of samples, some runs none at all: one profile per run
 * read 0 ms for the floor as often as not. The median of many is steady. */
const STARTUPS_PER_RUN = 5;

/** Runs the phase against a snapshot of the tree (bench-server.mjs): `runs` rounds, each
 * profiling STARTUPS_PER_RUN start-ups of Parlor and of the floor, interleaved. */
export function startup({ repo, snap, runs, log }) {
  const floorRoot = mkdtempSync(join(tmpdir(), "parlor-floor-"));
  const floor = join(floorRoot, "app");
  cpSync(join(repo, "load", "floor"), floor, { recursive: true });
  symlinkSync(join(repo, "node_modules"), join(floor, "node_modules"));
  try {
    const build = deployBuild(snap);
    const bundles = {
      parlor: uploadBundle(snap.app, join(build.dir, "wrangler.json"), join(snap.root, "parlor.upload")),
      floor: uploadBundle(floor, "wrangler.toml", join(floorRoot, "floor.upload")),
    };
    const profiles = [];
    const parlorMs = [];
    const floorMs = [];
    for (let i = 0; i < runs * STARTUPS_PER_RUN; i++) {
      profiles.push(startupOnce(snap.app, bundles.parlor, join(snap.root, `startup-${i}.cpuprofile`)));
      parlorMs.push(activeMs(profiles.at(-1)));
      floorMs.push(activeMs(startupOnce(floor, bundles.floor, join(floorRoot, `startup-${i}.cpuprofile`))));
      log(`start-up ${i + 1}/${runs * STARTUPS_PER_RUN}: parlor ${parlorMs.at(-1).toFixed(1)} ms, floor ${floorMs.at(-1).toFixed(1)} ms`);
    }
    const bundle = bundleSplit(build);
    const hotspots = whereItGoes(profiles, { app: snap.app, dir: build.dir });
    log(`bundle: ${(bundle.eager.bytes / 1024).toFixed(0)} KB evaluated at start, ${bundle.lazy.length} lazy chunks`);
    return { parlorMs, floorMs, bundle, hotspots };
  } finally {
    rmSync(floorRoot, { recursive: true, force: true });
  }
}
