// Which provider answers a character, and which model names a character may give. Adding a
// provider is a file beside this one with its ProviderEntry, a line in PROVIDERS, and its
// settings in shared/config.ts. Without any configured, the built-in dummy answers (no
// network), so local dev, tests and load tests run offline.
import type { AiConfig } from "../../shared/config";
import { createDummyProvider } from "./dummy";
import { geminiEntry } from "./gemini";
import { openAiEntry } from "./openai";
import type { ChatProvider, ProviderEntry } from "./provider";

/** The real providers; a character without a model gets the first one configured. */
const PROVIDERS: readonly ProviderEntry[] = [geminiEntry, openAiEntry];

const whole = (pattern: string) => new RegExp(`^(?:${pattern})$`);
const CLAIMS = PROVIDERS.map((entry) => ({ entry, pattern: whole(entry.modelPattern) }));

/** The model names a character may give (null: the deployment's default). */
export const MODEL_NAME = whole(PROVIDERS.map((p) => p.modelPattern).join("|"));
export const MODEL_NAME_HINT = `Write the model as ${PROVIDERS.map((p) => p.modelHint).join(", or ")}`;

type Built = { configured: Map<ProviderEntry, { provider: ChatProvider; defaultModel: string }>; dummy: ChatProvider };
/** Built once per configuration (itself parsed once per env, see shared/config.ts). */
const built = new WeakMap<AiConfig, Built>();

function providers(ai: AiConfig): Built {
  let b = built.get(ai);
  if (!b) {
    b = { configured: new Map(), dummy: createDummyProvider({ chunkDelayMs: ai.dummyChunkDelayMs }) };
    for (const entry of PROVIDERS) {
      const provider = entry.create(ai);
      if (provider) b.configured.set(entry, provider);
    }
    built.set(ai, b);
  }
  return b;
}

/**
 * The provider that answers a character, and the model to ask it for. A model name picks its
 * provider (`gemini-…`, `openai:…`); null picks the first provider configured, with its
 * default model. A provider that is not configured is stood in for by the dummy.
 */
export function providerFor(ai: AiConfig, characterModel: string | null): { provider: ChatProvider; model: string } {
  const { configured, dummy } = providers(ai);
  const named = characterModel ? CLAIMS.find((c) => c.pattern.test(characterModel))?.entry : undefined;
  if (named && characterModel)
    return { provider: configured.get(named)?.provider ?? dummy, model: named.upstreamModel(characterModel, ai) };
  const [first] = configured.values();
  return first ? { provider: first.provider, model: first.defaultModel } : { provider: dummy, model: ai.gemini.model };
}

/** The configured provider that leases its keys from the KeyPool, if any. */
export function leasingProvider(ai: AiConfig): ChatProvider | undefined {
  return [...providers(ai).configured.values()].find((c) => c.provider.leasesKeys)?.provider;
}

/** The configured providers, in PROVIDERS order. */
export function configuredProviders(ai: AiConfig): ChatProvider[] {
  return [...providers(ai).configured.values()].map((c) => c.provider);
}
