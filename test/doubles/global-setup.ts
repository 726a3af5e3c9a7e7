// Vitest globalSetup: starts the AI providers' test doubles once per run on free ports and hands
// their URLs to the test projects as `inject("geminiUrl")` and `inject("openaiUrl")`
// (vitest.config.ts binds them to GEMINI_BASE_URL and, with /v1, OPENAI_BASE_URL). Nothing here
// reaches Google or OpenAI.
import type { TestProject } from "vitest/node";
import { GeminiDouble } from "../gemini-double";
import { OpenAiDouble } from "../openai-double";

declare module "vitest" {
  interface ProvidedContext {
    geminiUrl: string;
    openaiUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const gemini = new GeminiDouble();
  const openai = new OpenAiDouble();
  project.provide("geminiUrl", await gemini.start());
  project.provide("openaiUrl", await openai.start());
  return async () => {
    await Promise.all([gemini.stop(), openai.stop()]);
  };
}
