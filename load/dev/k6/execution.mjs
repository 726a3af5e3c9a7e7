// Shim of "k6/execution": the running VU's identity, read from its context.
import { current } from "./runtime.mjs";

const exec = {
  get scenario() {
    const c = current();
    return {
      name: c.scenario.name,
      executor: c.scenario.executor,
      startTime: 0,
      progress: 0,
      iterationInInstance: c.iterationInTest,
      iterationInTest: c.iterationInTest,
    };
  },
  get vu() {
    const c = current();
    return {
      idInInstance: c.vu.idInTest,
      idInTest: c.vu.idInTest,
      iterationInInstance: c.vu.iterations,
      iterationInScenario: c.iterationInScenario,
      tags: {},
      metrics: { tags: {}, metadata: {} },
    };
  },
  get instance() {
    return { iterationsInterrupted: 0, iterationsCompleted: 0, vusActive: 0, vusInitialized: 0, currentTestRunDuration: 0 };
  },
  test: {
    abort(reason) {
      throw new Error(`test aborted: ${reason ?? ""}`);
    },
    fail(message) {
      console.error(`test marked failed: ${message ?? ""}`);
    },
    options: {},
  },
};

export default exec;
export const { test } = exec;
