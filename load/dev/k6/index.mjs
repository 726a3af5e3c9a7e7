// Shim of the "k6" module: check, sleep, fail, group, randomSeed.
import { record } from "./runtime.mjs";

export function check(value, sets, tags = {}) {
  let all = true;
  for (const [name, fn] of Object.entries(sets)) {
    let ok = false;
    try {
      ok = Boolean(typeof fn === "function" ? fn(value) : fn);
    } catch {
      ok = false;
    }
    record("checks", "rate", ok ? 1 : 0, { check: name, ...tags });
    all &&= ok;
  }
  return all;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** k6's sleep blocks the VU; here it blocks the thread, so keep shim runs small. */
export function sleep(seconds) {
  Atomics.wait(sleeper, 0, 0, Math.max(0, seconds * 1000));
}

export function fail(message) {
  throw new Error(message ?? "fail()");
}

export function group(_name, fn) {
  return fn();
}

export function randomSeed() {}

export default { check, sleep, fail, group, randomSeed };
