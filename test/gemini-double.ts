// A stand-in for the Gemini API, for tests: a plain Node HTTP server speaking Gemini's real
// REST wire format (POST /{version}/models/{model}:streamGenerateContent?alt=sse and
// :generateContent, x-goog-api-key auth, google.rpc error bodies), so the real @google/genai
// SDK is exercised end to end. What it answers is scripted per API key, one step per call;
// every request is recorded, including whether the client hung up before the end. Tests
// inside workerd cannot call into this process, so the same control is offered over HTTP
// under /__control (see test/gemini/control.ts for the client).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  blockedPromptChunk,
  blockedReplyChunk,
  errorBody,
  invalidKeyBody,
  missingKeyBody,
  type RecordedRequest,
  type Step,
  sseEvent,
  textChunk,
} from "./gemini/wire";

export type { RecordedRequest, Step } from "./gemini/wire";

/** Scripts under this key apply to any key that has no script of its own. */
export const ANY_KEY = "*";

const ROUTE = /^\/([^/]+)\/models\/([^/:]+):(streamGenerateContent|generateContent)$/;

export class GeminiDouble {
  private server: Server | undefined;
  private readonly scripts = new Map<string, Step[]>();
  private readonly log: RecordedRequest[] = [];
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

  requests(key?: string): RecordedRequest[] {
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

  private nextStep(key: string, body: unknown): Step {
    for (const name of [key, ANY_KEY]) {
      const queue = this.scripts.get(name);
      const step = queue?.shift();
      if (step) return step;
    }
    return { kind: "reply", chunks: defaultReply(body) };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://double");
    if (url.pathname.startsWith("/__control/")) return this.control(req, res, url);

    const route = ROUTE.exec(url.pathname);
    if (req.method !== "POST" || !route) {
      return json(res, 404, errorBody(404, "unknown", { message: `no route ${req.method} ${url.pathname}` }));
    }
    const [, apiVersion = "", model = "", method] = route;
    const raw = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return json(res, 400, errorBody(400, model, { message: "Invalid JSON payload received." }));
    }
    const header = req.headers["x-goog-api-key"];
    const key = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("key");
    const record: RecordedRequest = {
      id: this.nextId++,
      method: method as RecordedRequest["method"],
      apiVersion,
      model,
      key: key ?? null,
      body,
      step: "auth",
      status: 200,
      aborted: false,
      completed: false,
    };
    this.log.push(record);
    // 'close' before the response ended means the client went away (abort, timeout).
    res.on("close", () => {
      if (!res.writableEnded && !record.completed) record.aborted = true;
    });

    if (!key) return this.answer(record, res, 403, missingKeyBody());
    // A naming convention stands in for Google's key registry.
    if (key.startsWith("invalid-")) return this.answer(record, res, 400, invalidKeyBody());

    const step = this.nextStep(key, body);
    record.step = step.kind;
    const streaming = method === "streamGenerateContent";
    if (step.kind === "error") {
      const headers: Record<string, string> = step.retryAfter ? { "retry-after": step.retryAfter } : {};
      // Some proxies relabel Google's JSON as text; the SDK then nests it inside its own body.
      if (step.plainText) headers["content-type"] = "text/plain";
      return this.answer(record, res, step.status, errorBody(step.status, model, step), headers);
    }
    if (!streaming) return this.answer(record, res, 200, unaryResponse(step, model));
    await this.stream(step, model, res, record);
  }

  private answer(
    record: RecordedRequest,
    res: ServerResponse,
    status: number,
    payload: unknown,
    headers: Record<string, string> = {},
  ): void {
    record.status = status;
    record.completed = true;
    json(res, status, payload, headers);
  }

  private async stream(step: Exclude<Step, { kind: "error" }>, model: string, res: ServerResponse, record: RecordedRequest) {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.flushHeaders();
    const delay = step.delayMs ?? 0;
    const send = async (payload: unknown) => {
      if (delay > 0) await pause(delay, res);
      if (res.destroyed) return false;
      res.write(sseEvent(payload));
      return true;
    };

    if (step.kind === "block" && step.where === "prompt") {
      await send(blockedPromptChunk(step.reason ?? "PROHIBITED_CONTENT", model));
      return end(record, res);
    }
    const chunks = step.chunks ?? [];
    const finalReason = step.kind === "reply" && !step.stall ? (step.finishReason ?? "STOP") : undefined;
    for (const [i, text] of chunks.entries()) {
      const last = i === chunks.length - 1;
      const ok = await send(
        textChunk(text, model, last ? finalReason : undefined, last && finalReason ? { prompt: 12, output: chunks.length } : undefined),
      );
      if (!ok) return;
    }
    switch (step.kind) {
      case "reply":
        if (step.stall) return; // stays open until the client gives up; 'close' marks it aborted
        if (chunks.length === 0) await send(textChunk("", model, finalReason));
        return end(record, res);
      case "block":
        await send(blockedReplyChunk(step.reason ?? "SAFETY", model));
        return end(record, res);
      case "streamError":
        await send(errorBody(step.status, model));
        return end(record, res);
      case "drop":
        if (delay > 0) await pause(delay, res);
        // Counted as completed: the cut is what the script asked for, not a client abort.
        record.completed = true;
        res.socket?.destroy();
        return;
    }
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

/** A reply that shows what the model was asked, so tests can see the context arrived. */
function defaultReply(body: unknown): string[] {
  const contents = (body as { contents?: { parts?: { text?: string }[] }[] }).contents ?? [];
  const last = contents[contents.length - 1]?.parts?.map((p) => p.text ?? "").join("") ?? "";
  return ["Double ", "reply ", "to: ", last.slice(0, 200)];
}

function unaryResponse(step: Exclude<Step, { kind: "error" }>, model: string): unknown {
  if (step.kind === "block") {
    return step.where === "prompt"
      ? blockedPromptChunk(step.reason ?? "PROHIBITED_CONTENT", model)
      : blockedReplyChunk(step.reason ?? "SAFETY", model);
  }
  const chunks = step.chunks;
  return textChunk(chunks.join(""), model, step.kind === "reply" ? (step.finishReason ?? "STOP") : "OTHER", {
    prompt: 12,
    output: chunks.length,
  });
}

function end(record: RecordedRequest, res: ServerResponse): void {
  if (res.destroyed) return;
  record.completed = true;
  res.end();
}

function json(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers });
  res.end(JSON.stringify(payload));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on("data", (part: Buffer) => parts.push(part));
    req.on("end", () => resolve(Buffer.concat(parts).toString("utf8")));
    req.on("error", reject);
  });
}

/** Waits `ms`, or less if the client hangs up: no timer outlives its connection. */
function pause(ms: number, res: ServerResponse): Promise<void> {
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
