#!/usr/bin/env node
// Runs a script of the k6 suite under Node, with the small shim of k6's modules in ./k6, so
// the suite can be exercised end to end on a machine without k6 (like this project's CI and
// dev boxes). It implements only what the suite uses: the executors per-vu-iterations,
// constant-arrival-rate and ramping-arrival-rate, setup/teardown, checks, custom metrics and
// thresholds. HTTP calls block the whole process, not one VU, so its timings are not k6's:
// use it to check that the scripts work, and k6 itself to measure.
//
//   node load/dev/run.mjs load/fanout.ts -e BASE_URL=http://127.0.0.1:8787 -e DURATION=20s
import { register } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { als, inVu, release } from "./k6/runtime.mjs";
import { summarize } from "./summary.mjs";

const argv = process.argv.slice(2);
const cliEnv = {};
let script;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "-e" || argv[i] === "--env") {
    const [k, ...v] = String(argv[++i]).split("=");
    cliEnv[k] = v.join("=");
  } else script = argv[i];
}
if (script === undefined) throw new Error("usage: node load/dev/run.mjs <script.ts> [-e NAME=value]...");

// k6 puts the system environment and -e values in __ENV; a scenario's `env` overrides both
// for its VUs.
const baseEnv = { ...process.env, ...cliEnv };
globalThis.__ENV = new Proxy(
  {},
  {
    get: (_t, k) => als.getStore()?.env?.[k] ?? baseEnv[k],
    has: (_t, k) => k in baseEnv || k in (als.getStore()?.env ?? {}),
    ownKeys: () => [...new Set([...Object.keys(baseEnv), ...Object.keys(als.getStore()?.env ?? {})])],
    getOwnPropertyDescriptor: (_t, k) => ({ value: globalThis.__ENV[k], enumerable: true, configurable: true }),
  },
);

register("./hooks.mjs", import.meta.url);
const mod = await import(pathToFileURL(resolve(script)).href);
const options = mod.options ?? {};
const started = performance.now();
const errors = [];
let nextVu = 1;

const data = mod.setup ? JSON.parse(JSON.stringify(mod.setup() ?? null)) : undefined;
const ms = (d) => {
  let total = 0;
  for (const m of String(d).matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) total += Number(m[1]) * { ms: 1, s: 1e3, m: 6e4, h: 36e5 }[m[2]];
  return total;
};
const sleep = (t) => new Promise((r) => setTimeout(r, t));

/** One iteration; resolves when its code returned and its timers and sockets are done. */
function iterate(scn, vu, counters, fn, limitMs) {
  return new Promise((done) => {
    const ctx = {
      scenario: scn,
      vu,
      env: scn.env ?? {},
      pending: 1,
      errors,
      iterationInTest: counters.test++,
      iterationInScenario: vu.iterations++,
    };
    const guard = setTimeout(() => {
      console.error(`VU ${vu.idInTest} (${scn.name}): iteration still running after ${limitMs} ms; abandoned`);
      done();
    }, limitMs);
    ctx.onIdle = () => {
      clearTimeout(guard);
      done();
    };
    inVu(ctx, fn, data);
    release(ctx);
  });
}

async function runScenario(name, s) {
  await sleep(ms(s.startTime ?? "0s"));
  const scn = { name, executor: s.executor, env: s.env };
  const fn = mod[s.exec ?? "default"];
  if (typeof fn !== "function") throw new Error(`scenario ${name}: no exported function "${s.exec ?? "default"}"`);
  const counters = { test: 0 };
  const newVu = () => ({ idInTest: nextVu++, iterations: 0 });
  if (s.executor === "per-vu-iterations") {
    const limit = ms(s.maxDuration ?? "10m") + ms(s.gracefulStop ?? "30s");
    await Promise.all(
      Array.from({ length: s.vus ?? 1 }, async () => {
        const vu = newVu();
        for (let i = 0; i < (s.iterations ?? 1); i++) await iterate(scn, vu, counters, fn, limit);
      }),
    );
    return;
  }
  if (s.executor !== "constant-arrival-rate" && s.executor !== "ramping-arrival-rate")
    throw new Error(`executor ${s.executor} is not in the shim`);
  const unit = ms(s.timeUnit ?? "1s");
  const stages = s.executor === "constant-arrival-rate" ? [{ duration: s.duration, target: s.rate }] : s.stages;
  const total = stages.reduce((n, st) => n + ms(st.duration), 0);
  const rateAt = (t) => {
    // Linear between stage targets, from startRate (constant: flat), as k6 ramps.
    let from = s.executor === "constant-arrival-rate" ? s.rate : (s.startRate ?? 0);
    for (const st of stages) {
      const d = ms(st.duration);
      if (t < d) return from + ((st.target - from) * t) / d;
      t -= d;
      from = st.target;
    }
    return from;
  };
  const vus = Array.from({ length: s.preAllocatedVUs ?? 1 }, newVu);
  const t0 = performance.now();
  const running = [];
  // Iterations owed so far: the rate integrated over time, in small steps, so a ramp from 0 or
  // a rate per minute starts on time instead of after one long wait at the starting rate.
  let owed = 1;
  let k = 0;
  for (let last = 0; ; ) {
    const t = performance.now() - t0;
    if (t >= total) break;
    owed += (rateAt(t) * (t - last)) / unit;
    last = t;
    for (; owed >= 1; owed--) running.push(iterate(scn, vus[k++ % vus.length], counters, fn, 60_000));
    await sleep(Math.min(50, total - t));
  }
  await Promise.all(running);
}

await Promise.all(
  Object.entries(options.scenarios ?? { default: { executor: "per-vu-iterations", vus: 1, iterations: 1 } }).map(([n, s]) =>
    runScenario(n, s),
  ),
);
if (mod.teardown) mod.teardown(data);
const failed = summarize(options, (performance.now() - started) / 1000);
if (errors.length > 0) console.error(`${errors.length} VU error(s); first: ${errors[0]}`);
process.exit(failed ? 99 : 0);
