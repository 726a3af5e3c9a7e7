// GET /metrics: Prometheus text format for the whole deployment, behind ADMIN_TOKEN (the guard
// is declared in app.ts). Counters and histograms come from the Metrics object, which every
// isolate reports to; the AI keys' gauges are read from the KeyPool at scrape time, so they
// cost nothing between scrapes. Keys appear only masked to their last 4 characters.
import { keyPool } from "../../durable-objects/key-pool/key-pool";
import { readConfig } from "../../shared/config";
import { log } from "../../shared/log";
import { metricsObject } from "../../shared/metrics";
import { keyGauges, poolInUse } from "../ai";
import { router } from "../lib/openapi";

export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export const metricsRoutes = router().get("/metrics", async (c) => {
  const keys = poolInUse(readConfig(c.env).ai)
    ? keyPool(c.env)
        .status()
        .then((status) => keyGauges(status))
        .catch((err) => {
          // The counters are still worth a scrape; the key gauges go missing for this one.
          log.warn("metrics_key_pool_failed", { error: String(err).slice(0, 300) });
          return "";
        })
    : "";
  const [body, keyText] = await Promise.all([metricsObject(c.env).render(), keys]);
  return c.body(body + keyText, 200, { "Content-Type": CONTENT_TYPE, "Cache-Control": "no-store" });
});
