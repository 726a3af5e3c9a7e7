// Build-time guard for the web bundle budget (issue 5: initial JavaScript at most 60 KB
// gzipped). "Initial" means what the browser must fetch before the first screen renders: the
// entry chunk plus everything it imports statically. Lazy route chunks are listed but not
// counted. The build fails when the budget is exceeded, so a heavy dependency cannot slip in.
import { gzipSync } from "node:zlib";
import type { Plugin } from "vite";

type Options = { maxInitialGzipBytes: number };
type Chunk = { fileName: string; code: string; imports: string[]; isEntry: boolean };

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const gz = (s: string | Uint8Array) => gzipSync(s, { level: 9 }).length;

/** Names of the entry chunks and their static imports, transitively. */
export function initialChunks(chunks: Map<string, Chunk>): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const dep of chunks.get(name)?.imports ?? []) visit(dep);
  };
  for (const c of chunks.values()) if (c.isEntry) visit(c.fileName);
  return seen;
}

export function bundleBudget({ maxInitialGzipBytes }: Options): Plugin {
  return {
    name: "parlor:bundle-budget",
    apply: "build",
    applyToEnvironment: (env) => env.name === "client",
    generateBundle(_options, bundle) {
      const chunks = new Map<string, Chunk>();
      let cssGzip = 0;
      for (const item of Object.values(bundle)) {
        if (item.type === "chunk") chunks.set(item.fileName, item);
        else if (item.fileName.endsWith(".css")) cssGzip += gz(item.source);
      }
      const initial = initialChunks(chunks);
      let initialGzip = 0;
      const rows: string[] = [];
      for (const c of [...chunks.values()].sort((a, b) => gz(b.code) - gz(a.code))) {
        const size = gz(c.code);
        if (initial.has(c.fileName)) initialGzip += size;
        const tag = initial.has(c.fileName) ? "initial" : "lazy   ";
        rows.push(`  ${tag}  ${kb(size).padStart(9)}  ${c.fileName}`);
      }
      const verdict = initialGzip <= maxInitialGzipBytes ? "within" : "OVER";
      console.log(
        [
          "",
          "Web bundle (gzip -9):",
          ...rows,
          `  initial JS ${kb(initialGzip)} of ${kb(maxInitialGzipBytes)} budget (${verdict}); CSS ${kb(cssGzip)}`,
          "",
        ].join("\n"),
      );
      if (initialGzip > maxInitialGzipBytes) {
        this.error(`initial JavaScript is ${kb(initialGzip)} gzipped, over the ${kb(maxInitialGzipBytes)} budget`);
      }
    },
  };
}
