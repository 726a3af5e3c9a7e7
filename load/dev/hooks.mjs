// Module resolution hooks for the shim: "k6" and "k6/<module>" resolve to load/dev/k6/.
const shims = new URL("./k6/", import.meta.url);

export async function resolve(specifier, context, next) {
  if (specifier === "k6") return { url: new URL("index.mjs", shims).href, shortCircuit: true };
  if (specifier.startsWith("k6/")) return { url: new URL(`${specifier.slice(3)}.mjs`, shims).href, shortCircuit: true };
  return next(specifier, context);
}
