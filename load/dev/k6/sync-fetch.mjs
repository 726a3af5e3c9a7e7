// Blocking HTTP for the shim's k6/http: k6's http calls are synchronous, Node's fetch is not.
// A worker thread does the fetch; the VU thread sleeps on Atomics.wait until it is done.
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";

const workerCode = `
const { parentPort, workerData } = require("node:worker_threads");
const { signal, port } = workerData;
port.on("message", async (req) => {
  const started = performance.now();
  let out;
  try {
    const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body ?? undefined, redirect: "manual", signal: AbortSignal.timeout(req.timeoutMs) });
    const body = await res.text();
    out = { status: res.status, statusText: res.statusText, headers: [...res.headers], body, duration: performance.now() - started };
  } catch (err) {
    out = { status: 0, statusText: "", headers: [], body: "", error: String(err), duration: performance.now() - started };
  }
  port.postMessage(out);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
`;

const signal = new Int32Array(new SharedArrayBuffer(4));
const { port1, port2 } = new MessageChannel();
const worker = new Worker(workerCode, { eval: true, workerData: { signal, port: port2 }, transferList: [port2] });
worker.unref();

export function fetchSync(req) {
  Atomics.store(signal, 0, 0);
  port1.postMessage(req);
  // Bounded: the request itself times out first.
  Atomics.wait(signal, 0, 0, req.timeoutMs + 5000);
  const msg = receiveMessageOnPort(port1);
  if (msg === undefined) return { status: 0, statusText: "", headers: [], body: "", error: "timeout", duration: req.timeoutMs };
  return msg.message;
}
