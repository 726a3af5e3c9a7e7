// Metrics: the one object that holds Parlor's counters and histograms, so /metrics shows the
// whole deployment however many isolates served it. Isolates send it batches (see
// shared/metrics.ts), about one per busy isolate per second; it adds them up in its SQLite
// storage, so counts survive eviction and restarts and Prometheus never sees a spurious reset.
// One well-known instance, `idFromName("global")`.
import { DurableObject } from "cloudflare:workers";
import { AI_OUTCOMES, FAMILIES, type Family, header, type MetricBatch } from "../../shared/metrics";
import { type BacklogSummary, backlogSummary, createBacklogTable, recordBacklog, renderBacklog } from "./backlog";

/** Rooms whose last report said "no sockets" are forgotten after this long. */
const FORGET_EMPTY_ROOMS_MS = 24 * 3600_000;

/** Series shown at zero before their first event, so rate() and alerts work from the start. */
const ZERO_SERIES: Record<string, string[]> = {
  parlor_messages_total: [""],
  parlor_history_flush_failures_total: [""],
  parlor_ai_jobs_total: AI_OUTCOMES.map((o) => `outcome="${o}"`),
};

const families = FAMILIES as Record<string, Family>;

export class Metrics extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS counters (name TEXT NOT NULL, labels TEXT NOT NULL, value REAL NOT NULL, PRIMARY KEY (name, labels));
      CREATE TABLE IF NOT EXISTS histograms (
        name TEXT NOT NULL, labels TEXT NOT NULL, buckets TEXT NOT NULL, sum REAL NOT NULL, count INTEGER NOT NULL,
        PRIMARY KEY (name, labels));
      CREATE TABLE IF NOT EXISTS room_sockets (room TEXT PRIMARY KEY, open INTEGER NOT NULL, at INTEGER NOT NULL);
    `);
    createBacklogTable(this.sql);
  }

  /** The write-behind backlog per store (see backlog.ts), for /api/health. */
  backlog(): BacklogSummary {
    return backlogSummary(this.sql);
  }

  /** Adds one isolate's batch. Synchronous, so batches never interleave. */
  record(batch: MetricBatch): void {
    for (const { name, labels, value } of batch.counters) {
      if (families[name]?.type !== "counter" || !(value >= 0)) continue;
      this.sql.exec(
        `INSERT INTO counters (name, labels, value) VALUES (?, ?, ?)
         ON CONFLICT (name, labels) DO UPDATE SET value = value + excluded.value`,
        name,
        labels,
        value,
      );
    }
    for (const h of batch.histograms) {
      const bounds = families[h.name]?.buckets;
      if (!bounds || h.buckets.length !== bounds.length || !(h.count >= 0)) continue;
      const [row] = this.sql
        .exec<{ buckets: string; sum: number; count: number }>(
          "SELECT buckets, sum, count FROM histograms WHERE name = ? AND labels = ?",
          h.name,
          h.labels,
        )
        .toArray();
      const old = row ? (JSON.parse(row.buckets) as number[]) : [];
      // Bucket bounds changed in a deploy: the old counts cannot be mapped, so they start over.
      const same = old.length === bounds.length;
      const buckets = h.buckets.map((n, i) => n + (same ? (old[i] ?? 0) : 0));
      this.sql.exec(
        "INSERT OR REPLACE INTO histograms (name, labels, buckets, sum, count) VALUES (?, ?, ?, ?, ?)",
        h.name,
        h.labels,
        JSON.stringify(buckets),
        h.sum + (same && row ? row.sum : 0),
        h.count + (same && row ? row.count : 0),
      );
    }
    for (const { room, open, at } of batch.sockets) {
      if (!Number.isInteger(open) || open < 0) continue;
      // Reports can arrive out of order (two flushes in flight): the newest count wins.
      this.sql.exec(
        `INSERT INTO room_sockets (room, open, at) VALUES (?, ?, ?)
         ON CONFLICT (room) DO UPDATE SET open = excluded.open, at = excluded.at WHERE excluded.at >= room_sockets.at`,
        room,
        open,
        at,
      );
    }
    recordBacklog(this.sql, batch.backlog ?? []);
    if (batch.sockets.length > 0) this.sql.exec("DELETE FROM room_sockets WHERE open = 0 AND at < ?", Date.now() - FORGET_EMPTY_ROOMS_MS);
  }

  /** Everything this object holds, in the Prometheus text format (version 0.0.4). */
  render(): string {
    const out: string[] = [];
    for (const [name, family] of Object.entries(families)) {
      header(out, name, family.type, family.help);
      if (family.type === "counter") this.renderCounter(out, name);
      else this.renderHistogram(out, name, family.buckets ?? []);
    }
    const open = this.sql.exec<{ n: number }>("SELECT coalesce(sum(open), 0) AS n FROM room_sockets").one().n;
    header(out, "parlor_websockets_open", "gauge", "WebSockets open across all rooms, as each room last reported.");
    out.push(`parlor_websockets_open ${open}`);
    renderBacklog(this.sql, out);
    return `${out.join("\n")}\n`;
  }

  private renderCounter(out: string[], name: string) {
    const rows = this.sql
      .exec<{ labels: string; value: number }>("SELECT labels, value FROM counters WHERE name = ? ORDER BY labels", name)
      .toArray();
    const seen = new Set(rows.map((r) => r.labels));
    const zeros = (ZERO_SERIES[name] ?? []).filter((l) => !seen.has(l)).map((labels) => ({ labels, value: 0 }));
    for (const { labels, value } of [...zeros, ...rows].sort((a, b) => a.labels.localeCompare(b.labels))) {
      out.push(`${name}${braces(labels)} ${value}`);
    }
  }

  private renderHistogram(out: string[], name: string, bounds: readonly number[]) {
    const rows = this.sql
      .exec<{ labels: string; buckets: string; sum: number; count: number }>(
        "SELECT labels, buckets, sum, count FROM histograms WHERE name = ? ORDER BY labels",
        name,
      )
      .toArray();
    for (const { labels, buckets, sum, count } of rows) {
      const counts = JSON.parse(buckets) as number[];
      const sep = labels ? `${labels},` : "";
      bounds.forEach((bound, i) => {
        out.push(`${name}_bucket{${sep}le="${bound}"} ${counts[i] ?? 0}`);
      });
      out.push(`${name}_bucket{${sep}le="+Inf"} ${count}`);
      // Twelve significant digits: float noise (0.028999999999999998) helps nobody reading it.
      out.push(`${name}_sum${braces(labels)} ${Number(sum.toPrecision(12))}`);
      out.push(`${name}_count${braces(labels)} ${count}`);
    }
  }
}

function braces(labels: string): string {
  return labels ? `{${labels}}` : "";
}
