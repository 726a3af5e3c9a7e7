// k6 entry: readers only. Room list plus history pages at READ_RATE iterations/s for DURATION.
//   k6 run -e BASE_URL=https://parlor.example.workers.dev load/readers.ts
import type { Options } from "k6/options";
import { config } from "./lib/config.ts";
import { createFixture, type Fixture, removeFixture } from "./lib/fixtures.ts";
import * as t from "./lib/thresholds.ts";
import { readersScenario } from "./scenarios/rest.ts";

export { readers } from "./scenarios/rest.ts";

export const options: Options = {
  scenarios: { readers: readersScenario(config.duration) },
  thresholds: t.merge(t.common, t.readers),
  setupTimeout: "10m",
  summaryTrendStats: t.trendStats,
};

export function setup(): Fixture {
  return createFixture({ rooms: true, seed: true });
}

export function teardown(data: Fixture): void {
  removeFixture(data);
}
