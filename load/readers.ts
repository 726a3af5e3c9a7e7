// k6 entry: readers only. Room list plus history pages at READ_RATE iterations/s for DURATION.
//   k6 run -e BASE_URL=https://parlor.example.workers.dev load/readers.ts
import { config } from "./lib/config.ts";
import { entry } from "./lib/entry.ts";
import * as t from "./lib/thresholds.ts";
import { readersScenario } from "./scenarios/rest.ts";

export { readers } from "./scenarios/rest.ts";

export const { options, setup, teardown } = entry({
  scenarios: { readers: readersScenario(config.duration) },
  thresholds: [t.readers],
  needs: { rooms: true, seed: true },
});
