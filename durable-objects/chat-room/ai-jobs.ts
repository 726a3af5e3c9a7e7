// The room's generation jobs in its SQLite (the `ai_jobs` table), and the AI's two notes in
// `meta`: the follow-up waiting for the current job, and retries held past the queue's longest
// delay. In storage, not memory, so a job's state survives eviction: a stopped reply stays
// stopped, and a redelivered job is recognised. At most one job is queued or running.
import type { GenerateJob } from "../../shared/jobs";

export type JobState = "queued" | "running" | "done" | "stopped" | "failed";
export type JobRow = {
  job_id: string;
  trigger_seq: number;
  character_id: string;
  reply_seq: number | null;
  state: JobState;
  attempt: string | null;
  /** When it last moved (queued, claimed, a chunk written), epoch ms. */
  touched_at: number;
};

const ACTIVE = "state IN ('queued', 'running')";

export class AiJobs {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS ai_jobs (
      job_id TEXT PRIMARY KEY, trigger_seq INTEGER NOT NULL, character_id TEXT NOT NULL,
      reply_seq INTEGER, state TEXT NOT NULL, attempt TEXT, created_at INTEGER NOT NULL,
      touched_at INTEGER NOT NULL DEFAULT 0)`);
    sql.exec("CREATE INDEX IF NOT EXISTS ai_jobs_reply ON ai_jobs(reply_seq)");
  }

  /** A new job; with `replySeq` it writes a new version of that reply rather than a new one. */
  insert(job: GenerateJob, now: number, replySeq?: number): void {
    this.sql.exec(
      "INSERT INTO ai_jobs (job_id, trigger_seq, character_id, reply_seq, state, created_at, touched_at) VALUES (?, ?, ?, ?, 'queued', ?, ?)",
      job.jobId,
      job.triggerSeq,
      job.characterId,
      replySeq ?? null,
      now,
      now,
    );
  }

  get(jobId: string): JobRow | undefined {
    return this.sql.exec<JobRow>("SELECT * FROM ai_jobs WHERE job_id = ?", jobId).toArray()[0];
  }

  /** The job, if `attempt` is the delivery currently writing it. */
  current(jobId: string, attempt: string): JobRow | undefined {
    const job = this.get(jobId);
    return job && job.state === "running" && job.attempt === attempt ? job : undefined;
  }

  /** Whether a job is queued or running. */
  active(): boolean {
    return this.sql.exec(`SELECT 1 FROM ai_jobs WHERE ${ACTIVE} LIMIT 1`).toArray().length > 0;
  }

  /** The queued or running job writing the reply `seq`. */
  writing(seq: number): JobRow | undefined {
    return this.sql.exec<JobRow>(`SELECT * FROM ai_jobs WHERE reply_seq = ? AND ${ACTIVE}`, seq).toArray()[0];
  }

  /** Active jobs nobody has touched since `cutoff` (every active job without one). */
  untouchedSince(cutoff = Number.POSITIVE_INFINITY): JobRow[] {
    return this.sql.exec<JobRow>(`SELECT * FROM ai_jobs WHERE ${ACTIVE} AND touched_at < ?`, cutoff).toArray();
  }

  /** The reply seq of the first finished job triggered by `seq` or a later message. */
  finishedReplyFrom(seq: number): number | undefined {
    return this.sql
      .exec<{ reply_seq: number }>(
        `SELECT reply_seq FROM ai_jobs WHERE trigger_seq >= ? AND reply_seq IS NOT NULL AND NOT ${ACTIVE} ORDER BY trigger_seq LIMIT 1`,
        seq,
      )
      .toArray()[0]?.reply_seq;
  }

  claim(jobId: string, replySeq: number, attempt: string): void {
    this.sql.exec(
      "UPDATE ai_jobs SET state = 'running', reply_seq = ?, attempt = ?, touched_at = ? WHERE job_id = ?",
      replySeq,
      attempt,
      Date.now(),
      jobId,
    );
  }

  end(jobId: string, state: "done" | "failed" | "stopped", replySeq: number): void {
    this.sql.exec("UPDATE ai_jobs SET state = ?, reply_seq = ? WHERE job_id = ?", state, replySeq, jobId);
  }

  touch(jobId: string): void {
    this.sql.exec("UPDATE ai_jobs SET touched_at = ? WHERE job_id = ?", Date.now(), jobId);
  }

  /** A sign of life that comes often (the consumer's poll), written at most every `everyMs`. */
  touchIfOlder(job: JobRow, everyMs: number): void {
    if (Date.now() - job.touched_at >= everyMs) this.touch(job.job_id);
  }

  /** A message arrived while a job was in flight: one follow-up answers the latest of them. */
  addFollowUp(triggerSeq: number): void {
    this.setMeta("followup", String(Math.max(triggerSeq, Number(this.meta("followup") ?? 0))));
  }

  /** The follow-up's trigger seq (0 when none), forgotten once taken. */
  takeFollowUp(): number {
    const next = Number(this.meta("followup") ?? 0);
    if (next) this.setMeta("followup", null);
    return next;
  }

  /** Keeps a job whose retry the room's alarm holds (see RoomAi.holdJob). */
  hold(job: GenerateJob): void {
    this.setMeta(`requeue:${job.jobId}`, JSON.stringify(job));
  }

  isHeld(jobId: string): boolean {
    return this.meta(`requeue:${jobId}`) !== undefined;
  }

  /** The held job, forgotten once taken. */
  takeHeld(jobId: string): GenerateJob | null {
    const job = JSON.parse(this.meta(`requeue:${jobId}`) ?? "null") as GenerateJob | null;
    this.setMeta(`requeue:${jobId}`, null);
    return job;
  }

  private meta(key: string): string | undefined {
    return this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", `ai:${key}`).toArray()[0]?.value;
  }

  private setMeta(key: string, value: string | null): void {
    if (value === null) this.sql.exec("DELETE FROM meta WHERE key = ?", `ai:${key}`);
    else this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", `ai:${key}`, value);
  }
}
