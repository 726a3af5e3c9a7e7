import { describe, expect, it } from "vitest";
import { createProvider, geminiModel, hasGeminiKeys } from "./index";

describe("createProvider", () => {
  it("uses the dummy provider when GEMINI_API_KEYS is missing or blank", () => {
    expect(createProvider({}).name).toBe("dummy");
    expect(createProvider({ GEMINI_API_KEYS: " , " }).name).toBe("dummy");
    expect(hasGeminiKeys({ GEMINI_API_KEYS: "" })).toBe(false);
  });

  it("uses Gemini as soon as one key is configured", () => {
    expect(createProvider({ GEMINI_API_KEYS: "proj:abc", GEMINI_BASE_URL: "http://127.0.0.1:1" }).name).toBe("gemini");
  });

  it("falls back to the default model when GEMINI_MODEL is empty", () => {
    expect(geminiModel({ GEMINI_MODEL: "" })).toBe("gemini-2.5-flash");
    expect(geminiModel({ GEMINI_MODEL: "gemini-2.5-pro" })).toBe("gemini-2.5-pro");
  });

  it("streams the dummy reply without delay when DUMMY_CHUNK_DELAY_MS is not a number", async () => {
    const provider = createProvider({ DUMMY_CHUNK_DELAY_MS: "soon" });
    const request = { model: "m", systemPrompt: "", contents: [{ role: "user" as const, text: "Ann: hi" }], maxOutputTokens: 50 };
    const chunks: string[] = [];
    for await (const chunk of provider.stream(request, new AbortController().signal)) chunks.push(chunk);
    expect(chunks.join("")).toContain("Ann");
  });
});
