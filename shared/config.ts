// Typed view of the wrangler vars and secrets, with the defaults a chat needs when one is unset.
// Parsed once per `env` object: the runtime hands every request (and each Durable Object its
// constructor) the same object for as long as the bindings are unchanged, so lists are split
// and keys hashed once per isolate, not on every job, request or scrape. Tests that build an
// env of their own get a parse of their own.
import { type KeyEntry, parseKeys } from "./api-keys";

export type { KeyEntry } from "./api-keys";

/** The KeyPool's keys and limits (per key group). */
export interface PoolConfig {
  keys: KeyEntry[];
  maxPerMinute: number;
  maxPerDay: number;
  cooldownMs: number;
}

/** What the AI providers are told, read only by worker/ai (which picks among them). */
export interface AiConfig {
  /** GEMINI_API_KEYS (leased through the KeyPool), GEMINI_MODEL, GEMINI_BASE_URL. */
  gemini: { keys: KeyEntry[]; model: string; baseUrl: string | undefined };
  /** An OpenAI-compatible chat-completions endpoint: OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_MODEL. */
  openai: { apiKey: string | undefined; baseUrl: string; model: string };
  /** DUMMY_CHUNK_DELAY_MS: the pace of the offline provider's stream. */
  dummyChunkDelayMs: number;
}

export interface Config {
  maxMessageChars: number;
  allowedOrigins: string[];
  sendBurst: number;
  sendPerSecond: number;
  queueRetryDelays: number[];
  queueMaxRetries: number;
  tokenTtlSeconds: number;
  /** How long a room's first unflushed write waits before the write-behind copy runs. */
  flushDelayMs: number;
  /** The longest a failed flush waits before its next attempt (the backoff's cap). */
  flushRetryMaxMs: number;
  /** /api/health says `degraded` while the oldest message not yet in the history store has
   * waited longer than this. */
  backlogDegradedMs: number;
  /** A room keeps at least its newest `hotLogRows` messages, and every message younger than
   * `hotLogMs`, in its own storage; older ones are served from the history store. */
  hotLogRows: number;
  hotLogMs: number;
  ai: AiConfig;
  keyPool: PoolConfig;
  attachments: AttachmentConfig;
  budget: BudgetConfig;
  /** AI_REPLIES_AT_ONCE: how many replies one person's messages may have being written at once,
   * across rooms (3); the others wait their turn. */
  aiRepliesAtOnce: number;
  /** ROOM_MAX_MEMBERS: the most people one room takes (1000); each costs the room a push per
   * busy second while they are away (member-updates.ts). */
  maxRoomMembers: number;
}

/** Uploads (R2): ATTACHMENT_MAX_MB a file; an upload no message carries after
 * ATTACHMENT_UNSENT_HOURS is deleted. */
export interface AttachmentConfig {
  maxBytes: number;
  unsentMs: number;
}

/** AI tokens a day (UTC), from Gemini's usageMetadata: AI_DAILY_TOKENS_PER_PERSON for each
 * person across rooms, AI_DAILY_TOKENS_PER_ROOM for everyone in one room; Infinity = no limit. */
export interface BudgetConfig {
  perPerson: number;
  perRoom: number;
}

const parsed = new WeakMap<object, Config>();

export function readConfig(env: object): Config {
  let config = parsed.get(env);
  if (!config) parsed.set(env, (config = parse(env as Record<string, unknown>)));
  return config;
}

const num = (v: string | undefined, fallback: number) => {
  const n = Number(v);
  return v !== undefined && v !== "" && Number.isFinite(n) ? n : fallback;
};

/** A positive limit; anything else (empty, 0, junk) means no limit. */
const limit = (v: string | undefined) => positive(v) ?? Number.POSITIVE_INFINITY;

function positive(v: string | undefined): number | undefined {
  const n = Number(v);
  return v && Number.isFinite(n) && n > 0 ? n : undefined;
}

const list = (v: string | undefined) =>
  (v ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

function parse(vars: Record<string, unknown>): Config {
  const s = (k: string) => (typeof vars[k] === "string" ? (vars[k] as string) : undefined);
  const keys = parseKeys(s("GEMINI_API_KEYS"));
  const delay = Number(s("DUMMY_CHUNK_DELAY_MS"));
  return {
    maxMessageChars: num(s("MAX_MESSAGE_CHARS"), 8000),
    allowedOrigins: list(s("ALLOWED_ORIGINS")),
    sendBurst: num(s("SEND_BURST"), 10),
    sendPerSecond: num(s("SEND_PER_SECOND"), 1),
    queueRetryDelays: (s("QUEUE_RETRY_DELAYS") ?? "2,5,15,30,60")
      .split(",")
      .map((d) => Number(d.trim()))
      .filter((d) => Number.isFinite(d) && d >= 0),
    // Below the queue's own max_retries (10 in wrangler.toml), so the consumer, which knows
    // why a job failed, always dead-letters it before the platform does.
    queueMaxRetries: Math.min(9, num(s("QUEUE_MAX_RETRIES"), 5)),
    tokenTtlSeconds: num(s("TOKEN_TTL_SECONDS"), 7 * 24 * 3600),
    flushDelayMs: Math.max(0, num(s("FLUSH_DELAY_MS"), 1000)),
    flushRetryMaxMs: Math.max(1000, num(s("FLUSH_RETRY_MAX_MS"), 5000)),
    backlogDegradedMs: Math.max(1, num(s("BACKLOG_DEGRADED_SECONDS"), 30)) * 1000,
    hotLogRows: Math.max(1, Math.floor(num(s("HOT_LOG_ROWS"), 1000))),
    hotLogMs: Math.max(0, num(s("HOT_LOG_HOURS"), 24)) * 3600_000,
    ai: {
      gemini: { keys, model: s("GEMINI_MODEL") || "gemini-2.5-flash", baseUrl: s("GEMINI_BASE_URL") || undefined },
      openai: {
        apiKey: s("OPENAI_API_KEY") || undefined,
        baseUrl: (s("OPENAI_BASE_URL") || "https://api.openai.com/v1").replace(/\/+$/, ""),
        model: s("OPENAI_MODEL") || "gpt-4o-mini",
      },
      dummyChunkDelayMs: Number.isFinite(delay) ? delay : 0,
    },
    keyPool: {
      keys,
      maxPerMinute: limit(s("KEYS_MAX_PER_MINUTE")),
      maxPerDay: limit(s("KEYS_MAX_PER_DAY")),
      cooldownMs: (positive(s("KEYS_COOLDOWN_SECONDS")) ?? 60) * 1000,
    },
    attachments: {
      maxBytes: Math.round((positive(s("ATTACHMENT_MAX_MB")) ?? 10) * 1024 * 1024),
      unsentMs: (positive(s("ATTACHMENT_UNSENT_HOURS")) ?? 24) * 3600_000,
    },
    budget: { perPerson: limit(s("AI_DAILY_TOKENS_PER_PERSON")), perRoom: limit(s("AI_DAILY_TOKENS_PER_ROOM")) },
    aiRepliesAtOnce: Math.max(1, Math.floor(positive(s("AI_REPLIES_AT_ONCE")) ?? 3)),
    maxRoomMembers: Math.max(2, Math.floor(positive(s("ROOM_MAX_MEMBERS")) ?? 1000)),
  };
}
