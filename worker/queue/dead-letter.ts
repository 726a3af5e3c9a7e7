// The dead-letter queue's consumer: a job that exhausted its retries ends here, and its reply
// is marked `error` with a reason people can read, so nobody waits on a reply that won't come.
import type { GenerateJob } from "../../durable-objects/room-ai";
import { log } from "../lib/log";

export type DeadJob = GenerateJob & { reason?: string; attempt?: string };

export async function consumeDeadLetters(batch: MessageBatch<DeadJob>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const job = message.body;
    try {
      const stub = env.CHAT_ROOM.get(env.CHAT_ROOM.idFromName(job.roomId));
      const why = job.reason ? ` (${job.reason.replace(/\.$/, "")})` : "";
      await stub.finishReply(job.jobId, job.attempt ?? null, {
        status: "error",
        error: `The AI couldn't answer after several tries${why}. Try regenerating the reply.`,
      });
      log.warn("generate_failed", { jobId: job.jobId, roomId: job.roomId, reason: job.reason });
      message.ack();
    } catch (err) {
      log.error("dead_letter_failed", { jobId: job.jobId, error: String(err) });
      message.retry({ delaySeconds: 5 });
    }
  }
}
