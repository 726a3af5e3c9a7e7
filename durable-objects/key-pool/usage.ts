// AI budgets: tokens used per person, per room and per day (UTC), from the providers' usage
// reports, kept in the KeyPool's SQLite beside the keys' counters. Every generation already
// talks to the pool, so checking a budget costs one call to an object in memory, not a store
// query. A person over AI_DAILY_TOKENS_PER_PERSON (or a room over AI_DAILY_TOKENS_PER_ROOM)
// is refused until the next UTC midnight. Days older than KEEP_DAYS are dropped as new ones
// are written.
import type { BudgetConfig } from "../../shared/config";

export type TokenUsage = { promptTokens: number; outputTokens: number; totalTokens: number };

export type BudgetCheck = { ok: true } | { ok: false; scope: "person" | "room"; used: number; limit: number; resetsAt: string };

export type RoomTokens = { roomId: string; tokens: number };

export type PersonUsage = {
  day: string;
  tokens: number;
  /** Null when there is no daily limit per person. */
  limit: number | null;
  remaining: number | null;
  resetsAt: string;
  rooms: RoomTokens[];
};

export type UsageReport = {
  day: string;
  resetsAt: string;
  limits: { perPerson: number | null; perRoom: number | null };
  people: { userId: string; tokens: number; promptTokens: number; outputTokens: number; requests: number; rooms: RoomTokens[] }[];
};

const DAY = 86_400_000;
const KEEP_DAYS = 31;

const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10);
const resetOf = (at: number) => new Date((Math.floor(at / DAY) + 1) * DAY).toISOString();
const finite = (n: number) => (Number.isFinite(n) ? n : null);

export class UsageLedger {
  constructor(
    private readonly sql: SqlStorage,
    private readonly budget: BudgetConfig,
  ) {
    sql.exec(`CREATE TABLE IF NOT EXISTS ai_usage (
      day TEXT NOT NULL, user_id TEXT NOT NULL, room_id TEXT NOT NULL, prompt_tokens INTEGER NOT NULL DEFAULT 0,
      output_tokens INTEGER NOT NULL DEFAULT 0, total_tokens INTEGER NOT NULL DEFAULT 0, requests INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (day, user_id, room_id))`);
    sql.exec("CREATE INDEX IF NOT EXISTS ai_usage_room ON ai_usage(day, room_id)");
  }

  /** Whether `userId` may have another reply in `roomId` today. */
  check(userId: string, roomId: string, now = Date.now()): BudgetCheck {
    const day = dayOf(now);
    const person = this.sum("user_id", userId, day);
    if (person >= this.budget.perPerson) {
      return { ok: false, scope: "person", used: person, limit: this.budget.perPerson, resetsAt: resetOf(now) };
    }
    const room = this.sum("room_id", roomId, day);
    if (room >= this.budget.perRoom) return { ok: false, scope: "room", used: room, limit: this.budget.perRoom, resetsAt: resetOf(now) };
    return { ok: true };
  }

  record(userId: string, roomId: string, usage: TokenUsage, now = Date.now()): void {
    this.sql.exec(
      `INSERT INTO ai_usage (day, user_id, room_id, prompt_tokens, output_tokens, total_tokens, requests) VALUES (?, ?, ?, ?, ?, ?, 1)
       ON CONFLICT (day, user_id, room_id) DO UPDATE SET prompt_tokens = prompt_tokens + excluded.prompt_tokens,
         output_tokens = output_tokens + excluded.output_tokens, total_tokens = total_tokens + excluded.total_tokens,
         requests = requests + 1`,
      dayOf(now),
      userId,
      roomId,
      Math.max(0, Math.round(usage.promptTokens)),
      Math.max(0, Math.round(usage.outputTokens)),
      Math.max(0, Math.round(usage.totalTokens)),
    );
    this.sql.exec("DELETE FROM ai_usage WHERE day < ?", dayOf(now - KEEP_DAYS * DAY));
  }

  /** One person's usage today, per room, and what is left of their budget. */
  person(userId: string, now = Date.now()): PersonUsage {
    const day = dayOf(now);
    const rooms = this.sql
      .exec<RoomTokens>(
        "SELECT room_id AS roomId, total_tokens AS tokens FROM ai_usage WHERE day = ? AND user_id = ? ORDER BY total_tokens DESC",
        day,
        userId,
      )
      .toArray();
    const tokens = rooms.reduce((n, r) => n + r.tokens, 0);
    const limit = finite(this.budget.perPerson);
    return { day, tokens, limit, remaining: limit === null ? null : Math.max(0, limit - tokens), resetsAt: resetOf(now), rooms };
  }

  /** Everyone's usage on `day` (today by default), most tokens first: for operators. */
  report(now = Date.now(), day = dayOf(now)): UsageReport {
    type Row = { user_id: string; room_id: string; prompt_tokens: number; output_tokens: number; total_tokens: number; requests: number };
    const rows = this.sql.exec<Row>("SELECT * FROM ai_usage WHERE day = ? ORDER BY user_id, total_tokens DESC", day).toArray();
    const people = new Map<string, UsageReport["people"][number]>();
    for (const r of rows) {
      let p = people.get(r.user_id);
      if (!p) people.set(r.user_id, (p = { userId: r.user_id, tokens: 0, promptTokens: 0, outputTokens: 0, requests: 0, rooms: [] }));
      p.tokens += r.total_tokens;
      p.promptTokens += r.prompt_tokens;
      p.outputTokens += r.output_tokens;
      p.requests += r.requests;
      p.rooms.push({ roomId: r.room_id, tokens: r.total_tokens });
    }
    return {
      day,
      resetsAt: resetOf(Date.parse(`${day}T00:00:00Z`)),
      limits: { perPerson: finite(this.budget.perPerson), perRoom: finite(this.budget.perRoom) },
      people: [...people.values()].sort((a, b) => b.tokens - a.tokens),
    };
  }

  private sum(column: "user_id" | "room_id", id: string, day: string): number {
    const row = this.sql
      .exec<{ n: number | null }>(`SELECT sum(total_tokens) AS n FROM ai_usage WHERE day = ? AND ${column} = ?`, day, id)
      .one();
    return Number(row.n ?? 0);
  }
}
