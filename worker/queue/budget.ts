// AI budgets in the generation pipeline: before a reply is written, whether the person who
// asked (the trigger's author) still has budget today, per person and per room
// (AI_DAILY_TOKENS_PER_PERSON, AI_DAILY_TOKENS_PER_ROOM, counted in the KeyPool: see
// durable-objects/key-pool/usage.ts); if not, the reply says so, and when the budget resets,
// instead of calling the model. After each call, the tokens the provider reported are counted
// against that person and room, and in /metrics.
import { keyPool } from "../../durable-objects/key-pool/key-pool";
import { metrics } from "../../shared/metrics";
import type { Usage } from "../ai";

/** The message that stands in for the reply when a budget is spent, or null to go ahead. */
export async function budgetRefusal(env: Env, userId: string, roomId: string, name: string, now = Date.now()): Promise<string | null> {
  const check = await keyPool(env).checkBudget(userId, roomId);
  if (check.ok) return null;
  metrics.budgetRefused(check.scope);
  const reset = new Date(check.resetsAt);
  const hours = Math.max(0, (reset.getTime() - now) / 3_600_000);
  const wait = hours >= 1 ? `in about ${Math.round(hours)} h` : `in ${Math.max(1, Math.ceil(hours * 60))} min`;
  const at = `${reset.toISOString().slice(11, 16)} UTC (${wait})`;
  const used = `${check.used.toLocaleString("en-US")} of ${check.limit.toLocaleString("en-US")} tokens`;
  return check.scope === "person"
    ? `${name}, you have used today's AI budget (${used}), so I can't answer until it resets at ${at}.`
    : `This room has used today's AI budget (${used}), so I can't answer until it resets at ${at}.`;
}

/** Collects the provider's usage report for one call (its last report wins) and counts it. */
export class UsageMeter {
  private last: Usage | undefined;
  readonly onUsage = (usage: Usage) => {
    this.last = usage;
  };

  constructor(
    private readonly env: Env,
    private readonly userId: string | null,
    private readonly roomId: string,
  ) {}

  /** Counts what the last call reported (nothing if it reported nothing), once. */
  async settle(): Promise<void> {
    const usage = this.last;
    this.last = undefined;
    if (!usage) return;
    metrics.aiTokens(usage.promptTokens, usage.outputTokens);
    if (this.userId) await keyPool(this.env).recordUsage(this.userId, this.roomId, usage);
  }
}
