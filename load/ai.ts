// k6 entry: AI turns only, one socket per AI room (AI_ROOMS), each taking turns for DURATION.
// Run it against the dummy provider (no GEMINI_API_KEYS) or a staging key, never production.
//   k6 run -e BASE_URL=http://127.0.0.1:5173 -e AI_ROOMS=4 load/ai.ts
import { config } from "./lib/config.ts";
import { entry } from "./lib/entry.ts";
import * as t from "./lib/thresholds.ts";
import { aiScenario } from "./scenarios/ai-turns.ts";

export { aiTurns } from "./scenarios/ai-turns.ts";

export const { options, setup, teardown } = entry({
  scenarios: { ai: aiScenario(config.duration) },
  thresholds: [t.ai],
  needs: { aiRooms: true },
});
