// Typed view of the wrangler vars, with the defaults a chat needs when a var is unset.
export interface Config {
  maxMessageChars: number;
  allowedOrigins: string[];
  sendBurst: number;
  sendPerSecond: number;
  queueRetryDelays: number[];
  queueMaxRetries: number;
  geminiModel: string;
  tokenTtlSeconds: number;
  /** How long a room's first unflushed write waits before the write-behind copy runs. */
  flushDelayMs: number;
  /** A room keeps at least its newest `hotLogRows` messages, and every message younger than
   * `hotLogMs`, in its own storage; older ones are served from the history store. */
  hotLogRows: number;
  hotLogMs: number;
}

const num = (v: string | undefined, fallback: number) => {
  const n = Number(v);
  return v !== undefined && v !== "" && Number.isFinite(n) ? n : fallback;
};

export function readConfig(env: object): Config {
  const vars = env as Record<string, unknown>;
  const s = (k: string) => (typeof vars[k] === "string" ? (vars[k] as string) : undefined);
  return {
    maxMessageChars: num(s("MAX_MESSAGE_CHARS"), 8000),
    allowedOrigins: (s("ALLOWED_ORIGINS") ?? "")
      .split(",")
      .map((o) => o.trim())
      .filter(Boolean),
    sendBurst: num(s("SEND_BURST"), 10),
    sendPerSecond: num(s("SEND_PER_SECOND"), 1),
    queueRetryDelays: (s("QUEUE_RETRY_DELAYS") ?? "2,5,15,30,60")
      .split(",")
      .map((d) => Number(d.trim()))
      .filter((d) => Number.isFinite(d) && d >= 0),
    // Below the queue's own max_retries (10 in wrangler.toml), so the consumer, which knows
    // why a job failed, always dead-letters it before the platform does.
    queueMaxRetries: Math.min(9, num(s("QUEUE_MAX_RETRIES"), 5)),
    geminiModel: s("GEMINI_MODEL") || "gemini-2.5-flash",
    tokenTtlSeconds: num(s("TOKEN_TTL_SECONDS"), 7 * 24 * 3600),
    flushDelayMs: Math.max(0, num(s("FLUSH_DELAY_MS"), 1000)),
    hotLogRows: Math.max(1, Math.floor(num(s("HOT_LOG_ROWS"), 1000))),
    hotLogMs: Math.max(0, num(s("HOT_LOG_HOURS"), 24)) * 3600_000,
  };
}
