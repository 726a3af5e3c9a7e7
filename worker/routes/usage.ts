// AI budgets, as people and operators see them: GET /api/me/usage (your tokens today, per room,
// your daily limit and when it resets) and GET /api/admin/usage (everyone's, behind
// ADMIN_TOKEN; the guard is declared in app.ts). Both read the KeyPool, which counts tokens
// per person, room and UTC day (durable-objects/key-pool/usage.ts).
import { createRoute, z } from "@hono/zod-openapi";
import { keyPool } from "../../durable-objects/key-pool/key-pool";
import { ErrorBody } from "../../shared/schemas";
import { bearer, commonErrors, jsonReply, router } from "../lib/openapi";

const RoomTokens = z.object({ roomId: z.string(), tokens: z.number().int() });

const MyUsage = z
  .object({
    day: z.string().openapi({ description: "The UTC day, YYYY-MM-DD" }),
    tokens: z.number().int().openapi({ description: "AI tokens your messages used today (prompt and reply)" }),
    limit: z.number().nullable().openapi({ description: "AI_DAILY_TOKENS_PER_PERSON; null when there is none" }),
    remaining: z.number().nullable(),
    resetsAt: z.string().openapi({ format: "date-time", description: "The next UTC midnight" }),
    rooms: z.array(RoomTokens),
  })
  .openapi("MyUsage");

const UsageReport = z
  .object({
    day: z.string(),
    resetsAt: z.string(),
    limits: z.object({ perPerson: z.number().nullable(), perRoom: z.number().nullable() }),
    people: z.array(
      z.object({
        userId: z.string(),
        tokens: z.number().int(),
        promptTokens: z.number().int(),
        outputTokens: z.number().int(),
        requests: z.number().int(),
        rooms: z.array(RoomTokens),
      }),
    ),
  })
  .openapi("UsageReport");

export const usageRoutes = router()
  .openapi(
    createRoute({
      method: "get",
      path: "/me/usage",
      tags: ["Accounts"],
      summary: "Your AI usage today and what is left of your daily budget",
      security: bearer,
      responses: { 200: jsonReply(z.object({ usage: MyUsage }), "Today's usage"), ...commonErrors },
    }),
    async (c) => c.json({ usage: await keyPool(c.env).usageOf(c.get("session").id) }, 200),
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/admin/usage",
      tags: ["Operations"],
      summary: "Everyone's AI usage on a day (operator token)",
      security: [{ adminToken: [] }],
      request: {
        query: z.object({
          day: z
            .string()
            .regex(/^\d{4}-\d{2}-\d{2}$/, "a UTC day, YYYY-MM-DD")
            // A day the calendar has: 2026-02-30 is not 2026-03-02.
            .refine((day) => {
              const at = new Date(`${day}T00:00:00Z`);
              return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(day);
            }, "a UTC day, YYYY-MM-DD")
            .optional(),
        }),
      },
      responses: {
        200: jsonReply(UsageReport, "Tokens per person and room, most first"),
        400: { content: { "application/json": { schema: ErrorBody } }, description: "Not a day" },
        401: { content: { "application/json": { schema: ErrorBody } }, description: "Missing or wrong ADMIN_TOKEN" },
      },
    }),
    async (c) => c.json(await keyPool(c.env).usageReport(c.req.valid("query").day), 200),
  );
