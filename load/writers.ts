// k6 entry: writers only. REST posts at WRITE_RATE/s for DURATION, spread over the members of
// ROOMS rooms so no single user hits the per-user send limit.
//   k6 run -e BASE_URL=https://parlor.example.workers.dev -e WRITE_RATE=10 load/writers.ts
import type { Options } from "k6/options";
import { config } from "./lib/config.ts";
import { createFixture, type Fixture, removeFixture } from "./lib/fixtures.ts";
import * as t from "./lib/thresholds.ts";
import { writersScenario } from "./scenarios/rest.ts";

export { writers } from "./scenarios/rest.ts";

export const options: Options = {
  scenarios: { writers: writersScenario(config.duration) },
  thresholds: t.merge(t.common, t.writers),
  setupTimeout: "10m",
  summaryTrendStats: t.trendStats,
};

export function setup(): Fixture {
  return createFixture({ rooms: true });
}

export function teardown(data: Fixture): void {
  removeFixture(data);
}
