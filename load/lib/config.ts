// Run-time knobs for the k6 suite, read once from `__ENV` (k6 -e NAME=value or the process
// environment). Every size has a default small enough to run against `npm run dev` on a laptop;
// the README lists them all. Parsing is strict so a typo fails the run at start-up instead of
// silently testing the wrong shape.

function raw(name: string): string | undefined {
  const value = __ENV[name];
  return value === undefined || value === "" ? undefined : value;
}

export function str(name: string, fallback: string): string {
  return raw(name) ?? fallback;
}

export function int(name: string, fallback: number, min = 0): number {
  const value = raw(name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${value}"`);
  return n;
}

export function num(name: string, fallback: number): number {
  const value = raw(name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got "${value}"`);
  return n;
}

export function flag(name: string): boolean {
  const value = raw(name);
  return value === "1" || value === "true" || value === "yes";
}

/** Accepts k6-style durations ("90s", "2m", "1h30m", "500ms") and returns milliseconds. */
export function durationMs(text: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const unit = m[2] === "ms" ? 1 : m[2] === "s" ? 1_000 : m[2] === "m" ? 60_000 : 3_600_000;
    total += Number(m[1]) * unit;
    consumed += m[0].length;
  }
  if (consumed !== text.length || total <= 0) throw new Error(`not a duration: "${text}"`);
  return total;
}

/** k6 wants durations as strings; whole seconds are exact enough for scenario lengths. */
export function k6Duration(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))}s`;
}

// `npm run dev` serves the API and WebSockets on 5173 (8787 with `npm run dev -- --wrangler`).
const baseUrl = str("BASE_URL", "http://127.0.0.1:5173").replace(/\/+$/, "");

export const config = {
  baseUrl,
  /** ws:// or wss:// twin of BASE_URL, for the room socket. */
  wsBaseUrl: baseUrl.replace(/^http/, "ws"),
  /** Browsers must use ?token=; k6 can send the header, which keeps the JWT out of metric tags. */
  wsTokenInQuery: flag("WS_TOKEN_IN_QUERY"),

  // Fixture created by setup(). Usernames are deterministic so a rerun logs the same users in
  // instead of registering again (registration is throttled per IP).
  userPrefix: str("USER_PREFIX", "k6load"),
  password: str("PASSWORD", "k6-load-password"),
  // 10 fits the per-IP registration burst; more register at 5/minute (see README).
  users: int("USERS", 10, 1),
  rooms: int("ROOMS", 4, 1),
  /** Sockets (members) per room in the fan-out scenario; users repeat if this exceeds USERS. */
  members: int("MEMBERS", 10, 1),
  seedMessages: int("SEED_MESSAGES", 60),
  aiRooms: int("AI_ROOMS", 2),
  registerPauseMs: int("REGISTER_PAUSE_MS", 500),
  keepRooms: flag("KEEP_ROOMS"),

  duration: durationMs(str("DURATION", "1m")),
  readRate: num("READ_RATE", 20),
  writeRate: num("WRITE_RATE", 4),
  /** Share of REST writes immediately resent with the same clientId (idempotency check). */
  resendRatio: num("RESEND_RATIO", 0.05),
  wsSenders: int("WS_SENDERS", 2),
  wsSendIntervalMs: int("WS_SEND_INTERVAL_MS", 2000, 50),
  /** Pads message content to about this many characters (0: just the timing marker). */
  messageChars: int("MESSAGE_CHARS", 0),
  aiThinkMs: int("AI_THINK_MS", 3000),
  aiTimeoutMs: int("AI_TIMEOUT_MS", 60_000, 1000),
};

export type Config = typeof config;
