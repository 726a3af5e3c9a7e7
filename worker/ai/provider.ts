// The seam between the generation pipeline and whatever writes the AI's reply: a provider turns
// a request into a stream of text chunks, and every way that can fail is one of the typed
// errors in errors.ts (re-exported here, with classifyError, so callers import one module).
// Each real provider also describes itself to the registry (index.ts) with a ProviderEntry.
import type { AiConfig } from "../../shared/config";

export type Role = "user" | "model";

export interface Turn {
  role: Role;
  text: string;
  /** Files the model sees with this turn (images, PDFs, text), their bytes inline. */
  files?: InlineFile[];
}

/** An attachment as a provider receives it: what it is, and its bytes in base64. */
export interface InlineFile {
  name: string;
  mimeType: string;
  size: number;
  width?: number;
  height?: number;
  data: string;
}

/** Tokens one call used, as the provider reports them (Gemini's usageMetadata). */
export interface Usage {
  promptTokens: number;
  outputTokens: number;
  totalTokens: number;
}

export interface GenerateRequest {
  model: string;
  systemPrompt: string;
  /** Alternating turns, first and last from "user" (see context.ts). */
  contents: Turn[];
  temperature?: number;
  maxOutputTokens: number;
  /** The key the KeyPool handed out, for a provider that leases its keys (see `leasesKeys`). */
  apiKey?: string;
  /** Lets the dummy provider speak in character without parsing the system prompt. */
  characterName?: string;
  /** Told the call's token usage when the provider reports it (at the end of the stream). */
  onUsage?: (usage: Usage) => void;
}

export const PROVIDER_NAMES = ["gemini", "openai", "dummy"] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export interface ChatProvider {
  readonly name: ProviderName;
  /** Whether every call needs a key leased from the KeyPool (passed as `apiKey`); a provider
   * that does not lease carries its own credentials. */
  readonly leasesKeys: boolean;
  /**
   * Streams the reply as it is produced. Throws only `ProviderError`s. Aborting `signal` ends
   * the upstream call promptly and makes the stream throw `AbortedError`; breaking out of the
   * loop early cancels the upstream call too.
   */
  stream(req: GenerateRequest, signal: AbortSignal): AsyncIterable<string>;
}

/** How the registry (index.ts) knows a provider: which character models are its, and how to
 * build it from the configuration (null when it is not configured, e.g. no key). */
export interface ProviderEntry {
  readonly name: ProviderName;
  /** A regular-expression source for the model names a character may give for this provider. */
  readonly modelPattern: string;
  /** Those names in words, for the error that refuses any other (e.g. "gemini-…"). */
  readonly modelHint: string;
  /** The model to ask for, from a character's model name that matched `modelPattern`. */
  upstreamModel(characterModel: string, ai: AiConfig): string;
  create(ai: AiConfig): { provider: ChatProvider; defaultModel: string } | null;
}

export { classifyError } from "./classify";
export * from "./errors";
