// Service levels as k6 thresholds. A missed threshold makes `k6 run` exit non-zero, so CI or a
// release check can gate on it. Latency budgets are for a deployed Worker measured from a
// client near a Cloudflare location; against `npm run dev` they are generous. The AI budgets
// differ by provider (dummy vs a real key), hence the env overrides.
//
// Every script also needs `count>0` on what it exists to measure (reads, writes, deliveries,
// acks, AI replies), scoped to the scenario that must produce it: k6 evaluates a latency
// threshold on a trend with no samples as passed (its percentiles read 0), and a threshold on
// a rate with no samples passes whatever its rule (metrics/thresholds.go), so without these a
// run that measured nothing would exit 0.
import type { Threshold } from "k6/options";
import { flag, int } from "./config.ts";

export type Thresholds = Record<string, Threshold[]>;

/** Latency budgets, unless NO_LATENCY_THRESHOLDS is set: a run on a busy laptop or CI machine
 * (the black-box suite's) then gates on correctness and on having measured something only.
 * The metrics are left out entirely rather than given no rules. */
const latency = (budgets: Thresholds): Thresholds => (flag("NO_LATENCY_THRESHOLDS") ? {} : budgets);

/** Apply to every script: nothing may fail silently. */
export const common: Thresholds = {
  checks: ["rate>0.99"],
  // 429s on writes are excluded from this (see api.postMessage) and counted separately below.
  http_req_failed: ["rate<0.01"],
};

// An arrival-rate scenario that runs out of VUs skips iterations (dropped_iterations): the
// load it promised was not offered, so its latencies would flatter the server.
export const readers: Thresholds = {
  ...latency({ "http_req_duration{scenario:readers}": ["p(95)<300", "p(99)<800"] }),
  reads_history_ordered: ["rate==1"],
  reads_ok: ["count>0"],
  "dropped_iterations{scenario:readers}": ["count==0"],
};

export const writers: Thresholds = {
  ...latency({ "http_req_duration{scenario:writers}": ["p(95)<400", "p(99)<1000"] }),
  writes_rate_limited: ["rate<0.01"],
  writes_idempotent_resend: ["rate==1"],
  writes_ok: ["count>0"],
  "dropped_iterations{scenario:writers}": ["count==0"],
};

export const fanout: Thresholds = {
  // Send-to-receipt across the Worker, the room object and back out to every member, for
  // messages sent on a socket (a REST writer's stamp also holds its POST's round trip).
  ...latency({ "ws_delivery_latency{src:ws}": ["p(50)<100", "p(95)<250", "p(99)<500"] }),
  ...latency({ ws_ack_latency: ["p(99)<500"] }),
  ...latency({ ws_connect_to_ready: ["p(99)<1500"] }),
  ws_ready_received: ["rate==1"],
  // Correctness is a service level too: one lost or doubled message fails the run.
  ws_seq_gaps: ["count==0"],
  ws_duplicates: ["count==0"],
  ws_out_of_order: ["count==0"],
  ws_unacked: ["count==0"],
  ws_unexpected_closes: ["count==0"],
  ws_rate_limited: ["count==0"],
  // The fan-out's own senders: in busy-evening, REST writes and AI turns feed these metrics too.
  "ws_deliveries{src:ws}": ["count>0"],
  "ws_acks{scenario:fanout}": ["count>0"],
};

export const ai: Thresholds = {
  ...latency({ ai_time_to_first_delta: [`p(95)<${int("AI_FIRST_DELTA_P95_MS", 2000)}`] }),
  ...latency({ ai_time_to_final: [`p(95)<${int("AI_FINAL_P95_MS", 15000)}`] }),
  ai_reply_ok: ["rate>0.99"],
  ai_replies: ["count>0"],
  "ws_acks{scenario:ai}": ["count>0"],
  "ws_ready_received{scenario:ai}": ["rate==1"],
  ws_unexpected_closes: ["count==0"],
};

export function merge(...sets: Thresholds[]): Thresholds {
  const out: Thresholds = {};
  for (const set of sets) {
    for (const [metric, rules] of Object.entries(set)) {
      const existing = out[metric] ?? [];
      out[metric] = [...existing, ...rules.filter((r) => !existing.includes(r))];
    }
  }
  return out;
}

/** p99 is what the service levels are written in, so the summary shows it. */
export const trendStats = ["avg", "min", "med", "p(95)", "p(99)", "max"];
