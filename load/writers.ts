// k6 entry: writers only. REST posts at WRITE_RATE/s for DURATION, spread over the members of
// ROOMS rooms so no single user hits the per-user send limit.
//   k6 run -e BASE_URL=https://parlor.example.workers.dev -e WRITE_RATE=10 load/writers.ts
import { config } from "./lib/config.ts";
import { entry } from "./lib/entry.ts";
import * as t from "./lib/thresholds.ts";
import { writersScenario } from "./scenarios/rest.ts";

export { writers } from "./scenarios/rest.ts";

export const { options, setup, teardown } = entry({
  scenarios: { writers: writersScenario(config.duration) },
  thresholds: [t.writers],
  needs: { rooms: true },
});
