// Shared state of the Node stand-in that runs the k6 suite without k6 (see load/README.md):
// which VU is running (AsyncLocalStorage, so timer and socket callbacks know), the metric
// registry, each VU iteration's pending async work, whose end ends the iteration as in k6, and
// strict(), which makes the shim's objects refuse what k6's do not have.
import { AsyncLocalStorage } from "node:async_hooks";

export const als = new AsyncLocalStorage();

/** name -> { type: "trend"|"counter"|"rate"|"gauge", isTime, samples: [{ value, tags }] } */
export const registry = new Map();

export function metric(name, type, isTime = false) {
  let m = registry.get(name);
  if (m === undefined) registry.set(name, (m = { name, type, isTime, samples: [] }));
  return m;
}

export function record(name, type, value, tags = {}, isTime = false) {
  const ctx = als.getStore();
  const all = ctx === undefined ? tags : { scenario: ctx.scenario.name, ...tags };
  metric(name, type, isTime).samples.push({ value: Number(value), tags: all });
}

export function current() {
  const ctx = als.getStore();
  if (ctx === undefined) throw new Error("this k6 API is only available in VU code");
  return ctx;
}

/** Async work a VU iteration still waits for (timers, open sockets). */
export function hold(ctx) {
  ctx.pending++;
}

export function release(ctx) {
  ctx.pending--;
  if (ctx.pending <= 0) ctx.onIdle?.();
}

/** Runs `fn` as VU code of `ctx` (callbacks scheduled later use the same helper). */
export function inVu(ctx, fn, ...args) {
  return als.run(ctx, () => {
    try {
      return fn(...args);
    } catch (err) {
      ctx.errors.push(String(err?.stack ?? err));
      console.error(`VU ${ctx.vu.idInTest} (${ctx.scenario.name}): ${err?.message ?? err}`);
      return undefined;
    }
  });
}

/**
 * Wraps `target` so that reading a property real k6 does not define throws instead of giving
 * undefined: a script that relies on something only a browser, Node or `@types/k6` offers
 * must fail here as loudly as it would misbehave under k6. `known` lists every property k6
 * defines (taken from k6's Go source, named in `where`), implemented by the shim or not.
 */
export function strict(target, known, where) {
  const allowed = new Set(known);
  return new Proxy(target, {
    get(obj, key, receiver) {
      if (typeof key === "symbol" || allowed.has(key)) return Reflect.get(obj, key, receiver);
      throw new TypeError(`k6 has no ${where}.${key} (see ${SOURCE}); the shim refuses it so the script fails here too`);
    },
  });
}

const SOURCE = "github.com/grafana/k6, internal/js/modules/k6/...";
