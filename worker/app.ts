// The Hono app, assembled in one place from one sub-app per resource: the API under /api,
// and /metrics for Prometheus beside it. Every response carries the security headers.

import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { log, redactUrl, withLogContext } from "../shared/log";
import { metrics } from "../shared/metrics";
import { securityHeaders } from "../shared/security-headers";
import { openStore } from "../shared/store";
import { requireAdmin } from "./auth/admin";
import { requireAuth } from "./auth/middleware";
import { badRequest, errorBody, onError, tooLarge } from "./errors";
import { drainUnreadBody, limitBody } from "./lib/drain-body";
import { router } from "./lib/openapi";
import { adminRoutes } from "./routes/admin";
import { attachmentRoutes, isUpload } from "./routes/attachments";
import { authRoutes } from "./routes/auth";
import { channelRoutes } from "./routes/channel";
import { characterRoutes } from "./routes/characters";
import { mountDocs } from "./routes/docs";
import { healthRoutes } from "./routes/health";
import { messageEditRoutes } from "./routes/message-edits";
import { messageRoutes } from "./routes/messages";
import { metricsRoutes } from "./routes/metrics";
import { peopleRoutes } from "./routes/people";
import { realtimeRoutes } from "./routes/realtime";
import { roomMember } from "./routes/room-access";
import { roomCreateRoutes } from "./routes/room-create";
import { roomRoutes } from "./routes/rooms";
import { searchRoutes } from "./routes/search";
import { sessionRoutes } from "./routes/sessions";
import { usageRoutes } from "./routes/usage";
import type { AppEnv } from "./types";

/** On every response but a 101: the same policy as the app's pages and assets. */
const SECURITY_HEADERS = Object.entries(securityHeaders());

/** JSON bodies are small: a message is at most MAX_MESSAGE_CHARS. Refused before parsing. */
const MAX_BODY_BYTES = 64 * 1024;

/** The pattern of the endpoint a request reached (/api/rooms/:id), never its raw path: ids
 * in a metric label would make a new series per room. Middleware patterns are skipped. */
function routePattern(c: Context): string {
  const endpoint = matchedRoutes(c).findLast((r) => r.method !== "ALL");
  return endpoint?.path ?? "unmatched";
}

/** A request id on every log line and response; one access-log line and metric per request. */
function requestContext(): MiddlewareHandler<AppEnv> {
  return async function requestContext(c, next) {
    const requestId = c.req.header("CF-Ray") ?? crypto.randomUUID();
    c.set("requestId", requestId);
    // Opened on its first call: many requests never touch the store.
    c.set("store", openStore(c.env));
    const started = Date.now();
    try {
      await withLogContext({ requestId }, next);
    } finally {
      const ms = Date.now() - started;
      log.info("request", { requestId, method: c.req.method, url: redactUrl(c.req.url), status: c.res.status, ms });
      metrics.httpRequest(routePattern(c), c.req.method, c.res.status, ms / 1000);
      // A 101 carries the WebSocket; its headers must stay as the Durable Object made them.
      if (c.res.status !== 101) {
        c.res.headers.set("X-Request-Id", requestId);
        // A route may set a stricter one of its own (an attachment's sandboxing CSP): kept.
        for (const [name, value] of SECURITY_HEADERS) if (!c.res.headers.has(name)) c.res.headers.set(name, value);
      }
    }
  };
}

export function createApp() {
  const api = router();
  const limit = limitBody(MAX_BODY_BYTES, () => {
    throw tooLarge(`Request bodies are limited to ${MAX_BODY_BYTES / 1024} KiB.`);
  });
  // Uploads have their own, larger limit (routes/attachments.ts), checked after membership.
  api.use("*", (c, next) => (isUpload(c.req.method, c.req.path) ? next() : limit(c, next)));
  // No id, name, cursor or search holds a NUL (and Postgres text cannot): refused up front.
  api.use("*", (c, next) => {
    if (c.req.url.includes("%00")) throw badRequest("The address contains a NUL character (%00).");
    return next();
  });
  // Who may reach what, declared once: every route but health, docs, register and login
  // needs a token; every /rooms/:id route needs membership (404 unknown room, 403 non-member).
  for (const path of [
    "/me",
    "/me/*",
    "/auth/refresh",
    "/auth/logout",
    "/auth/logout-all",
    "/auth/password",
    "/auth/sessions",
    "/auth/sessions/*",
    "/characters",
    "/characters/*",
    "/rooms",
    "/rooms/*",
    "/search",
    "/people",
    "/users/*",
  ])
    api.use(path, requireAuth());
  api.use("/rooms/:id", roomMember());
  api.use("/rooms/:id/*", roomMember());
  api.use("/admin/*", requireAdmin());
  api.route("/", healthRoutes);
  api.route("/", authRoutes);
  api.route("/", sessionRoutes);
  api.route("/", characterRoutes);
  api.route("/", searchRoutes);
  api.route("/", peopleRoutes);
  api.route("/", realtimeRoutes);
  api.route("/", channelRoutes);
  api.route("/", roomCreateRoutes);
  api.route("/", roomRoutes);
  api.route("/", messageRoutes);
  api.route("/", attachmentRoutes);
  api.route("/", messageEditRoutes);
  api.route("/", adminRoutes);
  api.route("/", usageRoutes);
  mountDocs(api);
  api.notFound((c) => c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}.`), 404));
  api.onError(onError);

  const app = router();
  // On the root app, so /metrics (outside /api) gets a request id, a log line and a count too.
  app.use("*", requestContext());
  // A refusal must not leave the request body unread: see lib/drain-body.ts.
  app.use("*", drainUnreadBody());
  app.use("/metrics", requireAdmin());
  app.route("/", metricsRoutes);
  app.route("/api", api);
  app.notFound((c) => c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}.`), 404));
  app.onError(onError);
  return app;
}
