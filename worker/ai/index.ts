// The provider seam, as the rest of the Worker sees it: everything outside worker/ai imports
// from here, and only worker/ai names a provider (Gemini, the OpenAI-compatible endpoint, the
// dummy). registry.ts picks the provider for a character; pool-report.ts describes the KeyPool's
// keys to operators (health, /metrics, /api/admin/keys).
export type { BuiltContext, ContextBudget, ContextCharacter, ContextMessage, ContextTurn } from "./context";
export { buildContext, DEFAULT_BUDGET } from "./context";
export { createDummyProvider, dummyReply } from "./dummy";
export { createGeminiProvider } from "./gemini";
export { createOpenAiProvider } from "./openai";
export { aiHealth, describeKeys, keyGauges, poolInUse, poolProvider } from "./pool-report";
export * from "./provider";
export { MODEL_NAME, MODEL_NAME_HINT, providerFor } from "./registry";
