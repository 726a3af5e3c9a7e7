// The dead-letter queue's consumer: a job that exhausted its retries ends here, and its reply
// is marked `error` with a reason people can read, so nobody waits on a reply that won't come.
import { chatRoom } from "../../durable-objects/chat-room/chat-room";
import type { DeadJob } from "../../shared/jobs";
import { log } from "../../shared/log";

export async function consumeDeadLetters(batch: MessageBatch<DeadJob>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const job = message.body;
    try {
      const stub = chatRoom(env, job.roomId);
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
