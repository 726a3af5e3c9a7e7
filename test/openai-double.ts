// A stand-in for an OpenAI-compatible chat-completions endpoint, for tests: a plain Node HTTP
// server speaking the real wire format (POST /v1/chat/completions with `stream: true`, bearer
// auth, `chat.completion.chunk` events ending in `data: [DONE]`, OpenAI's error bodies and
// Retry-After), so the provider's own fetch and SSE parsing are exercised end to end. What it
// answers is scripted per model name, one step per call (see doubles/server.ts).
import type { IncomingMessage, ServerResponse } from "node:http";
import { answer, DoubleServer, end, json, pause, readBody } from "./doubles/server";
import { chunk, errorBody, type RecordedRequest, type Step, sseEvent } from "./openai/wire";

export type { RecordedRequest, Step } from "./openai/wire";

type Body = { model?: string; messages?: { role: string; content: string }[] };

export class OpenAiDouble extends DoubleServer<Step, RecordedRequest> {
  protected async serve(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== "POST" || url.pathname !== "/v1/chat/completions") {
      return json(res, 404, errorBody(404, `Unknown request URL: ${req.method} ${url.pathname}`));
    }
    let body: Body;
    try {
      body = JSON.parse(await readBody(req)) as Body;
    } catch {
      return json(res, 400, errorBody(400, "We could not parse the JSON body of your request."));
    }
    const model = body.model ?? "";
    const apiKey = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? null;
    const record = this.track({ model, key: model, apiKey, body }, res);
    if (!apiKey) return answer(record, res, 401, errorBody(401, "You didn't provide an API key."));
    if (apiKey.startsWith("invalid-")) return answer(record, res, 401, errorBody(401, "Incorrect API key provided.", "invalid_api_key"));

    const step = this.nextStep(model, () => ({ kind: "reply", chunks: defaultReply(body) }));
    record.step = step.kind;
    if (step.kind === "error") {
      return answer(
        record,
        res,
        step.status,
        errorBody(step.status, step.message),
        step.retryAfter ? { "retry-after": step.retryAfter } : {},
      );
    }
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
    res.flushHeaders();
    const send = async (payload: unknown) => {
      if ((step.delayMs ?? 0) > 0) await pause(step.delayMs ?? 0, res);
      if (res.destroyed) return false;
      res.write(sseEvent(payload));
      return true;
    };
    if (!(await send(chunk(model, { role: "assistant", content: "" })))) return;
    for (const text of step.chunks) if (!(await send(chunk(model, { content: text })))) return;
    if (step.kind === "drop") {
      if ((step.delayMs ?? 0) > 0) await pause(step.delayMs ?? 0, res);
      // Counted as completed: the cut is what the script asked for, not a client abort.
      record.completed = true;
      res.socket?.destroy();
      return;
    }
    if (step.stall) return; // stays open until the client gives up; 'close' marks it aborted
    await send(chunk(model, {}, step.finishReason ?? "stop"));
    await send("[DONE]");
    end(record, res);
  }
}

/** A reply that shows what the model was asked, so tests can see the context arrived. */
function defaultReply(body: Body): string[] {
  const last = body.messages?.at(-1)?.content ?? "";
  return ["Double ", "reply ", "to: ", last.slice(0, 200)];
}
