// The structure the code keeps, as checks over the source tree read as text (see
// docs/architecture.md, "Layers"): which directory may import which, no import cycle, one
// place that names an AI provider, and how long a file or a class may grow. Sources are
// formatted by Biome, so an import statement starts its line and a class ends with a `}` at
// its own indentation; that is all the parsing this needs.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";

export type Layer = "wire" | "text" | "shared" | "durable-objects" | "worker" | "web" | "load" | "scripts" | "test";

/** Who may import whom, outside tests (a test may import anything: it drives the front doors). */
export const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  wire: [],
  // What the Worker and the web app both run on text: Markdown to plain text, password strength.
  // The wire contract imports nothing, so it may be read here too (the rules of names).
  text: ["text", "wire"],
  shared: ["shared", "text", "wire"],
  "durable-objects": ["durable-objects", "shared", "text", "wire"],
  worker: ["worker", "durable-objects", "shared", "text", "wire"],
  web: ["web", "text", "wire"],
  // load/dev serves the app with the benchmark's server runner.
  load: ["load", "scripts", "wire"],
  scripts: ["scripts", "wire"],
  test: ["wire", "text", "shared", "durable-objects", "worker", "web", "load", "scripts", "test"],
};

export const MAX_FILE_LINES = 300;
export const MAX_CLASS_LINES = 200;

/** Server code that may name an AI provider: the providers themselves, and configuration. */
const PROVIDER_NAMES_ALLOWED = [/^worker\/ai\//, /^shared\/config\.ts$/, /^shared\/api-keys\.ts$/, /^worker\/env\.d\.ts$/];

const ROOTS = ["shared", "worker", "durable-objects", "web/src", "web/build", "load", "scripts", "test"];
const SKIP = new Set(["node_modules", "dist", "results", "artifacts", "baseline"]);
const EXTENSIONS = ["", ".ts", ".tsx", ".mjs", ".js", "/index.ts", "/index.tsx"];

export type Source = { path: string; text: string };

/** Every code file under the roots, path relative to `repo`. */
export function readSources(repo: string): Source[] {
  const out: Source[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(repo, dir))) {
      if (SKIP.has(name)) continue;
      const path = `${dir}/${name}`;
      if (statSync(join(repo, path)).isDirectory()) walk(path);
      else if (/\.(ts|tsx|mjs|js)$/.test(name)) out.push({ path, text: readFileSync(join(repo, path), "utf8") });
    }
  };
  for (const root of ROOTS) walk(root);
  return out;
}

/** The shared modules the web app runs too (they import only npm packages and each other). */
const TEXT = new Set(["shared/markdown.ts", "shared/text.ts", "shared/password.ts", "shared/password-rules.ts"]);

export function layerOf(path: string): Layer {
  // Modules with no imports at all that every side may use: the wire contract, and the one
  // definition of the security headers (the Worker, the build and the dev server apply it).
  if (path === "shared/wire.ts" || path === "shared/security-headers.ts") return "wire";
  if (isTest(path)) return "test";
  if (TEXT.has(path)) return "text";
  const top = path.split("/")[0] as string;
  if (top === "web" || top === "load" || top === "scripts" || top === "shared" || top === "worker" || top === "durable-objects") {
    return top;
  }
  throw new Error(`${path} is in no layer`);
}

export function isTest(path: string): boolean {
  return path.startsWith("test/") || /\.test\.tsx?$/.test(path);
}

/** The module specifiers a file imports, statically, re-exports from, or imports lazily. */
export function specifiers(text: string): string[] {
  const found: string[] = [];
  const patterns = [
    /^(?:import|export)\b[^;]*?\bfrom\s+["']([^"']+)["']/gms,
    /^import\s+["']([^"']+)["']/gm,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) if (m[1]) found.push(m[1]);
  return found;
}

/** The file a relative specifier names among `known` paths; undefined for a package. */
export function resolveImport(from: string, spec: string, known: Set<string>): string | undefined {
  // Packages, and assets a bundler handles (styles, fonts, JSON), are not code of ours.
  if (!spec.startsWith(".") || /\.(css|json|svg|png|woff2?)(\?.*)?$/.test(spec)) return undefined;
  const base = normalize(join(dirname(from), spec));
  for (const ext of EXTENSIONS) if (known.has(base + ext)) return base + ext;
  throw new Error(`${from}: cannot resolve ${spec}`);
}

/** Each file's imports of other files in the tree. */
export function importGraph(sources: Source[]): Map<string, string[]> {
  const known = new Set(sources.map((s) => s.path));
  return new Map(sources.map((s) => [s.path, specifiers(s.text).flatMap((spec) => resolveImport(s.path, spec, known) ?? [])] as const));
}

/** Imports that go against MAY_IMPORT, and any import at all in the wire module. */
export function layerViolations(sources: Source[]): string[] {
  const graph = importGraph(sources);
  const out: string[] = [];
  for (const s of sources) {
    const from = layerOf(s.path);
    if (from === "wire" && specifiers(s.text).length > 0) out.push(`${s.path} imports ${specifiers(s.text).join(", ")}`);
    for (const target of graph.get(s.path) ?? []) {
      const to = layerOf(target);
      if (!MAY_IMPORT[from].includes(to)) out.push(`${s.path} (${from}) imports ${target} (${to})`);
    }
  }
  return out;
}

/** Import cycles among the files that are not tests, each as the list of files around it. */
export function importCycles(sources: Source[]): string[][] {
  const graph = importGraph(sources.filter((s) => !isTest(s.path)));
  const cycles: string[][] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "visiting");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "visiting") cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

/** Server code outside worker/ai and configuration that names an AI provider. */
export function providerNames(sources: Source[]): string[] {
  return sources
    .filter((s) => ["shared", "worker", "durable-objects"].includes(layerOf(s.path)) || s.path === "shared/wire.ts")
    .filter((s) => !PROVIDER_NAMES_ALLOWED.some((allowed) => allowed.test(s.path)))
    .flatMap((s) => s.text.split("\n").flatMap((line, i) => (/gemini|openai/i.test(line) ? [`${s.path}:${i + 1}: ${line.trim()}`] : [])));
}

/** Files over MAX_FILE_LINES and classes over MAX_CLASS_LINES, outside tests. */
export function oversized(sources: Source[]): string[] {
  const out: string[] = [];
  for (const s of sources.filter((f) => !isTest(f.path))) {
    const lines = s.text.replace(/\n$/, "").split("\n");
    if (lines.length > MAX_FILE_LINES) out.push(`${s.path}: ${lines.length} lines`);
    lines.forEach((line, start) => {
      const head = /^(\s*)(?:export\s+)?(?:default\s+)?(?:abstract\s+)?class\s+(\w+)/.exec(line);
      if (!head) return;
      const end = lines.findIndex((l, i) => i > start && new RegExp(`^${head[1]}};?$`).test(l));
      const length = (end < 0 ? lines.length : end + 1) - start;
      if (length > MAX_CLASS_LINES) out.push(`${s.path}:${start + 1}: class ${head[2]} is ${length} lines`);
    });
  }
  return out;
}

/** Packages no isolate evaluates at start (docs/benchmarks.md, "Worker start-up"): the
 * Worker's entry reaches them only through `import()`, on first use. */
export const NOT_AT_START = [
  /^zod/,
  /^@hono\/zod-openapi/,
  /^drizzle-orm/,
  /^postgres$/,
  /^micromark/,
  /^mdast-util/,
  /^@google\/genai/,
  /^@zxcvbn-ts/,
];

/** What evaluating `entry` evaluates: the files and packages it imports for their values,
 * and theirs in turn. Type-only imports are erased and `import()` waits for its call, so
 * neither counts; `import { type A }` does (verbatimModuleSyntax keeps it as `import {}`). */
export function evaluatedAtStart(sources: Source[], entry: string): string[] {
  const known = new Set(sources.map((s) => s.path));
  const text = new Map(sources.map((s) => [s.path, s.text]));
  const valueImport = /^(?:import|export)\s+(?!type\b)(?:[^;]*?\bfrom\s+)?["']([^"']+)["']/gms;
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const [, spec = ""] of (text.get(path) ?? "").matchAll(valueImport)) {
      const file = resolveImport(path, spec, known);
      if (file) visit(file);
      else seen.add(spec);
    }
  };
  visit(entry);
  return [...seen];
}
