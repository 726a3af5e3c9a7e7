// The order files start in within a group. Vitest's own order puts big files first (or slow
// ones, once it has timings, which a fresh clone does not), which leaves a small file holding
// one long test to start last and run alone at the end of its group. Such files go first.
import { BaseSequencer, type TestSpecification } from "vitest/node";

/** Files whose time their size does not show: a single test that runs for most of a minute. */
const LONG = ["test/e2e/long-room.e2e.test.ts", "test/outage/outage.test.ts"];

export class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const long = (f: TestSpecification) => LONG.some((path) => f.moduleId.endsWith(path));
    return [...sorted.filter(long), ...sorted.filter((f) => !long(f))];
  }
}
