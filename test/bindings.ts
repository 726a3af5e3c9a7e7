// Bindings every workerd test project gets on top of wrangler.toml: the secrets a deployment
// sets with `wrangler secret put`, and limits small enough to exercise in a test.
export const testBindings = {
  JWT_SECRET: "test-jwt-secret-which-is-long-enough-for-hs256",
  ADMIN_TOKEN: "test-admin-token",
  DUMMY_CHUNK_DELAY_MS: "5",
  FLUSH_DELAY_MS: "250",
};
