// Vitest globalSetup for the worker-outage project: a PostgreSQL server of its own (initdb and
// pg_ctl from /usr/lib/postgresql/*/bin, run as the `postgres` user, on a free port, in a
// temporary directory), with the migrations of migrations/pg applied, reached through a TCP
// relay, and a small HTTP control server through which the tests inside workerd stop the
// server (`pg_ctl -m immediate`, as a crash would), start it again, or make the relay fail
// slowly (each new connection held, then cut: a store that times out rather than refuses),
// and read a room's rows as the server holds them (/rows/:roomId). The shared server on 5432
// is never touched.
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { connect, createServer as createTcpServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type postgresType from "postgres";
import type { TestProject } from "vitest/node";
import { applyPgMigrations } from "../../scripts/pg-migrations.mjs";
import { freePort } from "../free-port";

// Node's own require: the project's Vite config would pick postgres.js's Workers build.
const postgres = createRequire(import.meta.url)("postgres") as typeof postgresType;

declare module "vitest" {
  export interface ProvidedContext {
    outagePgUrl: string;
    outageControlUrl: string;
  }
}

function pgBin(name: string): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => join(root, v, "bin", name)).find((p) => existsSync(p));
  if (!found) throw new Error(`${name} not found under ${root}`);
  return found;
}

/** Runs a PostgreSQL tool as the postgres user (initdb refuses to run as root). */
function asPostgres(tool: string, args: string[]) {
  const cmd = [pgBin(tool), ...args];
  if (process.getuid?.() === 0) execFileSync("runuser", ["-u", "postgres", "--", ...cmd], { stdio: "pipe" });
  else execFileSync(cmd[0] as string, cmd.slice(1), { stdio: "pipe" });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), "parlor-outage-pg-"));
  chmodSync(dir, 0o777);
  const data = join(dir, "data");
  const port = await freePort();
  asPostgres("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const start = () =>
    asPostgres("pg_ctl", [
      "-D",
      data,
      "-w",
      "-l",
      join(dir, "log"),
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      "start",
    ]);
  const stop = () => asPostgres("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
  start();
  // Straight to the server, not through the relay: how the tests read the rows themselves.
  const sql = postgres(`postgres://postgres:postgres@127.0.0.1:${port}/postgres`, { max: 1, onnotice: () => {} });
  await applyPgMigrations(sql);
  const relay = startRelay(port);
  const relayPort = await freePort();
  await new Promise<void>((resolve) => relay.server.listen(relayPort, "127.0.0.1", resolve));
  let up = true;
  const control = createServer(async (req, res) => {
    try {
      const rows = req.url?.match(/^\/rows\/([\w-]+)$/);
      if (rows) {
        const found = await sql`select seq, content from messages where room_id = ${rows[1] as string} order by seq`;
        res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(found));
        return;
      }
      if (req.url === "/stop" && up) stop();
      if (req.url === "/start" && !up) start();
      if (req.url === "/stop" || req.url === "/start") up = req.url === "/start";
      if (req.url === "/slow" || req.url === "/stop") relay.cutAll();
      if (req.url === "/slow" || req.url === "/fast") relay.slow = req.url === "/slow";
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ up, slow: relay.slow }));
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
  const controlPort = await freePort();
  await new Promise<void>((resolve) => control.listen(controlPort, "127.0.0.1", resolve));
  project.provide("outagePgUrl", `postgres://postgres:postgres@127.0.0.1:${relayPort}/postgres`);
  project.provide("outageControlUrl", `http://127.0.0.1:${controlPort}`);
  return async () => {
    await new Promise((resolve) => control.close(resolve));
    relay.cutAll();
    await new Promise((resolve) => relay.server.close(resolve));
    await sql.end({ timeout: 1 });
    try {
      stop();
    } catch {
      // Already stopped.
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

/** A TCP relay to the server on `port`; in slow mode it holds each new connection 1.5 s, then
 * cuts it. `cutAll()` drops every open connection (as a crashed server would). */
function startRelay(port: number) {
  const open = new Set<Socket>();
  const relay = {
    slow: false,
    cutAll: () => {
      for (const s of open) s.destroy();
      open.clear();
    },
    server: createTcpServer((client) => {
      open.add(client);
      client.on("close", () => open.delete(client));
      client.on("error", () => {});
      if (relay.slow) {
        setTimeout(() => client.destroy(), 1500);
        return;
      }
      const upstream = connect(port, "127.0.0.1");
      open.add(upstream);
      upstream.on("close", () => {
        open.delete(upstream);
        client.destroy();
      });
      upstream.on("error", () => client.destroy());
      client.on("close", () => upstream.destroy());
      client.pipe(upstream).pipe(client);
    }),
  };
  return relay;
}
