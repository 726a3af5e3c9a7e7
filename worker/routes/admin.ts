// Operator endpoints under /api/admin, behind ADMIN_TOKEN (the guard is declared in app.ts).
// GET /admin/keys shows how each pooled AI key is doing, straight from the KeyPool: requests
// this minute and today, cooldowns, last success and error. Keys are masked to their last 4
// characters by the pool itself, so a full key never leaves it.
import { createRoute, z } from "@hono/zod-openapi";
import { keyPool } from "../../durable-objects/key-pool/key-pool";
import { readConfig } from "../../shared/config";
import { ErrorBody } from "../../shared/schemas";
import { PROVIDER_NAMES, poolProvider } from "../ai";
import { jsonReply, router } from "../lib/openapi";

const KeyStatus = z
  .object({
    keyId: z.string().openapi({ description: "Stable, non-secret id of the key (a short hash)" }),
    key: z.string().openapi({ description: "The key masked to its last 4 characters", example: "…a1b2" }),
    project: z.string().nullable(),
    requestsThisMinute: z.number().int(),
    requestsToday: z.number().int(),
    cooldownUntil: z.string().nullable().openapi({ description: "When the key may be used again; null when not cooling" }),
    lastUsedAt: z.string().nullable(),
    lastSuccessAt: z.string().nullable(),
    lastError: z.string().nullable(),
    lastErrorAt: z.string().nullable(),
  })
  .openapi("KeyStatus");

const KeysReply = z
  .object({
    provider: z.enum(PROVIDER_NAMES).openapi({ description: "The provider whose keys the pool holds; dummy when it holds none" }),
    keys: z.array(KeyStatus),
    limits: z.object({
      maxPerMinute: z.number().nullable(),
      maxPerDay: z.number().nullable(),
      cooldownSeconds: z.number(),
    }),
  })
  .openapi("KeyPoolStatus");

const adminToken = [{ adminToken: [] }];

export const adminRoutes = router();

adminRoutes.openAPIRegistry.registerComponent("securitySchemes", "adminToken", {
  type: "http",
  scheme: "bearer",
  description: "The operator token, ADMIN_TOKEN (not a user's JWT)",
});

adminRoutes.openapi(
  createRoute({
    method: "get",
    path: "/admin/keys",
    tags: ["Operations"],
    summary: "AI key usage and cooldowns (operator token)",
    security: adminToken,
    responses: {
      200: jsonReply(KeysReply, "Per-key usage, keys masked"),
      401: { content: { "application/json": { schema: ErrorBody } }, description: "Missing or wrong ADMIN_TOKEN" },
    },
  }),
  async (c) => {
    const status = await keyPool(c.env).status();
    return c.json({ provider: poolProvider(readConfig(c.env).ai), ...status }, 200);
  },
);
