// Starts one Parlor per mode for the whole black-box suite, each through the README's own
// commands in a copy of the working tree:
//   vite      `npm run dev`                (Vite with the Cloudflare plugin)
//   wrangler  `npm run dev -- --wrangler`  (plain wrangler dev; builds the app on first run)
//   pg        `npm run pg:local`, then `npm run dev` (history in the real Postgres)
// Every one gets its secrets and settings only through a `.dev.vars` written like a user's:
// Gemini keys and GEMINI_BASE_URL pointing at the Gemini double (test/gemini-double.ts), and
// var overrides the tests check. BLACKBOX_MODES=vite,pg narrows the set.
import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { freePort } from "../free-port";
import { GeminiDouble } from "../gemini-double";
import { copyTree, DevServer, npmRun, writeDevVars } from "./dev-server";

export type Mode = { name: string; base: string; history: "d1" | "postgres" };

export type BlackboxContext = {
  modes: Mode[];
  geminiUrl: string;
  /** The key .dev.vars gives every server; the double records which key each call used. */
  geminiKey: string;
  /** MAX_MESSAGE_CHARS as overridden in .dev.vars (wrangler.toml says 8000). */
  maxMessageChars: number;
  /** Postgres mode's database URL, for checking where messages landed. */
  pgUrl: string;
};

declare module "vitest" {
  export interface ProvidedContext {
    blackbox: BlackboxContext;
  }
}

const ALL = ["vite", "wrangler", "pg"];

export default async function setup(project: TestProject) {
  const wanted = (process.env.BLACKBOX_MODES ?? ALL.join(",")).split(",").map((m) => m.trim());
  const double = new GeminiDouble();
  const geminiUrl = await double.start();
  const geminiKey = `blackbox-key-${randomBytes(4).toString("hex")}`;
  const maxMessageChars = 500;
  const pgDatabase = process.env.PG_BLACKBOX_DB ?? "parlor_blackbox";
  const pgServer = process.env.PG_ADMIN_URL?.replace(/\/[^/]*$/, "") ?? "postgres://postgres:postgres@127.0.0.1:5432";

  const servers: DevServer[] = [];
  const start = async (name: string): Promise<Mode> => {
    const dir = copyTree(name);
    writeDevVars(dir, {
      JWT_SECRET: randomBytes(32).toString("base64url"),
      ADMIN_TOKEN: randomBytes(16).toString("base64url"),
      GEMINI_API_KEYS: geminiKey,
      GEMINI_BASE_URL: geminiUrl,
      MAX_MESSAGE_CHARS: String(maxMessageChars),
      FLUSH_DELAY_MS: "100",
      // The k6 stand-in's AI turns call the double more often than the default 10 a minute.
      KEYS_MAX_PER_MINUTE: "1000",
    });
    if (name === "pg") await npmRun(dir, ["pg:local", "--", "--url", pgServer, "--database", pgDatabase, "--reset"]);
    const port = await freePort();
    const args =
      name === "wrangler"
        ? ["--wrangler", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(await freePort())]
        : ["--host", "127.0.0.1", "--port", String(port), "--strictPort"];
    const server = new DevServer(dir, port, args);
    servers.push(server);
    await server.start();
    return { name, base: server.base, history: name === "pg" ? "postgres" : "d1" };
  };

  const stop = async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await double.stop();
  };
  try {
    // One after another: three dev servers starting at once would fight over two cores.
    const modes: Mode[] = [];
    for (const name of ALL.filter((m) => wanted.includes(m))) modes.push(await start(name));
    project.provide("blackbox", { modes, geminiUrl, geminiKey, maxMessageChars, pgUrl: `${pgServer}/${pgDatabase}` });
  } catch (err) {
    await stop();
    throw err;
  }
  return stop;
}
