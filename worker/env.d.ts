// Bindings that `wrangler types` cannot see because they are optional: the Gemini keys (no
// keys means the dummy AI), Hyperdrive (absent means D1), and the migrations tests apply.
// Merged into the generated interface behind both `Env` and `Cloudflare.Env`.
interface __BaseEnv_Env {
  GEMINI_API_KEYS?: string;
  HYPERDRIVE?: Hyperdrive;
  TOKEN_TTL_SECONDS?: string;
  TEST_MIGRATIONS?: { name: string; queries: string[] }[];
}
