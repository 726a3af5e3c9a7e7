// Vitest globalSetup: starts the Gemini test double once per run on a free port and hands
// its URL to the test projects as `inject("geminiUrl")` (the AI project binds it to
// GEMINI_BASE_URL). Nothing here reaches Google.
import type { TestProject } from "vitest/node";
import { GeminiDouble } from "./gemini-double";

declare module "vitest" {
  interface ProvidedContext {
    geminiUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const double = new GeminiDouble();
  const url = await double.start();
  project.provide("geminiUrl", url);
  return () => double.stop();
}
