// Helpers for tests of /metrics: scrape it through the Worker's real fetch handler, read one
// sample out of the exposition text, and wait until a sample moves. Metrics reach the Metrics
// object up to five seconds after the event (isolates batch them), so tests poll, never sleep.
import { env, exports } from "cloudflare:workers";
import { vi } from "vitest";
import { BASE } from "./helpers";

export async function scrape(token: string | null = env.ADMIN_TOKEN): Promise<Response> {
  return exports.default.fetch(new Request(`${BASE}/metrics`, { headers: token ? { Authorization: `Bearer ${token}` } : {} }));
}

/** The value of the sample `name{labels}` (labels exactly as rendered), or 0 when absent. */
export function sample(text: string, name: string, labels = ""): number {
  const series = labels ? `${name}{${labels}}` : name;
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

export async function read(name: string, labels = ""): Promise<number> {
  const res = await scrape();
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return sample(await res.text(), name, labels);
}

/** Polls /metrics until `name{labels}` satisfies `ok`; returns the exposition text then. */
export async function waitForSample(name: string, labels: string, ok: (value: number) => boolean, timeout = 15_000): Promise<string> {
  return vi.waitFor(
    async () => {
      const text = await (await scrape()).text();
      const value = sample(text, name, labels);
      if (!ok(value)) throw new Error(`${name}{${labels}} is ${value}`);
      return text;
    },
    { timeout, interval: 200 },
  );
}
