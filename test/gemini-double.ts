// A stand-in for the Gemini API, for tests: a plain Node HTTP server speaking Gemini's real
// REST wire format (POST /{version}/models/{model}:streamGenerateContent?alt=sse and
// :generateContent, x-goog-api-key auth, google.rpc error bodies), so the real @google/genai
// SDK is exercised end to end. What it answers is scripted per API key, one step per call;
// the server, the scripts, the request log and the /__control API are test/doubles/server.ts.
import type { IncomingMessage, ServerResponse } from "node:http";
import { answer, DoubleServer, end, json, pause, readBody } from "./doubles/server";
import {
  blockedPromptChunk,
  blockedReplyChunk,
  errorBody,
  inlineParts,
  invalidKeyBody,
  missingKeyBody,
  type RecordedRequest,
  type Step,
  sseEvent,
  textChunk,
} from "./gemini/wire";

export type { RecordedRequest, Step } from "./gemini/wire";

const ROUTE = /^\/([^/]+)\/models\/([^/:]+):(streamGenerateContent|generateContent)$/;

export class GeminiDouble extends DoubleServer<Step, RecordedRequest> {
  protected async serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
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
    const record = this.track(
      { method: method as RecordedRequest["method"], apiVersion, model, key: key ?? null, body, inline: inlineParts(body) },
      res,
    );

    if (!key) return answer(record, res, 403, missingKeyBody());
    // A naming convention stands in for Google's key registry.
    if (key.startsWith("invalid-")) return answer(record, res, 400, invalidKeyBody());

    const step = this.nextStep(key, () => ({ kind: "reply", chunks: defaultReply(body) }));
    record.step = step.kind;
    const streaming = method === "streamGenerateContent";
    if (step.kind === "error") {
      const headers: Record<string, string> = step.retryAfter ? { "retry-after": step.retryAfter } : {};
      // Some proxies relabel Google's JSON as text; the SDK then nests it inside its own body.
      if (step.plainText) headers["content-type"] = "text/plain";
      return answer(record, res, step.status, errorBody(step.status, model, step), headers);
    }
    if (!streaming) return answer(record, res, 200, unaryResponse(step, model));
    await this.stream(step, model, res, record);
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
      const usage = step.kind === "reply" && step.usage ? step.usage : { prompt: 12, output: chunks.length };
      const ok = await send(textChunk(text, model, last ? finalReason : undefined, last && finalReason ? usage : undefined));
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
}

/** A reply that shows what the model was asked, so tests can see the context arrived: the last
 * turn's text, then what files came with it ("[got image/png, 97 bytes]"). */
function defaultReply(body: unknown): string[] {
  const contents = (body as { contents?: { parts?: { text?: string }[] }[] }).contents ?? [];
  const last = contents[contents.length - 1]?.parts?.map((p) => p.text ?? "").join("") ?? "";
  const files = inlineParts({ contents: contents.slice(-1) }).map((f) => ` [got ${f.mimeType}, ${f.size} bytes]`);
  return ["Double ", "reply ", "to: ", last.slice(0, 200), ...files];
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
