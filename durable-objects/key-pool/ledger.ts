// Key rotation: which key to use next, and how many requests each project has left (keys of
// one project share a counter; see shared/api-keys.ts). The ledger keeps everything
// in the KeyPool object's SQLite storage (nothing in memory but the parsed secret), so
// counters and cooldowns survive eviction and restarts. The key strings themselves are never
// written to storage: rows are keyed by the keys' ids.
import type { KeyEntry, PoolConfig } from "../../shared/config";
import { nextQuotaDayStart, quotaDayStart } from "./quota-day";

export type AcquireResult = { ok: true; key: string; keyId: string } | { ok: false; retryAfterMs: number };

export interface KeyStatus {
  keyId: string;
  /** The key masked to its last 4 characters. */
  key: string;
  project: string | null;
  requestsThisMinute: number;
  requestsToday: number;
  /** ISO time the key may be used again, or null when it is not cooling down. */
  cooldownUntil: string | null;
  lastUsedAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

export interface PoolStatus {
  keys: KeyStatus[];
  limits: { maxPerMinute: number | null; maxPerDay: number | null; cooldownSeconds: number };
}

const MINUTE = 60_000;

export class KeyLedger {
  constructor(
    private readonly sql: SqlStorage,
    private readonly config: PoolConfig,
    private readonly now: () => number = Date.now,
  ) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS key_state (
        id TEXT PRIMARY KEY,
        last_used_at INTEGER NOT NULL DEFAULT 0,
        cooldown_until INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        last_error_at INTEGER,
        last_success_at INTEGER
      );
      CREATE TABLE IF NOT EXISTS group_state (
        id TEXT PRIMARY KEY,
        cooldown_until INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE IF NOT EXISTS requests (group_id TEXT NOT NULL, at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS requests_by_group ON requests (group_id, at);
      CREATE INDEX IF NOT EXISTS requests_by_time ON requests (at);
    `);
  }

  /** Hands out the least recently used key that may take a request now, and counts it. */
  acquire(): AcquireResult {
    if (this.config.keys.length === 0) throw new Error("the key pool holds no keys");
    const now = this.now();
    const dayStart = quotaDayStart(now);
    this.sql.exec("DELETE FROM requests WHERE at <= ?", Math.min(now - MINUTE, dayStart - 1));

    const groupFree = new Map<string, number>();
    let best: { entry: KeyEntry; lastUsed: number } | undefined;
    let earliest = Number.POSITIVE_INFINITY;
    for (const entry of this.config.keys) {
      let free = groupFree.get(entry.group);
      if (free === undefined) {
        free = this.groupFreeAt(entry.group, now, dayStart);
        groupFree.set(entry.group, free);
      }
      const state = this.keyState(entry.id);
      const freeAt = Math.max(free, state.cooldown_until);
      if (freeAt > now) {
        earliest = Math.min(earliest, freeAt);
      } else if (!best || state.last_used_at < best.lastUsed) {
        best = { entry, lastUsed: state.last_used_at };
      }
    }
    if (!best) return { ok: false, retryAfterMs: Math.max(1, earliest - now) };

    this.sql.exec("INSERT INTO requests (group_id, at) VALUES (?, ?)", best.entry.group, now);
    this.upsertKey(best.entry.id, "last_used_at = ?", now);
    return { ok: true, key: best.entry.key, keyId: best.entry.id };
  }

  /** A 429: the whole project rests for the server's retry delay, else the configured one. */
  reportRateLimited(keyId: string, retryAfterMs?: number): void {
    const entry = this.entry(keyId);
    if (!entry) return;
    const now = this.now();
    const rest = retryAfterMs !== undefined && retryAfterMs > 0 ? Math.ceil(retryAfterMs) : this.config.cooldownMs;
    const until = now + rest;
    this.sql.exec(
      `INSERT INTO group_state (id, cooldown_until) VALUES (?, ?)
       ON CONFLICT (id) DO UPDATE SET cooldown_until = max(cooldown_until, excluded.cooldown_until)`,
      entry.group,
      until,
    );
    this.recordError(keyId, `rate limited (429); resting ${Math.ceil(rest / 1000)} s`, now);
  }

  reportSuccess(keyId: string): void {
    if (this.entry(keyId)) this.upsertKey(keyId, "last_success_at = ?", this.now());
  }

  /** Records a failure; `cooldownMs` benches this key alone (e.g. the provider refused the key). */
  reportError(keyId: string, message: string, cooldownMs?: number): void {
    if (!this.entry(keyId)) return;
    const now = this.now();
    this.recordError(keyId, message.slice(0, 500), now);
    if (cooldownMs !== undefined && cooldownMs > 0) {
      this.upsertKey(keyId, "cooldown_until = max(cooldown_until, ?)", now + cooldownMs);
    }
  }

  status(): PoolStatus {
    const now = this.now();
    const dayStart = quotaDayStart(now);
    const keys = this.config.keys.map((entry): KeyStatus => {
      const state = this.keyState(entry.id);
      const cooldown = Math.max(state.cooldown_until, this.groupCooldown(entry.group));
      return {
        keyId: entry.id,
        key: maskKey(entry.key),
        project: entry.project,
        requestsThisMinute: this.count(entry.group, now - MINUTE),
        requestsToday: this.count(entry.group, dayStart - 1),
        cooldownUntil: cooldown > now ? iso(cooldown) : null,
        lastUsedAt: state.last_used_at ? iso(state.last_used_at) : null,
        lastSuccessAt: state.last_success_at ? iso(state.last_success_at) : null,
        lastError: state.last_error,
        lastErrorAt: state.last_error_at ? iso(state.last_error_at) : null,
      };
    });
    const { maxPerMinute, maxPerDay, cooldownMs } = this.config;
    return {
      keys,
      limits: {
        maxPerMinute: Number.isFinite(maxPerMinute) ? maxPerMinute : null,
        maxPerDay: Number.isFinite(maxPerDay) ? maxPerDay : null,
        cooldownSeconds: cooldownMs / 1000,
      },
    };
  }

  /** When the group may take its next request: after its cooldown and both quota windows. */
  private groupFreeAt(group: string, now: number, dayStart: number): number {
    let free = this.groupCooldown(group);
    const { maxPerMinute, maxPerDay } = this.config;
    if (Number.isFinite(maxPerMinute)) {
      const recent = this.sql
        .exec<{ at: number }>("SELECT at FROM requests WHERE group_id = ? AND at > ? ORDER BY at", group, now - MINUTE)
        .toArray();
      // The window slides: a slot opens when the request that filled it turns a minute old.
      const blocking = recent[recent.length - maxPerMinute];
      if (blocking) free = Math.max(free, blocking.at + MINUTE);
    }
    if (Number.isFinite(maxPerDay) && this.count(group, dayStart - 1) >= maxPerDay) {
      free = Math.max(free, nextQuotaDayStart(now));
    }
    return free;
  }

  private groupCooldown(group: string): number {
    const row = this.sql.exec<{ cooldown_until: number }>("SELECT cooldown_until FROM group_state WHERE id = ?", group).toArray()[0];
    return row?.cooldown_until ?? 0;
  }

  private count(group: string, after: number): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM requests WHERE group_id = ? AND at > ?", group, after).one().n;
  }

  private keyState(id: string) {
    type Row = {
      last_used_at: number;
      cooldown_until: number;
      last_error: string | null;
      last_error_at: number | null;
      last_success_at: number | null;
    };
    const row = this.sql
      .exec<Row>("SELECT last_used_at, cooldown_until, last_error, last_error_at, last_success_at FROM key_state WHERE id = ?", id)
      .toArray()[0];
    return row ?? { last_used_at: 0, cooldown_until: 0, last_error: null, last_error_at: null, last_success_at: null };
  }

  private upsertKey(id: string, assignment: string, value: number | string): void {
    this.sql.exec(`INSERT INTO key_state (id) VALUES (?) ON CONFLICT (id) DO NOTHING`, id);
    this.sql.exec(`UPDATE key_state SET ${assignment} WHERE id = ?`, value, id);
  }

  private recordError(id: string, message: string, now: number): void {
    this.upsertKey(id, "last_error = ?", message);
    this.upsertKey(id, "last_error_at = ?", now);
  }

  private entry(keyId: string): KeyEntry | undefined {
    return this.config.keys.find((entry) => entry.id === keyId);
  }
}

export function maskKey(key: string): string {
  return `…${key.slice(-4)}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
