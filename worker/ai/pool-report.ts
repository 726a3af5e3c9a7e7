// What operators are told about the AI: the health check's words, the per-key gauges on
// /metrics, and which provider /api/admin/keys speaks for. The KeyPool holds the keys of the
// provider that leases them (Gemini's, GEMINI_API_KEYS); keys appear only masked by the pool.
import type { PoolStatus } from "../../durable-objects/key-pool/key-pool";
import type { AiConfig } from "../../shared/config";
import { header, labels } from "../../shared/metrics";
import type { ProviderName } from "./provider";
import { configuredProviders, leasingProvider } from "./registry";

/** Whether a configured provider leases keys from the KeyPool (so the pool is worth asking). */
export function poolInUse(ai: AiConfig): boolean {
  return leasingProvider(ai) !== undefined;
}

/** The provider whose keys the pool holds; "dummy" when none is configured. */
export function poolProvider(ai: AiConfig): ProviderName {
  return leasingProvider(ai)?.name ?? "dummy";
}

/** The health check's `ai` line: the providers configured, and for the one leasing keys how
 * many can take a request now (not ok when none can). */
export function aiHealth(ai: AiConfig, status: PoolStatus | undefined, now = Date.now()): { ok: boolean; detail: string } {
  const parts: string[] = [];
  let ok = true;
  for (const provider of configuredProviders(ai)) {
    if (!provider.leasesKeys) parts.push(`${provider.name}: configured`);
    else if (status) {
      const keys = describeKeys(provider.name, status, now);
      ok &&= keys.ok;
      parts.unshift(keys.detail);
    }
  }
  return parts.length > 0 ? { ok, detail: parts.join("; ") } : { ok: true, detail: "dummy provider (no GEMINI_API_KEYS)" };
}

/** Not ok when no key can take a request now: each is cooling or at its project's limit. */
export function describeKeys(provider: string, { keys, limits }: PoolStatus, now = Date.now()): { ok: boolean; detail: string } {
  const blocked = (k: PoolStatus["keys"][number]) =>
    (k.cooldownUntil !== null && Date.parse(k.cooldownUntil) > now) ||
    (limits.maxPerMinute !== null && k.requestsThisMinute >= limits.maxPerMinute) ||
    (limits.maxPerDay !== null && k.requestsToday >= limits.maxPerDay);
  const free = keys.filter((k) => !blocked(k)).length;
  if (keys.length > 0 && free === 0) {
    const until = keys
      .map((k) => k.cooldownUntil)
      .filter((t): t is string => t !== null)
      .sort()[0];
    const when = until ? `; the first cooldown ends at ${until}` : "";
    const name = provider.charAt(0).toUpperCase() + provider.slice(1);
    return { ok: false, detail: `all ${keys.length} ${name} keys are cooling down or at their limits${when}` };
  }
  return { ok: true, detail: `${provider}: ${free} of ${keys.length} keys available` };
}

/** Per-key request counts and cooldowns of the pool (Gemini's keys), in the Prometheus
 * exposition format. */
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
