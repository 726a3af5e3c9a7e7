// Syntax highlighting for code blocks: highlight.js grammars run by lowlight, which returns a
// syntax tree (hast) instead of an HTML string, so the tokens become DOM nodes built here and
// code never passes through innerHTML. The core comes with the room; each language's grammar is
// its own chunk, fetched the first time a block in that language appears. Until it arrives the
// block shows as plain text of exactly the same size, so nothing moves when colour arrives.
import type { ElementContent } from "hast";
import type { LanguageFn } from "highlight.js";
import { createLowlight } from "lowlight";

const lowlight = createLowlight();

type Grammar = () => Promise<{ default: LanguageFn }>;
// Literal import() calls, so the bundler makes one chunk per grammar.
const GRAMMARS: Record<string, Grammar> = {
  bash: () => import("highlight.js/lib/languages/bash"),
  c: () => import("highlight.js/lib/languages/c"),
  cpp: () => import("highlight.js/lib/languages/cpp"),
  csharp: () => import("highlight.js/lib/languages/csharp"),
  css: () => import("highlight.js/lib/languages/css"),
  diff: () => import("highlight.js/lib/languages/diff"),
  dockerfile: () => import("highlight.js/lib/languages/dockerfile"),
  go: () => import("highlight.js/lib/languages/go"),
  graphql: () => import("highlight.js/lib/languages/graphql"),
  ini: () => import("highlight.js/lib/languages/ini"),
  java: () => import("highlight.js/lib/languages/java"),
  javascript: () => import("highlight.js/lib/languages/javascript"),
  json: () => import("highlight.js/lib/languages/json"),
  kotlin: () => import("highlight.js/lib/languages/kotlin"),
  lua: () => import("highlight.js/lib/languages/lua"),
  makefile: () => import("highlight.js/lib/languages/makefile"),
  markdown: () => import("highlight.js/lib/languages/markdown"),
  php: () => import("highlight.js/lib/languages/php"),
  python: () => import("highlight.js/lib/languages/python"),
  r: () => import("highlight.js/lib/languages/r"),
  ruby: () => import("highlight.js/lib/languages/ruby"),
  rust: () => import("highlight.js/lib/languages/rust"),
  scss: () => import("highlight.js/lib/languages/scss"),
  sql: () => import("highlight.js/lib/languages/sql"),
  swift: () => import("highlight.js/lib/languages/swift"),
  typescript: () => import("highlight.js/lib/languages/typescript"),
  xml: () => import("highlight.js/lib/languages/xml"),
  yaml: () => import("highlight.js/lib/languages/yaml"),
};

const ALIASES: Record<string, string> = {
  js: "javascript",
  jsx: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  node: "javascript",
  ts: "typescript",
  tsx: "typescript",
  mts: "typescript",
  py: "python",
  python3: "python",
  sh: "bash",
  shell: "bash",
  zsh: "bash",
  console: "bash",
  "c++": "cpp",
  cc: "cpp",
  h: "c",
  cs: "csharp",
  "c#": "csharp",
  docker: "dockerfile",
  golang: "go",
  toml: "ini",
  jsonc: "json",
  json5: "json",
  kt: "kotlin",
  make: "makefile",
  md: "markdown",
  rb: "ruby",
  rs: "rust",
  html: "xml",
  svg: "xml",
  vue: "xml",
  yml: "yaml",
  postgres: "sql",
  postgresql: "sql",
  sqlite: "sql",
  patch: "diff",
};

/** Longer blocks stay plain: highlighting them would hold up the page for little benefit. */
const MAX_HIGHLIGHT_CHARS = 20_000;
const loading = new Map<string, Promise<boolean>>();

/** The grammar a code block's info string names, if there is one for it. */
export function grammarOf(lang: string): string | null {
  const name = ALIASES[lang.toLowerCase()] ?? lang.toLowerCase();
  return Object.hasOwn(GRAMMARS, name) ? name : null;
}

/** Fetches and registers a grammar once; resolves false if it cannot be had. */
export function loadGrammar(name: string): Promise<boolean> {
  if (lowlight.registered(name)) return Promise.resolve(true);
  let pending = loading.get(name);
  if (!pending) {
    const grammar = GRAMMARS[name];
    pending = grammar
      ? grammar().then(
          (mod) => {
            lowlight.register(name, mod.default);
            return true;
          },
          () => {
            // Offline or a failed chunk: leave the block plain, try again next time.
            loading.delete(name);
            return false;
          },
        )
      : Promise.resolve(false);
    loading.set(name, pending);
  }
  return pending;
}

/** Highlighted DOM nodes for `code`, or null while the grammar is not loaded (or never will be). */
export function highlightedNodes(code: string, name: string | null): Node[] | null {
  if (!name || !lowlight.registered(name) || code.length > MAX_HIGHLIGHT_CHARS) return null;
  const out: Node[] = [];
  for (const child of lowlight.highlight(name, code).children) out.push(toDom(child as ElementContent));
  return out;
}

/** Only highlight.js's own class names (`hljs-keyword`, `hljs-title function_`) are kept. */
const TOKEN_CLASS = /^(hljs-[a-z_-]+|[a-z]+_)$/;

function toDom(node: ElementContent): Node {
  if (node.type === "text") return document.createTextNode(node.value);
  if (node.type !== "element") return document.createTextNode("");
  const span = document.createElement("span");
  const classes = (node.properties.className as string[] | undefined) ?? [];
  for (const c of classes) if (TOKEN_CLASS.test(c)) span.classList.add(c);
  for (const child of node.children) span.appendChild(toDom(child));
  return span;
}
