// Bindings that `wrangler types` cannot see because they are optional: the AI providers' keys
// and endpoints (none means the dummy AI; see README, Configuration), Hyperdrive (absent means
// D1), and the migrations tests apply.
// Merged into the generated interface behind both `Env` and `Cloudflare.Env`.
interface __BaseEnv_Env {
  GEMINI_API_KEYS?: string;
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  OPENAI_MODEL?: string;
  HYPERDRIVE?: Hyperdrive;
  TOKEN_TTL_SECONDS?: string;
  TEST_MIGRATIONS?: { name: string; queries: string[] }[];
}
