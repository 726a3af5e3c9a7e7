// When the room gives up on an AI job that shows no sign of life, so that one lost job never
// blocks the room's replies (it writes one at a time). A reply being written hears from its
// consumer all along: its poll (`alive`, noted every 10 s) and each chunk, and a retry
// scheduled when the provider went quiet for its inactivity timeout (30 s). A minute of silence, twice that, then means the consumer is
// gone (a crashed or restarted worker), and the reply fails with a Regenerate on it instead of
// "Writing…" for longer than anyone waits. A job waiting in the queue, for its first delivery or for a
// retry at `retryAt`, may sit behind a backlog: it gets ten minutes past when it was due.
import type { AiJobs, JobRow } from "./ai-jobs";

/** Silence after which a reply being written is given up. */
export const STREAMING_STALE_MS = 60_000;
/** How late past its due time a job waiting in the queue may be. */
export const QUEUED_STALE_MS = 10 * 60_000;

/** When `job` goes stale: its last sign of life plus the grace for what it is doing, or, waiting
 * for a retry at `retryAt` (epoch ms), that retry plus the queue's grace. */
export function staleAt(job: Pick<JobRow, "state" | "touched_at">, retryAt: number | undefined): number {
  if (job.state === "queued" || retryAt !== undefined) return Math.max(job.touched_at, retryAt ?? 0) + QUEUED_STALE_MS;
  return job.touched_at + STREAMING_STALE_MS;
}

/** The active jobs stale at `now` (held retries never are), and when the first of the others
 * goes stale: the next look, rather than a whole timeout from now. */
export function staleJobs(jobs: AiJobs, retryAtOf: (replySeq: number) => string | undefined, now: number) {
  const stale: JobRow[] = [];
  let next: number | undefined;
  for (const job of jobs.untouchedSince()) {
    if (jobs.isHeld(job.job_id)) continue;
    const retryAt = job.reply_seq === null ? undefined : retryAtOf(job.reply_seq);
    const at = staleAt(job, retryAt ? Date.parse(retryAt) : undefined);
    if (at <= now) stale.push(job);
    else next = Math.min(next ?? at, at);
  }
  return { stale, next };
}
