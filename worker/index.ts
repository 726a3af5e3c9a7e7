// The Worker's entry: HTTP through the Hono app, the consumers of the generate queue and its
// dead-letter queue, and the Durable Object classes the runtime instantiates by name.
import type { DeadJob, GenerateJob } from "../shared/jobs";
import { flushedAtEnd } from "../shared/metrics";
import { createApp } from "./app";
import { consumeDeadLetters } from "./queue/dead-letter";
import { consumeGenerate } from "./queue/generate";

export { ChatRoom } from "../durable-objects/chat-room/chat-room";
export { KeyPool } from "../durable-objects/key-pool/key-pool";
export { Metrics } from "../durable-objects/metrics/metrics";
export { RateLimiter } from "../durable-objects/rate-limiter";
export { Sessions } from "../durable-objects/sessions";
export { UserChannel } from "../durable-objects/user-channel/user-channel";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env) =>
    flushedAtEnd(() =>
      batch.queue.endsWith("-dlq")
        ? consumeDeadLetters(batch as MessageBatch<DeadJob>, env)
        : consumeGenerate(batch as MessageBatch<GenerateJob>, env),
    ),
} satisfies ExportedHandler<Env, GenerateJob | DeadJob>;
