// The `generate` queue's consumer: writes one AI reply per job. It claims the job in the room
// (begin), checks the asker's AI budget (budget.ts), builds the context with its attachments'
// bytes (inline-files.ts), picks the character's provider (worker/ai), leases a key from
// the KeyPool when that provider needs one, streams the answer into the room in ~50 ms
// batches (append), and finishes it. Failures are handled by their type, whatever the
// provider: 429 → cool that key and try another, else requeue after the retry-after without
// spending the retry budget; 5xx/network → retry on the QUEUE_RETRY_DELAYS ladder up to
// QUEUE_MAX_RETRIES, then the dead-letter queue; other 4xx → fail the reply at once.
import type { Turn } from "../../durable-objects/chat-room/ai";
import { type ChatRoom, chatRoom } from "../../durable-objects/chat-room/chat-room";
import { keyPool } from "../../durable-objects/key-pool/key-pool";
import { rateLimiter } from "../../durable-objects/rate-limiter";
import { type Config, readConfig } from "../../shared/config";
import type { GenerateJob } from "../../shared/jobs";
import { log } from "../../shared/log";
import { type AiOutcome, metrics } from "../../shared/metrics";
import { openStore } from "../../shared/store";
import {
  AbortedError,
  buildContext,
  type ChatProvider,
  classifyError,
  type GenerateRequest,
  PermanentError,
  ProviderError,
  providerFor,
  RateLimitedError,
} from "../ai";
import { budgetRefusal, UsageMeter } from "./budget";
import { withInlineFiles } from "./inline-files";

/** How often buffered text goes to the room; Cloudflare suggests 50–100 ms for token streams. */
const FLUSH_EVERY_MS = 50;
/** How often the consumer asks the room whether the reply was stopped while no text arrives. */
const POLL_EVERY_MS = 250;
const MAX_OUTPUT_TOKENS = 2048;
/** Keys tried within one delivery before waiting for the pool. */
const MAX_KEYS_PER_DELIVERY = 4;
/** How long a person's place among their replies being written is held without a release. */
const REPLY_LEASE_MS = 5 * 60_000;
/** How soon a reply waiting for the person's other replies looks again. */
const TURN_WAIT_S = 2;
/** A reply waiting in line that has not looked again for this long has left it. */
const TURN_LINE_MS = 30_000;
/** Queues caps a retry delay at 12 hours; longer ladder steps are held by the room's alarm. */
const MAX_QUEUE_DELAY_S = 12 * 3600;

/** `done` says how the job ended for the metrics; "skipped" (a redelivery of a finished job) is not counted. */
type Outcome =
  | { kind: "done"; as: Exclude<AiOutcome, "retried"> | "skipped" }
  | { kind: "retry"; delaySeconds: number; reason: string; attempt?: string }
  /** Every key is busy: try again later without spending the retry budget (nothing failed). */
  | { kind: "wait"; delaySeconds: number; reason: string }
  | { kind: "dead"; reason: string; attempt?: string };

export async function consumeGenerate(batch: MessageBatch<GenerateJob>, env: Env): Promise<void> {
  // Each message is acked or retried on its own; one failing never fails (and so redelivers)
  // its siblings, which may still be streaming.
  await Promise.allSettled(
    batch.messages.map((message) =>
      handle(message, env).catch((err) => {
        log.error("generate_settle_failed", { jobId: message.body.jobId, error: String(err).slice(0, 300) });
        message.retry({ delaySeconds: 5 });
      }),
    ),
  );
}

async function handle(message: Message<GenerateJob>, env: Env): Promise<void> {
  const job = message.body;
  const config = readConfig(env);
  const attempts = message.attempts + (job.priorAttempts ?? 0);
  let outcome: Outcome;
  try {
    outcome = await generate(job, env, config, attempts);
  } catch (err) {
    log.error("generate_crashed", { jobId: job.jobId, roomId: job.roomId, error: String(err) });
    outcome = { kind: "retry", delaySeconds: ladder(config.queueRetryDelays, attempts), reason: "internal error" };
  }
  if (outcome.kind === "retry" && attempts > config.queueMaxRetries) {
    outcome = { kind: "dead", reason: outcome.reason, attempt: outcome.attempt };
  }
  const counted = outcome.kind === "done" ? outcome.as : outcome.kind === "dead" ? "failed" : "retried";
  if (counted !== "skipped") metrics.aiJob(counted);

  if (outcome.kind === "done") return message.ack();
  if (outcome.kind === "dead") {
    log.warn("generate_dead_lettered", { jobId: job.jobId, roomId: job.roomId, attempts, reason: outcome.reason });
    // The attempt token lets the dead-letter consumer leave a newer delivery's reply alone.
    await env.GENERATE_DLQ.send({ ...job, reason: outcome.reason, attempt: outcome.attempt });
    return message.ack();
  }
  if (outcome.kind === "wait") {
    // A fresh message whose count of earlier attempts leaves this delivery out.
    const next = { ...job, priorAttempts: attempts - 1 };
    if (outcome.delaySeconds > MAX_QUEUE_DELAY_S) await chatRoom(env, job.roomId).holdJob(next, Date.now() + outcome.delaySeconds * 1000);
    else await env.GENERATE_QUEUE.send(next, { delaySeconds: outcome.delaySeconds });
    return message.ack();
  }
  if (outcome.delaySeconds > MAX_QUEUE_DELAY_S) {
    await chatRoom(env, job.roomId).holdJob({ ...job, priorAttempts: attempts }, Date.now() + outcome.delaySeconds * 1000);
    return message.ack();
  }
  message.retry({ delaySeconds: outcome.delaySeconds });
}

/**
 * A few replies at once per person, across rooms: one person's fifty rooms take turns instead of
 * holding everyone else's replies back, in the order they started waiting. The asker's place is a
 * lease named by this delivery (a redelivery of a job still running elsewhere takes a place of
 * its own), released however the attempt ends (or expiring after REPLY_LEASE_MS); the job leaves
 * the line unless it goes on waiting. With no place for it the room shows the reply waiting,
 * unless someone else has written since the question: the job then goes anyway, since a room
 * writes one reply at a time and theirs comes after it.
 */
async function generate(job: GenerateJob, env: Env, config: Config, attempts: number): Promise<Outcome> {
  const asker = job.askedBy;
  const turns = asker ? rateLimiter(env, `ai-replies:${asker.id}`) : null;
  const max = config.aiRepliesAtOnce;
  const lease = crypto.randomUUID();
  const full = turns !== null && (await turns.hold(lease, max, REPLY_LEASE_MS, Date.now(), job.jobId, TURN_LINE_MS)) > 0;
  const turn =
    full && asker
      ? {
          askerId: asker.id,
          retryAt: Date.now() + TURN_WAIT_S * 1000,
          reason: `Waiting its turn: one person's messages get at most ${max} AI replies at once.`,
        }
      : undefined;
  let outcome: Outcome | undefined;
  try {
    outcome = await reply(job, env, config, attempts, turn);
    return outcome;
  } finally {
    // Best effort: a place not given back frees itself when its lease ends, a place in line
    // when the job stops asking.
    await turns?.release(lease, outcome?.kind === "wait" ? undefined : job.jobId).catch(() => undefined);
  }
}

async function reply(job: GenerateJob, env: Env, config: Config, attempts: number, turn?: Turn): Promise<Outcome> {
  const stub = chatRoom(env, job.roomId);
  const begun = await stub.beginReply(job.jobId, turn);
  if (!begun.ok) {
    if (begun.waiting) return { kind: "wait", delaySeconds: TURN_WAIT_S, reason: begun.reason };
    log.info("generate_skipped", { jobId: job.jobId, reason: begun.reason });
    return { kind: "done", as: "skipped" };
  }
  const { seq, attempt } = begun;
  const character = await openStore(env).characters.byId(job.characterId);
  if (!character) {
    await stub.finishReply(job.jobId, attempt, { status: "error", error: "This room's AI character no longer exists." });
    return { kind: "done", as: "failed" };
  }
  const context = buildContext(
    { id: character.id, name: character.name, systemPrompt: character.systemPrompt },
    begun.history,
    job.triggerSeq,
  );
  if (context.contents.length === 0) {
    await stub.finishReply(job.jobId, attempt, { status: "error", error: "There was nothing to reply to." });
    return { kind: "done", as: "failed" };
  }
  // The person who asked (who regenerated, or wrote the message): their budget is checked
  // first, and the reply's tokens are theirs.
  const author = begun.history.find((m) => m.seq === job.triggerSeq)?.author;
  const person = job.askedBy ?? (author?.kind === "user" ? author : null);
  const refusal = person && (await budgetRefusal(env, person.id, job.roomId, person.name));
  if (refusal) {
    await stub.appendReply(job.jobId, attempt, refusal);
    await stub.finishReply(job.jobId, attempt, { status: "complete" });
    // Not a generation: parlor_ai_budget_refusals_total counts these.
    return { kind: "done", as: "skipped" };
  }
  const meter = new UsageMeter(env, person?.id ?? null, job.roomId);
  const { provider, model } = providerFor(config.ai, character.model);
  const contents = await withInlineFiles(env.ATTACHMENTS, job.roomId, context.contents);
  const request = {
    ...context,
    contents,
    model,
    temperature: character.temperature ?? undefined,
    maxOutputTokens: MAX_OUTPUT_TOKENS,
    onUsage: meter.onUsage,
  };
  const pool = provider.leasesKeys ? keyPool(env) : null;

  for (let tries = 0; ; tries++) {
    let keyId: string | undefined;
    let apiKey: string | undefined;
    if (pool) {
      const lease = await pool.acquire();
      if (!lease.ok) return waitForCapacity(stub, job, attempt, lease.retryAfterMs);
      keyId = lease.keyId;
      apiKey = lease.key;
    }
    try {
      await streamInto(stub, job.jobId, attempt, provider, { ...request, apiKey }).finally(() => meter.settle());
      if (pool && keyId) await pool.reportSuccess(keyId);
      await stub.finishReply(job.jobId, attempt, { status: "complete" });
      log.info("generate_done", { jobId: job.jobId, roomId: job.roomId, seq, attempts });
      return { kind: "done", as: "succeeded" };
    } catch (raw) {
      const err = raw instanceof ProviderError ? raw : classifyError(raw);
      if (err instanceof AbortedError) return { kind: "done", as: "stopped" }; // stopped in the room, or superseded
      if (pool && keyId) {
        if (err instanceof RateLimitedError) await pool.reportRateLimited(keyId, err.retryAfterMs);
        else if (err instanceof PermanentError && err.keyProblem) await pool.reportError(keyId, err.detail, 10 * 60_000);
        else await pool.reportError(keyId, err.detail);
      }
      log.warn("generate_attempt_failed", { jobId: job.jobId, kind: err.kind, detail: err.detail, attempts, tries });
      const anotherKey = err instanceof RateLimitedError || (err instanceof PermanentError && err.keyProblem);
      if (pool && anotherKey && tries + 1 < MAX_KEYS_PER_DELIVERY) continue;
      if (err instanceof RateLimitedError) return waitForCapacity(stub, job, attempt, err.retryAfterMs ?? 5_000);
      if (!err.retryable) {
        await stub.finishReply(job.jobId, attempt, { status: "error", error: err.message });
        return { kind: "done", as: "failed" };
      }
      const delaySeconds = ladder(config.queueRetryDelays, attempts);
      if (attempts <= config.queueMaxRetries) await stub.replyRetrying(job.jobId, attempt, Date.now() + delaySeconds * 1000, err.message);
      return { kind: "retry", delaySeconds, reason: err.message, attempt };
    }
  }
}

/** Every key is cooling, or the provider asked us to wait (429): requeue for when it says, and
 * say so on the reply. */
async function waitForCapacity(
  stub: DurableObjectStub<ChatRoom>,
  job: GenerateJob,
  attempt: string,
  retryAfterMs: number,
): Promise<Outcome> {
  const delaySeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const reason = "The AI is getting too many requests right now; it will try again shortly.";
  await stub.replyRetrying(job.jobId, attempt, Date.now() + delaySeconds * 1000, reason);
  return { kind: "wait", delaySeconds, reason };
}

/**
 * Pipes the provider's chunks into the room, batched every FLUSH_EVERY_MS. The room answers
 * each append with whether to go on; a poll covers quiet stretches so a stop aborts the
 * upstream request promptly even when no text is arriving.
 */
async function streamInto(
  stub: DurableObjectStub<ChatRoom>,
  jobId: string,
  attempt: string,
  provider: ChatProvider,
  request: GenerateRequest,
): Promise<void> {
  const controller = new AbortController();
  let buffer = "";
  let lastFlush = Date.now();
  let stopped = false;
  const called = Date.now();
  let first = true;
  const flush = async () => {
    if (!buffer) return;
    const text = buffer;
    buffer = "";
    lastFlush = Date.now();
    if (!(await stub.appendReply(jobId, attempt, text))) {
      stopped = true;
      controller.abort();
    }
  };
  const poll = setInterval(async () => {
    try {
      if (!stopped && !(await stub.replyAlive(jobId, attempt))) {
        stopped = true;
        controller.abort();
      }
    } catch {
      // The next append will tell.
    }
  }, POLL_EVERY_MS);
  try {
    for await (const chunk of provider.stream(request, controller.signal)) {
      if (first && chunk) {
        first = false;
        metrics.timeToFirstToken((Date.now() - called) / 1000);
      }
      buffer += chunk;
      if (Date.now() - lastFlush >= FLUSH_EVERY_MS) await flush();
      if (stopped) throw new AbortedError("stopped in the room");
    }
    await flush();
    if (stopped) throw new AbortedError("stopped in the room");
  } finally {
    clearInterval(poll);
  }
}

function ladder(delays: number[], attempts: number): number {
  if (delays.length === 0) return 5;
  return delays[Math.min(attempts - 1, delays.length - 1)] ?? 5;
}
