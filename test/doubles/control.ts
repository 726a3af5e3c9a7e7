// Client for a test double's /__control API (doubles/server.ts), for tests that run inside
// workerd and can reach the double (a Node process) only over HTTP. Give every test its own
// key (an API key for the Gemini double, a model name for the OpenAI-compatible one): scripts
// and recorded requests are per key, so test files running side by side do not collide.

export class DoubleControl<Step, Recorded> {
  constructor(
    readonly baseUrl: string,
    private readonly name = "the test double",
  ) {}

  /** Queues steps for calls made with `key`; each call consumes one, then the default reply. */
  async script(key: string, ...steps: Step[]): Promise<void> {
    await this.call("POST", "script", { key, steps });
  }

  async requests(key: string): Promise<Recorded[]> {
    const res = await this.call("GET", `requests?key=${encodeURIComponent(key)}`);
    return ((await res.json()) as { requests: Recorded[] }).requests;
  }

  async reset(key?: string): Promise<void> {
    await this.call("POST", key === undefined ? "reset" : `reset?key=${encodeURIComponent(key)}`, {});
  }

  /**
   * Polls until some request for `key` satisfies `match` (the double learns about a client
   * hanging up a moment after the client does). Gives up after `attempts` polls.
   */
  async waitForRequest(key: string, match: (r: Recorded) => boolean, attempts = 200): Promise<Recorded> {
    for (let i = 0; i < attempts; i++) {
      const found = (await this.requests(key)).find(match);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`${this.name} saw no matching request for ${key}`);
  }

  private async call(method: "GET" | "POST", path: string, body?: unknown): Promise<Response> {
    const res = await fetch(`${this.baseUrl}/__control/${path}`, {
      method,
      headers: body === undefined ? undefined : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${this.name} control ${path}: HTTP ${res.status} ${await res.text()}`);
    return res;
  }
}

let counter = 0;

/** A key no other test uses (the doubles accept any key not starting with "invalid-"). */
export function uniqueKey(label = "test"): string {
  counter += 1;
  return `${label}-${counter}-${crypto.randomUUID().slice(0, 8)}`;
}
