// The seam between the generation pipeline and whatever writes the AI's reply: a provider turns
// a request into a stream of text chunks, and every way that can fail is one of the typed
// errors in errors.ts (re-exported here, with classifyError, so callers import one module).

export type Role = "user" | "model";

export interface Turn {
  role: Role;
  text: string;
}

export interface GenerateRequest {
  model: string;
  systemPrompt: string;
  /** Alternating turns, first and last from "user" (see context.ts). */
  contents: Turn[];
  temperature?: number;
  maxOutputTokens: number;
  /** The Gemini key the KeyPool handed out; unused by the dummy provider. */
  apiKey?: string;
  /** Lets the dummy provider speak in character without parsing the system prompt. */
  characterName?: string;
}

export interface ChatProvider {
  readonly name: "gemini" | "dummy";
  /**
   * Streams the reply as it is produced. Throws only `ProviderError`s. Aborting `signal` ends
   * the upstream call promptly and makes the stream throw `AbortedError`; breaking out of the
   * loop early cancels the upstream call too.
   */
  stream(req: GenerateRequest, signal: AbortSignal): AsyncIterable<string>;
}

export { classifyError } from "./classify";
export * from "./errors";
