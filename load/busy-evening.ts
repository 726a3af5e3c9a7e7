// k6 entry: the mixed "busy evening" profile, every scenario at once over DURATION (default
// 5m). Readers and writers ramp up over the first fifth, hold, and ramp down over the last;
// the fan-out sockets and the AI conversations stay open throughout, so the REST writers'
// messages also fan out to them and their delivery latency is measured too (tag src:rest).
//   k6 run -e BASE_URL=https://parlor.example.workers.dev -e DURATION=10m load/busy-evening.ts
import type { Options } from "k6/options";
import { config, durationMs, str } from "./lib/config.ts";
import { entry } from "./lib/entry.ts";
import * as t from "./lib/thresholds.ts";
import { aiScenario } from "./scenarios/ai-turns.ts";
import { fanoutScenario } from "./scenarios/fanout.ts";
import { eveningStages, perMinute, readersScenario, writersScenario } from "./scenarios/rest.ts";

export { aiTurns } from "./scenarios/ai-turns.ts";
export { fanout } from "./scenarios/fanout.ts";
export { readers, writers } from "./scenarios/rest.ts";

const evening = durationMs(str("DURATION", "5m"));

// READ_RATE=0, WRITE_RATE=0 or AI_ROOMS=0 leaves that part out, with its thresholds.
const reading = perMinute(config.readRate) > 0;
const writing = perMinute(config.writeRate) > 0;
const scenarios: NonNullable<Options["scenarios"]> = { fanout: fanoutScenario(evening) };
if (reading) scenarios.readers = readersScenario(evening, "0s", eveningStages(config.readRate, evening));
if (writing) scenarios.writers = writersScenario(evening, "0s", eveningStages(config.writeRate, evening));
if (config.aiRooms > 0) scenarios.ai = aiScenario(evening);

export const { options, setup, teardown } = entry({
  scenarios,
  thresholds: [reading ? t.readers : {}, writing ? t.writers : {}, t.fanout, config.aiRooms > 0 ? t.ai : {}],
  needs: { rooms: true, seed: true, aiRooms: config.aiRooms > 0 },
  setupTimeout: "15m",
});
