// What every k6 entry script exports, built in one place: `options` (its scenarios, the common
// thresholds merged with its own, setup time, summary statistics), and `setup`/`teardown`,
// which create the fixture it needs through the public API and remove it again.
//   export const { options, setup, teardown } = entry({ scenarios, thresholds, needs });
import type { Options } from "k6/options";
import { createFixture, type Fixture, type FixtureNeeds, removeFixture } from "./fixtures.ts";
import * as t from "./thresholds.ts";

export interface EntrySpec {
  scenarios: NonNullable<Options["scenarios"]>;
  /** Service levels beyond `t.common`, which every script gets. */
  thresholds: t.Thresholds[];
  needs: FixtureNeeds;
  /** Registering many users is throttled; see the README. */
  setupTimeout?: string;
}

export function entry(spec: EntrySpec) {
  const options: Options = {
    scenarios: spec.scenarios,
    thresholds: t.merge(t.common, ...spec.thresholds),
    setupTimeout: spec.setupTimeout ?? "10m",
    summaryTrendStats: t.trendStats,
  };
  return {
    options,
    setup: (): Fixture => createFixture(spec.needs),
    teardown: (data: Fixture): void => removeFixture(data),
  };
}
