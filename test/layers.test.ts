// The structure docs/architecture.md ("Layers") describes, held by the tree itself: imports
// point one way and never in a circle, only worker/ai and configuration name an AI provider,
// and no file or class outside tests grows past what can be read in one sitting. Each check
// is first shown to catch what it is for, on a small tree made up for it.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  evaluatedAtStart,
  importCycles,
  importGraph,
  layerViolations,
  MAX_FILE_LINES,
  NOT_AT_START,
  oversized,
  providerNames,
  readSources,
  type Source,
} from "./layers";

const repo = resolve(import.meta.dirname, "..");
const tree = readSources(repo);

const file = (path: string, text: string): Source => ({ path, text });

describe("the checks", () => {
  it("catch an import against the layers, and any import in the wire module", () => {
    const made = [
      file("shared/config.ts", 'import { chatRoom } from "../durable-objects/chat-room/chat-room";\n'),
      file("durable-objects/chat-room/chat-room.ts", 'import type { AppEnv } from "../../worker/types";\n'),
      file("worker/types.ts", "export type AppEnv = {};\n"),
      file("shared/wire.ts", 'import { z } from "zod";\n'),
      file("web/src/api.ts", 'import type { Message } from "../../shared/wire";\nimport "./styles/app.css";\n'),
    ];
    expect(layerViolations(made)).toEqual([
      "shared/config.ts (shared) imports durable-objects/chat-room/chat-room.ts (durable-objects)",
      "durable-objects/chat-room/chat-room.ts (durable-objects) imports worker/types.ts (worker)",
      "shared/wire.ts imports zod",
    ]);
  });

  it("catch a cycle, type-only imports included", () => {
    const made = [
      file("worker/a.ts", 'import { b } from "./b";\nexport const a = 1;\n'),
      file("worker/b.ts", 'import type { A } from "./a";\nexport const b = 2;\n'),
      file("worker/c.ts", 'import { a } from "./a";\n'),
    ];
    expect(importCycles(made)).toEqual([["worker/a.ts", "worker/b.ts", "worker/a.ts"]]);
  });

  it("catch a provider named outside worker/ai, a long file and a long class", () => {
    const long = (n: number) => Array.from({ length: n }, (_, i) => `  line${i}();`).join("\n");
    const made = [
      file("worker/routes/admin.ts", 'const provider = "gemini";\n'),
      file("worker/ai/registry.ts", 'const names = ["gemini", "openai"];\n'),
      file("durable-objects/big.ts", `export class Big {\n${long(199)}\n}\n${long(150)}\n`),
    ];
    expect(providerNames(made)).toEqual(['worker/routes/admin.ts:1: const provider = "gemini";']);
    expect(oversized(made)).toEqual(["durable-objects/big.ts: 351 lines", "durable-objects/big.ts:1: class Big is 201 lines"]);
  });

  it("follow what an entry evaluates through its value imports, not type-only ones or import()", () => {
    const made = [
      file("worker/index.ts", 'import type { App } from "./app";\nexport { Room } from "./room";\nconst app = () => import(`./app`);\n'),
      file("worker/app.ts", 'import { z } from "zod";\n'),
      file("worker/room.ts", 'import { type Frame, MAX } from "./frames";\n'),
      file("worker/frames.ts", 'import {\n  drizzle,\n} from "drizzle-orm/d1";\n'),
    ];
    expect(evaluatedAtStart(made, "worker/index.ts")).toEqual(["worker/index.ts", "worker/room.ts", "worker/frames.ts", "drizzle-orm/d1"]);
  });
});

describe("the source tree", () => {
  it("is read whole", () => {
    const paths = tree.map((s) => s.path);
    for (const known of ["shared/wire.ts", "worker/app.ts", "durable-objects/chat-room/chat-room.ts", "web/src/stores/room.ts"]) {
      expect(paths).toContain(known);
    }
  });

  it("imports one way: shared imports neither side, Durable Objects nothing of the Worker, clients only the wire module", () => {
    expect(layerViolations(tree)).toEqual([]);
  });

  it("keeps the person's channel below the rooms: rooms push to it, it knows nothing of them", () => {
    const graph = importGraph(tree.filter((s) => !s.path.endsWith(".test.ts")));
    const channel = [...graph].filter(([path]) => path.startsWith("durable-objects/user-channel/"));
    expect(channel.length).toBeGreaterThan(0);
    expect(channel.flatMap(([path, deps]) => deps.filter((d) => !d.startsWith("shared/")).map((d) => `${path} imports ${d}`))).toEqual([]);
  });

  it("keeps zod, the OpenAPI routes, drizzle, postgres.js, the Markdown parser and the AI SDK off an isolate's start-up", () => {
    const evaluated = evaluatedAtStart(tree, "worker/index.ts");
    expect(evaluated).toContain("durable-objects/chat-room/chat-room.ts");
    expect(evaluated.filter((spec) => NOT_AT_START.some((heavy) => heavy.test(spec)))).toEqual([]);
  });

  it("has no import cycle", () => {
    expect(importCycles(tree)).toEqual([]);
  });

  it("names an AI provider only in worker/ai and configuration", () => {
    expect(providerNames(tree)).toEqual([]);
  });

  it("has no file over 300 lines and no class over 200 outside tests", () => {
    expect(oversized(tree)).toEqual([]);
  });

  it("has no style sheet over 300 lines either", () => {
    const dir = join(repo, "web/src/styles");
    const sheets = readdirSync(dir).filter((name) => name.endsWith(".css"));
    expect(sheets.length).toBeGreaterThan(1);
    const long = sheets
      .map((name) => [name, readFileSync(join(dir, name), "utf8").replace(/\n$/, "").split("\n").length] as const)
      .filter(([, lines]) => lines > MAX_FILE_LINES);
    expect(long).toEqual([]);
  });
});
