// The Gemini double (test/gemini-double.ts, the same one the tests use) run inside the
// benchmark's own Node process, so the AI phase needs no network and no key budget. Node strips
// the TypeScript types itself; the double's imports name no extension (as the tests' bundler
// allows), so a resolve hook retries a relative import with ".ts".
import { registerHooks } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const repo = resolve(dirname(new URL(import.meta.url).pathname), "..");
let hooked = false;

function hookTypeScript() {
  if (hooked) return;
  hooked = true;
  registerHooks({
    resolve(specifier, context, next) {
      try {
        return next(specifier, context);
      } catch (err) {
        if (!specifier.startsWith(".") || /\.[cm]?[jt]s$/.test(specifier)) throw err;
        return next(`${specifier}.ts`, context);
      }
    },
  });
}

/** Starts the double on a free loopback port: { double, baseUrl }. */
export async function startGeminiDouble() {
  hookTypeScript();
  const { GeminiDouble } = await import(pathToFileURL(join(repo, "test", "gemini-double.ts")).href);
  const double = new GeminiDouble();
  const baseUrl = await double.start();
  return { double, baseUrl };
}
