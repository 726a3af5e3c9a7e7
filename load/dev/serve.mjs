#!/usr/bin/env node
// Starts an isolated `wrangler dev` for trying the k6 suite (or the shim) locally: a snapshot
// of the working tree, fresh local state in a temp dir, generated secrets, the wrangler.toml
// limits unchanged. Prints BASE_URL and stays up until Ctrl-C or --minutes (default 30).
//   node load/dev/serve.mjs [--minutes 30]
import { parseArgs } from "node:util";
import { applyMigrations, DevServer, freePort, prebundle, removeSnapshot, snapshot } from "../../scripts/bench-server.mjs";

const { values } = parseArgs({ options: { minutes: { type: "string", default: "30" } } });
const snap = snapshot(new URL("../..", import.meta.url).pathname);
prebundle(snap);
applyMigrations(snap);
const server = new DevServer(snap, await freePort(), {});
await server.start();
console.log(`BASE_URL=${server.base}`);
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.stop();
  removeSnapshot(snap);
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
setTimeout(stop, Number(values.minutes) * 60_000);
