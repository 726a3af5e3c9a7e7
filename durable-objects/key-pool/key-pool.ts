// KeyPool: the one object that hands out the AI provider's pooled API keys (shared/api-keys.ts).
// Every generation on a pooled provider asks it for a key, so per-project request counters and
// cooldowns are decided in a single place with no races (every method is synchronous, SQLite
// included, so each call runs to its end alone). All state lives in the object's SQLite storage
// (see ledger.ts), so it survives eviction; there are no timers or alarms: windows and
// cooldowns are compared with the clock on each call. One well-known instance, reached through
// `keyPool(env)`; shard by key if it ever gets hot.
import { DurableObject } from "cloudflare:workers";
import { readConfig } from "../../shared/config";
import { type AcquireResult, KeyLedger, type PoolStatus } from "./ledger";
import { type BudgetCheck, type PersonUsage, type TokenUsage, UsageLedger, type UsageReport } from "./usage";

export type { AcquireResult, KeyStatus, PoolStatus } from "./ledger";
export type { BudgetCheck, PersonUsage, TokenUsage, UsageReport } from "./usage";

export class KeyPool extends DurableObject<Env> {
  private readonly ledger: KeyLedger;
  /** AI budgets (usage.ts): tokens per person, room and day, beside the keys' counters. */
  private readonly usage: UsageLedger;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Keys come from the secret on every start; only counters and cooldowns are stored.
    this.ledger = new KeyLedger(ctx.storage.sql, readConfig(env).keyPool);
    this.usage = new UsageLedger(ctx.storage.sql, readConfig(env).budget);
  }

  /** Whether `userId` may have another AI reply in `roomId` today (AI_DAILY_TOKENS_*). */
  checkBudget(userId: string, roomId: string): BudgetCheck {
    return this.usage.check(userId, roomId);
  }

  /** Counts a reply's tokens against the person who asked for it, in that room, today. */
  recordUsage(userId: string, roomId: string, usage: TokenUsage): void {
    this.usage.record(userId, roomId, usage);
  }

  /** GET /api/me/usage. */
  usageOf(userId: string): PersonUsage {
    return this.usage.person(userId);
  }

  /** GET /api/admin/usage: everyone's tokens on `day` (YYYY-MM-DD, UTC; today by default). */
  usageReport(day?: string): UsageReport {
    return this.usage.report(Date.now(), day);
  }

  /**
   * The least recently used key that is not cooling down and whose project is under its
   * per-minute and per-day limits; the request is counted against that project. When none
   * is free, how long until the first one is. Throws when the pool holds no keys.
   */
  acquire(): AcquireResult {
    return this.ledger.acquire();
  }

  /** The provider answered 429: the key's project rests for `retryAfterMs`, else KEYS_COOLDOWN_SECONDS. */
  reportRateLimited(keyId: string, retryAfterMs?: number): void {
    this.ledger.reportRateLimited(keyId, retryAfterMs);
  }

  reportSuccess(keyId: string): void {
    this.ledger.reportSuccess(keyId);
  }

  /** Records a failure for /api/admin/keys; `cooldownMs` also benches the key (refused key). */
  reportError(keyId: string, message: string, cooldownMs?: number): void {
    this.ledger.reportError(keyId, message, cooldownMs);
  }

  /** For GET /api/admin/keys: keys masked to their last 4 characters. */
  status(): PoolStatus {
    return this.ledger.status();
  }
}

/** The single pool every Worker invocation talks to. */
export function keyPool(env: Pick<Env, "KEY_POOL">) {
  return env.KEY_POOL.get(env.KEY_POOL.idFromName("global"));
}
