// Entry point of the AI modules: picks the provider for this deployment and re-exports what
// the queue consumer needs. Without GEMINI_API_KEYS the dummy provider answers (no network),
// so local dev, tests and load tests run offline; with keys, Gemini answers, reached through
// GEMINI_BASE_URL when that is set (Cloudflare AI Gateway, or the test double).

import { parseKeys } from "../../shared/api-keys";
import { createDummyProvider } from "./dummy";
import { createGeminiProvider } from "./gemini";
import type { ChatProvider } from "./provider";

export interface AiEnv {
  /** Secret, comma-separated, `project:key` entries allowed; absent in the generated Env. */
  GEMINI_API_KEYS?: string;
  GEMINI_BASE_URL?: string;
  GEMINI_MODEL?: string;
  DUMMY_CHUNK_DELAY_MS?: string;
}

export const DEFAULT_MODEL = "gemini-2.5-flash";

export function createProvider(env: AiEnv): ChatProvider {
  if (!hasGeminiKeys(env)) {
    const delay = Number(env.DUMMY_CHUNK_DELAY_MS);
    return createDummyProvider({ chunkDelayMs: Number.isFinite(delay) ? delay : 0 });
  }
  return createGeminiProvider({ baseUrl: env.GEMINI_BASE_URL || undefined });
}

/** True when real Gemini calls are configured, i.e. when keys must come from the KeyPool. */
export function hasGeminiKeys(env: AiEnv): boolean {
  return parseKeys(env.GEMINI_API_KEYS).length > 0;
}

export function geminiModel(env: AiEnv): string {
  return env.GEMINI_MODEL || DEFAULT_MODEL;
}

export type { BuiltContext, ContextBudget, ContextCharacter, ContextMessage } from "./context";
export { buildContext, DEFAULT_BUDGET } from "./context";
export { createDummyProvider, dummyReply } from "./dummy";
export { createGeminiProvider } from "./gemini";
export * from "./provider";
