// Shim of "k6/timers": Node timers that keep the VU iteration alive until they fire or are
// cleared, and run their callback as that VU.
import { als, hold, inVu, release } from "./runtime.mjs";

const owners = new Map();

export function setTimeout(fn, delay, ...args) {
  const ctx = als.getStore();
  if (ctx) hold(ctx);
  const id = globalThis.setTimeout(() => {
    owners.delete(handle);
    if (ctx) {
      inVu(ctx, fn, ...args);
      release(ctx);
    } else fn(...args);
  }, delay);
  const handle = Number(id[Symbol.toPrimitive]());
  owners.set(handle, { id, ctx });
  return handle;
}

export function clearTimeout(handle) {
  const t = owners.get(handle);
  if (t === undefined) return;
  owners.delete(handle);
  globalThis.clearTimeout(t.id);
  if (t.ctx) release(t.ctx);
}

export function setInterval(fn, delay, ...args) {
  const ctx = als.getStore();
  if (ctx) hold(ctx);
  const id = globalThis.setInterval(() => (ctx ? inVu(ctx, fn, ...args) : fn(...args)), delay);
  const handle = Number(id[Symbol.toPrimitive]());
  owners.set(handle, { id, ctx, interval: true });
  return handle;
}

export const clearInterval = clearTimeout;
