// GET /metrics: Prometheus text format for the whole deployment, behind ADMIN_TOKEN (the guard
// is declared in app.ts). Counters and histograms come from the Metrics object, which every
// isolate reports to; the Gemini key gauges are read from the KeyPool at scrape time, so they
// cost nothing between scrapes. Keys appear only masked to their last 4 characters.
import { keyPool, type PoolStatus } from "../../durable-objects/key-pool/key-pool";
import { log } from "../../shared/log";
import { header, labels, metricsObject } from "../../shared/metrics";
import { hasGeminiKeys } from "../ai";
import { router } from "../lib/openapi";

export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Per-key request counts and cooldowns, in the exposition format. */
export function keyGauges(status: PoolStatus, now = Date.now()): string {
  const out: string[] = [];
  const id = (k: PoolStatus["keys"][number]) => ({ key_id: k.keyId, key: k.key, project: k.project ?? "" });
  header(
    out,
    "parlor_gemini_key_requests",
    "gauge",
    "Requests counted against a Gemini key's project in the last minute and today (quota day).",
  );
  for (const k of status.keys) {
    out.push(`parlor_gemini_key_requests{${labels({ ...id(k), window: "minute" })}} ${k.requestsThisMinute}`);
    out.push(`parlor_gemini_key_requests{${labels({ ...id(k), window: "day" })}} ${k.requestsToday}`);
  }
  header(
    out,
    "parlor_gemini_key_cooldown_seconds",
    "gauge",
    "Seconds until a cooling Gemini key may be used again; 0 when it is not cooling.",
  );
  for (const k of status.keys) {
    const left = k.cooldownUntil ? Math.max(0, (Date.parse(k.cooldownUntil) - now) / 1000) : 0;
    out.push(`parlor_gemini_key_cooldown_seconds{${labels(id(k))}} ${left}`);
  }
  return `${out.join("\n")}\n`;
}

export const metricsRoutes = router().get("/metrics", async (c) => {
  const keys = hasGeminiKeys(c.env)
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
