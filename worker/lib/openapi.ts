// Small helpers for declaring routes with @hono/zod-openapi: the same zod schemas validate
// requests and generate /api/openapi.json.
import { OpenAPIHono, z } from "@hono/zod-openapi";
import { ErrorBody } from "../../shared/schemas";
import { badRequest } from "../errors";
import type { AppEnv } from "../types";

export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const details = result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
        const first = details[0];
        throw badRequest(first ? `${first.path || "body"}: ${first.message}` : "Invalid input.", details);
      }
    },
  });
}

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});

export const jsonReply = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { "application/json": { schema } },
  description,
});

const err = (description: string) => ({ content: { "application/json": { schema: ErrorBody } }, description });

/** The error replies most authenticated routes share, for the docs. */
export const commonErrors = {
  400: err("Invalid input"),
  401: err("Missing, invalid or expired token"),
  403: err("Not allowed"),
  404: err("Unknown id"),
  409: err("Conflict"),
  429: err("Rate limited (see Retry-After)"),
  503: err("The history store is unavailable (`store_unavailable`, see Retry-After); retry later"),
} as const;

export const bearer = [{ bearerAuth: [] }];

/** A whole number in a path or query string: decimal digits only, from `min` to `max`.
 * (`z.coerce` would also take `0x10`, `1e1`, ` 5 ` or `5.0`, none of which a client means.) */
export const wholeNumber = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === "string" && /^\d{1,16}$/.test(v) ? Number(v) : v),
    z
      .number({ error: (issue) => (issue.code === "invalid_type" ? "a whole number" : undefined) })
      .int()
      .min(min, `at least ${min}`)
      .max(max, `at most ${max}`),
  );
