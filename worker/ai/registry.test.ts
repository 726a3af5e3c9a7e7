// Which provider answers a character: by its model name, else the first provider configured,
// and the dummy wherever the chosen provider is not configured. Pure: no network.
import { describe, expect, it } from "vitest";
import { readConfig } from "../../shared/config";
import { MODEL_NAME, providerFor } from "./registry";

const none = readConfig({});
const gemini = readConfig({ GEMINI_API_KEYS: "proj:abc", GEMINI_BASE_URL: "http://127.0.0.1:1", GEMINI_MODEL: "gemini-2.5-pro" });
const openai = readConfig({ OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: "http://127.0.0.1:1/v1/", OPENAI_MODEL: "local-llama" });
const bothEnv = { GEMINI_API_KEYS: "abc", OPENAI_API_KEY: "sk-test" };
const both = readConfig(bothEnv);

describe("providerFor", () => {
  it("uses the dummy provider when no key is configured or GEMINI_API_KEYS is blank", () => {
    expect(providerFor(none.ai, null).provider.name).toBe("dummy");
    expect(providerFor(readConfig({ GEMINI_API_KEYS: " , " }).ai, null).provider.name).toBe("dummy");
    expect(providerFor(none.ai, "openai:gpt-4o").provider.name).toBe("dummy");
  });

  it("uses Gemini as soon as one key is configured, with GEMINI_MODEL unless the character names one", () => {
    expect(providerFor(gemini.ai, null)).toMatchObject({ provider: { name: "gemini", leasesKeys: true }, model: "gemini-2.5-pro" });
    expect(providerFor(gemini.ai, "gemini-2.0-flash").model).toBe("gemini-2.0-flash");
    expect(providerFor(readConfig({ GEMINI_API_KEYS: "abc", GEMINI_MODEL: "" }).ai, null).model).toBe("gemini-2.5-flash");
  });

  it("sends a character whose model is openai:<model> to the OpenAI-compatible endpoint", () => {
    expect(providerFor(both.ai, "openai:gpt-4o")).toMatchObject({ provider: { name: "openai", leasesKeys: false }, model: "gpt-4o" });
    expect(providerFor(openai.ai, "openai")).toMatchObject({ provider: { name: "openai" }, model: "local-llama" });
    // Without Gemini keys the endpoint is the default; a gemini-… character gets the dummy.
    expect(providerFor(openai.ai, null)).toMatchObject({ provider: { name: "openai" }, model: "local-llama" });
    expect(providerFor(openai.ai, "gemini-2.5-flash").provider.name).toBe("dummy");
    expect(openai.ai.openai.baseUrl).toBe("http://127.0.0.1:1/v1");
  });

  it("parses an env once, and builds its providers once rather than per job", () => {
    expect(readConfig(bothEnv)).toBe(both);
    expect(providerFor(both.ai, null).provider).toBe(providerFor(readConfig(bothEnv).ai, "gemini-x").provider);
  });

  it("streams the dummy reply without delay when DUMMY_CHUNK_DELAY_MS is not a number", async () => {
    const { provider } = providerFor(readConfig({ DUMMY_CHUNK_DELAY_MS: "soon" }).ai, null);
    const request = { model: "m", systemPrompt: "", contents: [{ role: "user" as const, text: "Ann: hi" }], maxOutputTokens: 50 };
    const chunks: string[] = [];
    for await (const chunk of provider.stream(request, new AbortController().signal)) chunks.push(chunk);
    expect(chunks.join("")).toContain("Ann");
  });
});

describe("MODEL_NAME", () => {
  it("accepts the model names of the providers it knows, and nothing else", () => {
    for (const ok of ["gemini-2.5-flash", "openai", "openai:gpt-4o-mini", "openai:meta-llama/Llama-3.1-8B"])
      expect(MODEL_NAME.test(ok)).toBe(true);
    for (const bad of ["gpt-4o", "Gemini-2.5", "openai:", "openai:has space", "gemini-", "x gemini-2.5-flash"])
      expect(MODEL_NAME.test(bad)).toBe(false);
  });
});
