// The AI side of a ChatRoom. It decides when a message triggers a reply, keeps at most one
// generation in flight (triggers that arrive meanwhile coalesce into one follow-up), hands
// jobs to the `generate` queue, and takes the streamed reply back from the queue consumer
// through begin / append / finish, keyed by jobId so a redelivered job yields one reply.
// Job state lives in SQLite (ai-jobs.ts): it survives eviction, and a stopped reply stays
// stopped.
import type { GenerateJob } from "../../shared/jobs";
import { log } from "../../shared/log";
import type { Message, ServerFrame } from "../../shared/wire";
import { AiJobs, type JobRow } from "./ai-jobs";
import { staleAt, staleJobs } from "./ai-watch";
import { type Changes, updatedFrame } from "./changes";
import type { RoomConfig } from "./membership";
import { ReplyWaiters } from "./reply-waiters";
import type { NewMessage, RoomLog } from "./room-log";
import type { Timers } from "./timers";

/** How often a consumer's poll (`alive`) is noted as a sign of life, so a reply thinking before
 * its first word is not taken for one whose writer is gone (given up after a minute: ai-watch.ts). */
const ALIVE_NOTE_MS = 10_000;

export type ActionError = { code: string; message: string };

/** What the consumer needs to write a reply: the reply's seq and the conversation so far; or
 * why not, `waiting` when the reply waits for the asker's turn (see begin). */
export type Begun = { ok: true; seq: number; attempt: string; history: Message[] } | { ok: false; reason: string; waiting?: true };
/** The asker has no place free among their replies being written: when to look again, and why. */
export type Turn = { askerId: string; retryAt: number; reason: string };

const CONTEXT_MESSAGES = 60;
const WATCHDOG = "ai-watchdog";
/** Timers named so hold a job the queue could not delay long enough (see holdJob()). */
const REQUEUE = "requeue:";

/** The seq of the message the AI reply `seq` answers, or why that reply cannot be regenerated. */
function answered(log: RoomLog, seq: number): number | ActionError {
  const reply = log.get(seq);
  if (reply?.author.kind !== "ai" || reply.replyTo === undefined || reply.deletedAt)
    return { code: "not_found", message: "No AI reply with that seq." };
  const question = log.get(reply.replyTo);
  if (question?.deletedAt) return { code: "deleted", message: "The message this reply answers was deleted." };
  return reply.replyTo;
}

/** Whether a user's `message` asks `room`'s AI for a reply: any, where it answers everything;
 * one naming it, where it answers mentions. An edit (from `before`) asks only there, when it
 * first names the AI in the room's newest message: as if it had been sent so. */
function wakes(room: RoomConfig, message: Message, before: Message | undefined, newest: () => boolean): boolean {
  if (!room.characterId || room.aiMode === "off" || message.author.kind !== "user") return false;
  const named = (m: Message) => mentions(m.content, room.characterName);
  if (room.aiMode === "mention" && !named(message)) return false;
  return !before || (room.aiMode === "mention" && !named(before) && newest());
}

export class RoomAi {
  private readonly jobs: AiJobs;
  private readonly waiters = new ReplyWaiters();

  constructor(
    private readonly env: Env,
    private readonly log: RoomLog,
    private readonly timers: Timers,
    private readonly broadcast: (frame: ServerFrame) => void,
    private readonly room: () => RoomConfig | null,
    private readonly flushSoon: () => Promise<void>,
    sql: SqlStorage,
    private readonly changes: Changes,
  ) {
    this.jobs = new AiJobs(sql);
  }

  /** A user message arrived, or was edited from `before`: reply to it if it asks (see wakes).
   * Returns whether a reply is coming (now, or as part of a coalesced follow-up). */
  async onUserMessage(message: Message, before?: Message): Promise<boolean> {
    const room = this.room();
    if (!room || !wakes(room, message, before, () => this.log.after(message.seq, 1).length === 0)) return false;
    await this.trigger(message.seq);
    return true;
  }

  /** Starts a job, or, while one is in flight, leaves a follow-up for when it finishes. With
   * `replySeq` the job writes a new version of that reply instead of a new message. */
  private async trigger(triggerSeq: number, replySeq?: number, askedBy?: GenerateJob["askedBy"]): Promise<void> {
    const room = this.room();
    if (!room?.characterId) return;
    if (this.jobs.active()) return this.jobs.addFollowUp(triggerSeq);
    // Whose reply it is: who regenerated it, else who wrote the message it answers.
    const by = askedBy ?? asker(this.log.get(triggerSeq));
    const job: GenerateJob = { jobId: crypto.randomUUID(), roomId: room.roomId, triggerSeq, characterId: room.characterId, askedBy: by };
    const now = Date.now();
    this.jobs.insert(job, now, replySeq);
    try {
      await this.env.GENERATE_QUEUE.send(job);
    } catch (err) {
      // The message stays acked; only its reply is lost. Say so rather than leave a job that
      // blocks every later reply.
      log.error("generate_enqueue_failed", { roomId: room.roomId, jobId: job.jobId, error: String(err).slice(0, 300) });
      await this.finish(job.jobId, null, { status: "error", error: "The AI couldn't be reached. Try regenerating the reply." });
      return;
    }
    await this.timers.schedule(WATCHDOG, staleAt({ state: "queued", touched_at: now }, undefined));
  }

  // ---- The consumer's side -------------------------------------------------------------

  /** Claims a job for one delivery. A redelivery of a finished or stopped job is refused; a
   * redelivery of a running one takes over (the older attempt's appends are then refused)
   * and restarts the reply's text, so the room never holds two replies to one job. With a
   * `turn` the reply shows that it waits, unless someone else wrote since the question. */
  async begin(jobId: string, turn?: Turn): Promise<Begun> {
    const job = this.jobs.get(jobId);
    if (!job) return { ok: false, reason: "unknown job" };
    if (job.state !== "queued" && job.state !== "running") return { ok: false, reason: `job is ${job.state}` };
    const waits =
      turn && !this.log.after(job.trigger_seq, CONTEXT_MESSAGES).some((m) => m.author.kind === "user" && m.author.id !== turn.askerId);
    const attempt = crypto.randomUUID();
    const seq = job.reply_seq ?? this.newReply(job, "streaming").seq;
    const wait = { retryAt: waits ? turn.retryAt : null, error: waits ? turn.reason : null };
    this.broadcastMessage(this.log.update(seq, { content: "", status: "streaming", streamIndex: 0, ...wait }));
    this.jobs.claim(jobId, seq, attempt);
    if (waits) return { ok: false, reason: turn.reason, waiting: true };
    // Being written now: the watchdog looks sooner (see ai-watch.ts).
    await this.timers.schedule(WATCHDOG, staleAt({ state: "running", touched_at: Date.now() }, undefined));
    return { ok: true, seq, attempt, history: this.log.upTo(job.trigger_seq, CONTEXT_MESSAGES) };
  }

  /** Streams a chunk to the room. Returns false when the consumer must stop (the reply was
   * stopped, or a newer delivery of the job took over). */
  append(jobId: string, attempt: string, text: string): boolean {
    const job = this.jobs.current(jobId, attempt);
    if (!job || job.reply_seq === null) return false;
    // Postgres text cannot hold NUL; model output is not ours to trust.
    const index = this.log.appendText(job.reply_seq, text.replaceAll("\u0000", ""));
    this.jobs.touch(jobId);
    this.broadcast({ type: "delta", seq: job.reply_seq, index, text });
    return true;
  }

  /** True while the job should keep going (polled by the consumer); a poll is a sign of life. */
  alive(jobId: string, attempt: string): boolean {
    const job = this.jobs.current(jobId, attempt);
    if (job) this.jobs.touchIfOlder(job, ALIVE_NOTE_MS);
    return job !== undefined;
  }

  /** The attempt failed and will be retried at `retryAt`: say so on the message. */
  retrying(jobId: string, attempt: string, retryAt: number, reason: string): void {
    const job = this.jobs.current(jobId, attempt);
    if (!job || job.reply_seq === null) return;
    this.jobs.touch(jobId);
    this.broadcastMessage(this.log.update(job.reply_seq, { retryAt, error: reason }));
  }

  async finish(jobId: string, attempt: string | null, outcome: { status: "complete" } | { status: "error"; error: string }): Promise<void> {
    const job = this.jobs.get(jobId);
    if (!job || (attempt !== null && job.attempt !== attempt) || (job.state !== "running" && job.state !== "queued")) return;
    let seq = job.reply_seq;
    // Failed before it began (e.g. dead-lettered): still leave a visible, explained reply.
    if (seq === null) seq = this.newReply(job, "error").seq;
    const error = outcome.status === "error" ? outcome.error : null;
    const final = this.log.update(seq, { status: outcome.status, retryAt: null, error });
    this.jobs.end(jobId, error === null ? "done" : "failed", seq);
    await this.ended(job, final);
  }

  // ---- People's controls -----------------------------------------------------------------

  /** Stops a streaming reply. Stored before it is acknowledged; the consumer notices on its
   * next append or poll and aborts the upstream request. */
  async stop(seq: number): Promise<ActionError | undefined> {
    const message = this.log.get(seq);
    const job = this.jobs.writing(seq);
    if (message?.author.kind !== "ai") return { code: "not_found", message: "No AI reply with that seq." };
    if (!job || message.status !== "streaming") return { code: "not_streaming", message: "That reply is not being written." };
    this.jobs.end(job.job_id, "stopped", seq);
    await this.ended(job, this.log.update(seq, { status: "stopped", retryAt: null, error: null }));
    return undefined;
  }

  /** Writes a new version of an AI reply, answering the same message, on `askedBy`'s budget;
   * the earlier versions stay (Message.versions), and the new one becomes the one everyone sees. */
  async regenerate(seq: number, askedBy: { id: string; name: string }): Promise<ActionError | undefined> {
    const question = answered(this.log, seq);
    if (typeof question !== "number") return question;
    if (!this.room()?.characterId) return { code: "no_character", message: "This room has no AI character." };
    if (this.jobs.active()) return { code: "busy", message: "A reply is already being written; stop it first." };
    const fresh = this.log.newVersion(seq);
    if (fresh) this.broadcast(updatedFrame(fresh, this.changes.record(seq)));
    await this.trigger(question, seq, askedBy);
  }

  /** Whether a job is queued or running for the reply `seq`. */
  writing = (seq: number): boolean => this.jobs.writing(seq) !== undefined;

  /** Resolves with the first final reply to `seq` or a later message (a coalesced follow-up
   * answers several), or null after `timeoutMs`. */
  waitForReply(seq: number, timeoutMs: number): Promise<Message | null> {
    const done = this.jobs.finishedReplyFrom(seq);
    if (done !== undefined) return Promise.resolve(this.log.get(done) ?? null);
    return this.waiters.wait(seq, timeoutMs);
  }

  async onTimer(name: string): Promise<void> {
    if (name === WATCHDOG) return this.watchdog();
    // A retry delay longer than the queue allows is held here and re-sent when due.
    if (!name.startsWith(REQUEUE)) return;
    const job = this.jobs.takeHeld(name.slice(REQUEUE.length));
    if (job && this.jobs.get(job.jobId)?.state === "running") await this.env.GENERATE_QUEUE.send(job);
  }

  /** A retry due later than the queue can delay a message (12 h): held here, sent when due. */
  async holdJob(job: GenerateJob, at: number): Promise<void> {
    this.jobs.hold(job);
    await this.timers.schedule(`${REQUEUE}${job.jobId}`, at);
  }

  /** Fails jobs that went stale (a lost queue message, a dead consumer: see ai-watch.ts), so
   * one lost job can never block a room's replies for good. Held retries are not stale. */
  private async watchdog() {
    const now = Date.now();
    const { stale, next } = staleJobs(this.jobs, (seq) => this.log.get(seq)?.retryAt, now);
    for (const job of stale) {
      log.warn("generate_stale", { roomId: this.room()?.roomId, jobId: job.job_id, state: job.state });
      await this.finish(job.job_id, null, { status: "error", error: "The AI didn't answer in time. Try regenerating the reply." });
    }
    if (next !== undefined) await this.timers.schedule(WATCHDOG, Math.max(next, now + 1000));
  }

  /** A job ended (finished, failed or stopped): everyone sees the final reply, waiting REST
   * callers get it, it is copied to the store, and a follow-up that waited may start. */
  private async ended(job: JobRow, final: Message | undefined) {
    this.broadcastMessage(final);
    this.waiters.settle(job.trigger_seq, final ?? null);
    await this.flushSoon();
    await this.followUp();
  }

  private async followUp() {
    if (this.jobs.active()) return;
    const next = this.jobs.takeFollowUp();
    if (!next) return;
    try {
      await this.trigger(next);
    } catch (err) {
      log.error("followup_enqueue_failed", { roomId: this.room()?.roomId, error: String(err) });
    }
  }

  private newReply(job: JobRow, status: "streaming" | "error"): Message {
    return this.log.append(replyRow(job, this.room()?.characterName ?? "Assistant", status));
  }

  private broadcastMessage = (message: Message | undefined) => message && this.broadcast({ type: "message", message });
}

/** The person who wrote `m`, if a person did. */
function asker(m: Message | undefined): { id: string; name: string } | undefined {
  return m?.author.kind === "user" ? { id: m.author.id, name: m.author.name } : undefined;
}

/** The empty reply a job writes into. */
function replyRow(job: JobRow, name: string, status: "streaming" | "error"): NewMessage {
  return { author: { kind: "ai", id: job.character_id, name }, content: "", status, replyTo: job.trigger_seq, jobId: job.job_id };
}

/** `@Name` anywhere in the text, case-insensitively, not inside a longer word. */
export function mentions(content: string, name: string | null): boolean {
  if (!name) return false;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^\\p{L}\\p{N}_])@${escaped}(?![\\p{L}\\p{N}_])`, "iu").test(content);
}
