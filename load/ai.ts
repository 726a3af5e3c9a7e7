// k6 entry: AI turns only, one socket per AI room (AI_ROOMS), each taking turns for DURATION.
// Run it against the dummy provider (no GEMINI_API_KEYS) or a staging key, never production.
//   k6 run -e BASE_URL=http://127.0.0.1:5173 -e AI_ROOMS=4 load/ai.ts
import type { Options } from "k6/options";
import { config } from "./lib/config.ts";
import { createFixture, type Fixture, removeFixture } from "./lib/fixtures.ts";
import * as t from "./lib/thresholds.ts";
import { aiScenario } from "./scenarios/ai-turns.ts";

export { aiTurns } from "./scenarios/ai-turns.ts";

export const options: Options = {
  scenarios: { ai: aiScenario(config.duration) },
  thresholds: t.merge(t.common, t.ai),
  setupTimeout: "10m",
  summaryTrendStats: t.trendStats,
};

export function setup(): Fixture {
  return createFixture({ aiRooms: true });
}

export function teardown(data: Fixture): void {
  removeFixture(data);
}
