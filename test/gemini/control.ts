// Client for the Gemini double's /__control API, for tests that run inside workerd and can
// reach the double (a Node process) only over HTTP. Give every test its own API key: scripts
// and recorded requests are per key, so test files running side by side do not collide.
import type { RecordedRequest, Step } from "./wire";

export type { RecordedRequest, Step } from "./wire";

export class DoubleControl {
  constructor(readonly baseUrl: string) {}

  /** Queues steps for calls made with `key`; each call consumes one, then the default reply. */
  async script(key: string, ...steps: Step[]): Promise<void> {
    await this.call("POST", "script", { key, steps });
  }

  async requests(key: string): Promise<RecordedRequest[]> {
    const res = await this.call("GET", `requests?key=${encodeURIComponent(key)}`);
    return ((await res.json()) as { requests: RecordedRequest[] }).requests;
  }

  async reset(key?: string): Promise<void> {
    await this.call("POST", key === undefined ? "reset" : `reset?key=${encodeURIComponent(key)}`, {});
  }

  /**
   * Polls until some request for `key` satisfies `match` (the double learns about a client
   * hanging up a moment after the client does). Gives up after `attempts` polls.
   */
  async waitForRequest(key: string, match: (r: RecordedRequest) => boolean, attempts = 200): Promise<RecordedRequest> {
    for (let i = 0; i < attempts; i++) {
      const found = (await this.requests(key)).find(match);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`the Gemini double saw no matching request for ${key}`);
  }

  private async call(method: "GET" | "POST", path: string, body?: unknown): Promise<Response> {
    const res = await fetch(`${this.baseUrl}/__control/${path}`, {
      method,
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`Gemini double control ${path}: HTTP ${res.status} ${await res.text()}`);
    return res;
  }
}

let counter = 0;

/** A key no other test uses (the double accepts any key not starting with "invalid-"). */
export function uniqueKey(label = "test"): string {
  counter += 1;
  return `${label}-${counter}-${crypto.randomUUID().slice(0, 8)}`;
}
