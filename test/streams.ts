// A provider's side of a test: a small conversation to ask about, and reading the stream it
// answers with (everything it yields, or what it failed with).
import type { ProviderError } from "../worker/ai/errors";
import type { GenerateRequest } from "../worker/ai/provider";

/** Alice asking Nemo a question, with one earlier exchange. */
export function sampleRequest(model: string, apiKey?: string): GenerateRequest {
  return {
    model,
    systemPrompt: "You are Nemo.",
    contents: [
      { role: "user", text: "Alice: hi" },
      { role: "model", text: "Greetings." },
      { role: "user", text: "Alice: how deep are we?" },
    ],
    temperature: 0.7,
    maxOutputTokens: 256,
    ...(apiKey === undefined ? {} : { apiKey }),
  };
}

export async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const chunks: string[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

/** The error the stream ended with, and the chunks it yielded before; throws if it succeeded. */
export async function failure(stream: AsyncIterable<string>): Promise<{ error: ProviderError; chunks: string[] }> {
  const chunks: string[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk);
  } catch (error) {
    return { error: error as ProviderError, chunks };
  }
  throw new Error(`expected the stream to fail, got ${JSON.stringify(chunks)}`);
}
