// The Worker's entry: HTTP through the Hono app, the consumers of the generate queue and its
// dead-letter queue, and the Durable Object classes the runtime instantiates by name.
// Every isolate evaluates this module before it can answer, a Durable Object's too, so it
// imports nothing it does not need at once: the app (its routes, and the zod schemas they
// validate with) is built on an isolate's first request, and each consumer is imported on its
// queue's first batch.
import type { DeadJob, GenerateJob } from "../shared/jobs";
import { flushedAtEnd } from "../shared/metrics";

export { ChatRoom } from "../durable-objects/chat-room/chat-room";
export { KeyPool } from "../durable-objects/key-pool/key-pool";
export { Metrics } from "../durable-objects/metrics/metrics";
export { RateLimiter } from "../durable-objects/rate-limiter";
export { Sessions } from "../durable-objects/sessions";
export { UserChannel } from "../durable-objects/user-channel/user-channel";

let app: ReturnType<typeof buildApp> | undefined;
const buildApp = () => import("./app").then(({ createApp }) => createApp());

export default {
  async fetch(request, env, ctx) {
    app ??= buildApp();
    return (await app).fetch(request, env, ctx);
  },
  queue: (batch, env) =>
    flushedAtEnd(async () => {
      if (batch.queue.endsWith("-dlq")) {
        const { consumeDeadLetters } = await import("./queue/dead-letter");
        return consumeDeadLetters(batch as MessageBatch<DeadJob>, env);
      }
      const { consumeGenerate } = await import("./queue/generate");
      return consumeGenerate(batch as MessageBatch<GenerateJob>, env);
    }),
} satisfies ExportedHandler<Env, GenerateJob | DeadJob>;
