// The AI side of a ChatRoom. It decides when a message triggers a reply, keeps at most one
// generation in flight (triggers that arrive meanwhile coalesce into one follow-up), hands
// jobs to the `generate` queue, and takes the streamed reply back from the queue consumer
// through begin / append / finish, keyed by jobId so a redelivered job yields one reply.
// Job state lives in SQLite: it survives eviction, and a stopped reply stays stopped.
import type { GenerateJob } from "../shared/jobs";
import { log } from "../shared/log";
import type { AiMode, Message, ServerFrame } from "../shared/wire";
import type { RoomLog } from "./room-log";
import type { Timers } from "./timers";

export type RoomConfig = {
  roomId: string;
  characterId: string | null;
  characterName: string | null;
  aiMode: AiMode;
  /** The room's updatedAt (epoch ms): an older config never replaces a newer one. */
  version?: number;
};
export type ActionError = { code: string; message: string };

type JobState = "queued" | "running" | "done" | "stopped" | "failed";
type JobRow = {
  job_id: string;
  trigger_seq: number;
  character_id: string;
  reply_seq: number | null;
  state: JobState;
  attempt: string | null;
};

/** What the consumer needs to write a reply: the reply's seq and the conversation so far. */
export type Begun = { ok: true; seq: number; attempt: string; history: Message[] } | { ok: false; reason: string };

const CONTEXT_MESSAGES = 60;
const WATCHDOG = "ai-watchdog";
/** A job untouched this long is given up: far beyond any retry ladder step we configure. */
const STALE_MS = 10 * 60_000;
const ACTIVE = "state IN ('queued', 'running')";

export class RoomAi {
  private readonly waiters = new Map<number, ((reply: Message | null) => void)[]>();

  constructor(
    private readonly env: Env,
    private readonly log: RoomLog,
    private readonly timers: Timers,
    private readonly broadcast: (frame: ServerFrame) => void,
    private readonly room: () => RoomConfig | null,
    private readonly flushSoon: () => Promise<void>,
    private readonly sql: SqlStorage,
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS ai_jobs (
      job_id TEXT PRIMARY KEY, trigger_seq INTEGER NOT NULL, character_id TEXT NOT NULL,
      reply_seq INTEGER, state TEXT NOT NULL, attempt TEXT, created_at INTEGER NOT NULL,
      touched_at INTEGER NOT NULL DEFAULT 0)`);
    sql.exec("CREATE INDEX IF NOT EXISTS ai_jobs_reply ON ai_jobs(reply_seq)");
  }

  /** A user message arrived: reply to it if the room's AI mode says so. Returns whether a
   * reply is coming (now, or as part of a coalesced follow-up). */
  async onUserMessage(message: Message): Promise<boolean> {
    const room = this.room();
    if (!room?.characterId || room.aiMode === "off") return false;
    if (room.aiMode === "mention" && !mentions(message.content, room.characterName)) return false;
    await this.trigger(message.seq);
    return true;
  }

  /** Starts a job, or, while one is in flight, leaves a follow-up for when it finishes. */
  private async trigger(triggerSeq: number): Promise<void> {
    const room = this.room();
    if (!room?.characterId) return;
    if (this.active()) {
      this.setMeta("followup", String(Math.max(triggerSeq, Number(this.meta("followup") ?? 0))));
      return;
    }
    const job: GenerateJob = { jobId: crypto.randomUUID(), roomId: room.roomId, triggerSeq, characterId: room.characterId };
    const now = Date.now();
    this.sql.exec(
      "INSERT INTO ai_jobs (job_id, trigger_seq, character_id, state, created_at, touched_at) VALUES (?, ?, ?, 'queued', ?, ?)",
      job.jobId,
      triggerSeq,
      job.characterId,
      now,
      now,
    );
    try {
      await this.env.GENERATE_QUEUE.send(job);
    } catch (err) {
      // The message stays acked; only its reply is lost. Say so rather than leave a job that
      // blocks every later reply.
      log.error("generate_enqueue_failed", { roomId: room.roomId, jobId: job.jobId, error: String(err).slice(0, 300) });
      await this.finish(job.jobId, null, { status: "error", error: "The AI couldn't be reached. Try regenerating the reply." });
      return;
    }
    await this.timers.schedule(WATCHDOG, now + STALE_MS);
  }

  // ---- The consumer's side -------------------------------------------------------------

  /** Claims a job for one delivery. A redelivery of a finished or stopped job is refused; a
   * redelivery of a running one takes over (the older attempt's appends are then refused)
   * and restarts the reply's text, so the room never holds two replies to one job. */
  begin(jobId: string): Begun {
    const job = this.job(jobId);
    if (!job) return { ok: false, reason: "unknown job" };
    if (job.state !== "queued" && job.state !== "running") return { ok: false, reason: `job is ${job.state}` };
    const attempt = crypto.randomUUID();
    let seq = job.reply_seq;
    if (seq === null) {
      const reply = this.newReply(job, "streaming");
      seq = reply.seq;
      this.broadcastMessage(reply);
    } else {
      this.broadcastMessage(this.log.update(seq, { content: "", status: "streaming", streamIndex: 0, retryAt: null, error: null }));
    }
    this.sql.exec(
      "UPDATE ai_jobs SET state = 'running', reply_seq = ?, attempt = ?, touched_at = ? WHERE job_id = ?",
      seq,
      attempt,
      Date.now(),
      jobId,
    );
    const history = this.log.upTo(job.trigger_seq, CONTEXT_MESSAGES);
    return { ok: true, seq, attempt, history };
  }

  /** Streams a chunk to the room. Returns false when the consumer must stop (the reply was
   * stopped, or a newer delivery of the job took over). */
  append(jobId: string, attempt: string, text: string): boolean {
    const job = this.current(jobId, attempt);
    if (!job || job.reply_seq === null) return false;
    // Postgres text cannot hold NUL; model output is not ours to trust.
    const index = this.log.appendText(job.reply_seq, text.replaceAll("\u0000", ""));
    this.touch(jobId);
    this.broadcast({ type: "delta", seq: job.reply_seq, index, text });
    return true;
  }

  /** True while the job should keep going (polled by the consumer between chunks). */
  alive(jobId: string, attempt: string): boolean {
    return this.current(jobId, attempt) !== undefined;
  }

  /** The attempt failed and will be retried at `retryAt`: say so on the message. */
  retrying(jobId: string, attempt: string, retryAt: number, reason: string): void {
    const job = this.current(jobId, attempt);
    if (!job || job.reply_seq === null) return;
    this.touch(jobId);
    this.broadcastMessage(this.log.update(job.reply_seq, { retryAt, error: reason }));
  }

  async finish(jobId: string, attempt: string | null, outcome: { status: "complete" } | { status: "error"; error: string }): Promise<void> {
    const job = this.job(jobId);
    if (!job || (attempt !== null && job.attempt !== attempt) || (job.state !== "running" && job.state !== "queued")) return;
    let seq = job.reply_seq;
    // Failed before it began (e.g. dead-lettered): still leave a visible, explained reply.
    if (seq === null) seq = this.newReply(job, "error").seq;
    const final =
      outcome.status === "complete"
        ? this.log.update(seq, { status: "complete", retryAt: null, error: null })
        : this.log.update(seq, { status: "error", retryAt: null, error: outcome.error });
    this.sql.exec(
      "UPDATE ai_jobs SET state = ?, reply_seq = ? WHERE job_id = ?",
      outcome.status === "complete" ? "done" : "failed",
      seq,
      jobId,
    );
    this.broadcastMessage(final);
    this.settle(job.trigger_seq, final ?? null);
    await this.flushSoon();
    await this.followUp();
  }

  // ---- People's controls -----------------------------------------------------------------

  /** Stops a streaming reply. Stored before it is acknowledged; the consumer notices on its
   * next append or poll and aborts the upstream request. */
  async stop(seq: number): Promise<ActionError | undefined> {
    const message = this.log.get(seq);
    const job = this.sql.exec<JobRow>(`SELECT * FROM ai_jobs WHERE reply_seq = ? AND ${ACTIVE}`, seq).toArray()[0];
    if (message?.author.kind !== "ai") return { code: "not_found", message: "No AI reply with that seq." };
    if (!job || message.status !== "streaming") return { code: "not_streaming", message: "That reply is not being written." };
    this.sql.exec("UPDATE ai_jobs SET state = 'stopped' WHERE job_id = ?", job.job_id);
    const final = this.log.update(seq, { status: "stopped", retryAt: null, error: null });
    this.broadcastMessage(final);
    this.settle(job.trigger_seq, final ?? null);
    await this.flushSoon();
    await this.followUp();
    return undefined;
  }

  /** Writes a new reply to the message an AI reply answered. */
  async regenerate(seq: number): Promise<ActionError | undefined> {
    const message = this.log.get(seq);
    if (message?.author.kind !== "ai" || message.replyTo === undefined) {
      return { code: "not_found", message: "No AI reply with that seq." };
    }
    if (!this.room()?.characterId) return { code: "no_character", message: "This room has no AI character." };
    if (this.active()) return { code: "busy", message: "A reply is already being written; stop it first." };
    await this.trigger(message.replyTo);
    return undefined;
  }

  /** Resolves with the first final reply to `seq` or a later message (a coalesced follow-up
   * answers several), or null after `timeoutMs`. */
  waitForReply(seq: number, timeoutMs: number): Promise<Message | null> {
    const done = this.sql
      .exec<{ reply_seq: number }>(
        `SELECT reply_seq FROM ai_jobs WHERE trigger_seq >= ? AND reply_seq IS NOT NULL AND NOT ${ACTIVE} ORDER BY trigger_seq LIMIT 1`,
        seq,
      )
      .toArray()[0];
    if (done) return Promise.resolve(this.log.get(done.reply_seq) ?? null);
    return new Promise((resolve) => {
      const list = this.waiters.get(seq) ?? [];
      this.waiters.set(seq, list);
      const settle = (reply: Message | null) => {
        clearTimeout(timer);
        resolve(reply);
      };
      const timer = setTimeout(() => {
        const rest = (this.waiters.get(seq) ?? []).filter((w) => w !== settle);
        if (rest.length) this.waiters.set(seq, rest);
        else this.waiters.delete(seq);
        resolve(null);
      }, timeoutMs);
      list.push(settle);
    });
  }

  async onTimer(name: string): Promise<void> {
    if (name === WATCHDOG) return this.watchdog();
    // A retry delay longer than the queue allows is held here and re-sent when due.
    if (!name.startsWith("requeue:")) return;
    const job = JSON.parse(this.meta(name) ?? "null") as GenerateJob | null;
    this.setMeta(name, null);
    if (job && this.job(job.jobId)?.state === "running") await this.env.GENERATE_QUEUE.send(job);
  }

  async holdJob(job: GenerateJob, at: number): Promise<void> {
    const name = `requeue:${job.jobId}`;
    this.setMeta(name, JSON.stringify(job));
    await this.timers.schedule(name, at);
  }

  // ---- Internals -------------------------------------------------------------------------

  /** Fails jobs nobody has worked on for STALE_MS (a lost queue message, a dead consumer), so
   * one lost job can never block a room's replies for good. Held retries are not stale. */
  private async watchdog() {
    const cutoff = Date.now() - STALE_MS;
    const stale = this.sql.exec<JobRow>(`SELECT * FROM ai_jobs WHERE ${ACTIVE} AND touched_at < ?`, cutoff).toArray();
    for (const job of stale) {
      if (this.meta(`requeue:${job.job_id}`)) continue;
      log.warn("generate_stale", { roomId: this.room()?.roomId, jobId: job.job_id, state: job.state });
      await this.finish(job.job_id, null, { status: "error", error: "The AI didn't answer in time. Try regenerating the reply." });
    }
    if (this.active()) await this.timers.schedule(WATCHDOG, Date.now() + STALE_MS);
  }

  private touch(jobId: string) {
    this.sql.exec("UPDATE ai_jobs SET touched_at = ? WHERE job_id = ?", Date.now(), jobId);
  }

  private async followUp() {
    const next = Number(this.meta("followup") ?? 0);
    if (!next || this.active()) return;
    this.setMeta("followup", null);
    try {
      await this.trigger(next);
    } catch (err) {
      log.error("followup_enqueue_failed", { roomId: this.room()?.roomId, error: String(err) });
    }
  }

  private newReply(job: JobRow, status: "streaming" | "error"): Message {
    return this.log.append({
      author: { kind: "ai", id: job.character_id, name: this.room()?.characterName ?? "Assistant" },
      content: "",
      status,
      replyTo: job.trigger_seq,
      jobId: job.job_id,
    });
  }

  private settle(triggerSeq: number, reply: Message | null) {
    for (const [seq, list] of this.waiters) {
      if (seq > triggerSeq) continue;
      for (const resolve of list) resolve(reply);
      this.waiters.delete(seq);
    }
  }

  private broadcastMessage(message: Message | undefined) {
    if (message) this.broadcast({ type: "message", message });
  }

  private active(): boolean {
    return this.sql.exec(`SELECT 1 FROM ai_jobs WHERE ${ACTIVE} LIMIT 1`).toArray().length > 0;
  }

  private job(jobId: string): JobRow | undefined {
    return this.sql.exec<JobRow>("SELECT * FROM ai_jobs WHERE job_id = ?", jobId).toArray()[0];
  }

  private current(jobId: string, attempt: string): JobRow | undefined {
    const job = this.job(jobId);
    return job && job.state === "running" && job.attempt === attempt ? job : undefined;
  }

  private meta(key: string): string | undefined {
    return this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", `ai:${key}`).toArray()[0]?.value;
  }

  private setMeta(key: string, value: string | null) {
    if (value === null) this.sql.exec("DELETE FROM meta WHERE key = ?", `ai:${key}`);
    else this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", `ai:${key}`, value);
  }
}

/** `@Name` anywhere in the text, case-insensitively, not inside a longer word. */
export function mentions(content: string, name: string | null): boolean {
  if (!name) return false;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^\\p{L}\\p{N}_])@${escaped}(?![\\p{L}\\p{N}_])`, "iu").test(content);
}
