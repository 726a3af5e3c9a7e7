// What the AI providers' test doubles share: a plain Node HTTP server on 127.0.0.1 whose answers
// are scripted per key (an API key, or a model name, as each double chooses), one step per
// call, with every request recorded, including whether the client hung up before the end.
// Tests inside workerd cannot call into this process, so the same control is offered over
// HTTP under /__control (see control.ts for the client). Each double speaks its provider's
// real wire format in `serve`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Scripts under this key apply to any key that has no script of its own. */
export const ANY_KEY = "*";

/** What every double records about a request's end. */
export type Ending = { status: number; aborted: boolean; completed: boolean };
type Tracked = Ending & { id: number; key: string | null; step: string };

export abstract class DoubleServer<Step, Recorded extends Tracked> {
  private server: Server | undefined;
  private readonly scripts = new Map<string, Step[]>();
  private readonly log: Recorded[] = [];
  private nextId = 1;

  /** Starts listening on 127.0.0.1 (port 0 = any free port); resolves to the base URL. */
  async start(port = 0): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end(String(err));
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    const { port: bound } = server.address() as AddressInfo;
    return `http://127.0.0.1:${bound}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Queues steps for calls made with `key` (or ANY_KEY); each call consumes one step. */
  script(key: string, ...steps: Step[]): void {
    this.scripts.set(key, [...(this.scripts.get(key) ?? []), ...steps]);
  }

  requests(key?: string): Recorded[] {
    return this.log.filter((r) => key === undefined || r.key === key);
  }

  /** Forgets scripts and recorded requests, for one key or for all. */
  reset(key?: string): void {
    if (key === undefined) {
      this.scripts.clear();
      this.log.length = 0;
      return;
    }
    this.scripts.delete(key);
    for (let i = this.log.length - 1; i >= 0; i--) if (this.log[i]?.key === key) this.log.splice(i, 1);
  }

  /** The next scripted step for `key`, else `fallback` (a default reply). */
  protected nextStep(key: string, fallback: () => Step): Step {
    for (const name of [key, ANY_KEY]) {
      const step = this.scripts.get(name)?.shift();
      if (step) return step;
    }
    return fallback();
  }

  /** Records a request (its step is "auth" until a script step is taken), and notices when the
   * client hangs up before the response ends. */
  protected track(fields: Omit<Recorded, "id" | "step" | "status" | "aborted" | "completed">, res: ServerResponse): Recorded {
    const record = { ...fields, id: this.nextId++, step: "auth", status: 200, aborted: false, completed: false } as Recorded;
    this.log.push(record);
    res.on("close", () => {
      if (!res.writableEnded && !record.completed) record.aborted = true;
    });
    return record;
  }

  /** Answers one provider request in the provider's wire format. */
  protected abstract serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://double");
    if (url.pathname.startsWith("/__control/")) return this.control(req, res, url);
    return this.serve(req, res, url);
  }

  private async control(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.slice("/__control/".length);
    const key = url.searchParams.get("key") ?? undefined;
    if (req.method === "GET" && path === "requests") return json(res, 200, { requests: this.requests(key) });
    if (req.method === "GET" && path === "health") return json(res, 200, { ok: true });
    if (req.method === "POST" && path === "script") {
      const input = JSON.parse(await readBody(req)) as { key?: string; steps?: Step[] };
      this.script(input.key ?? ANY_KEY, ...(input.steps ?? []));
      return json(res, 200, { ok: true });
    }
    if (req.method === "POST" && path === "reset") {
      await readBody(req);
      this.reset(key);
      return json(res, 200, { ok: true });
    }
    json(res, 404, { error: `no control route ${req.method} ${path}` });
  }
}

export function end(record: Ending, res: ServerResponse): void {
  if (res.destroyed) return;
  record.completed = true;
  res.end();
}

/** Answers with a JSON body and records the status. */
export function answer(record: Ending, res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  record.status = status;
  record.completed = true;
  json(res, status, payload, headers);
}

export function json(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers });
  res.end(JSON.stringify(payload));
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

/** Waits `ms`, or less if the client hangs up: no timer outlives its connection. */
export function pause(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off("close", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    res.on("close", done);
  });
}
