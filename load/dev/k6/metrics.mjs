// Shim of "k6/metrics": samples go to the shim's registry; the runner aggregates them.
import { metric, record } from "./runtime.mjs";

class Metric {
  constructor(name, isTime = false, type) {
    this.name = name;
    this.isTime = isTime;
    this.type = type;
    metric(name, type, isTime);
  }

  add(value, tags) {
    record(this.name, this.type, typeof value === "boolean" ? Number(value) : value, tags, this.isTime);
  }
}

export class Trend extends Metric {
  constructor(name, isTime) {
    super(name, isTime, "trend");
  }
}
export class Counter extends Metric {
  constructor(name) {
    super(name, false, "counter");
  }
}
export class Rate extends Metric {
  constructor(name) {
    super(name, false, "rate");
  }
}
export class Gauge extends Metric {
  constructor(name) {
    super(name, false, "gauge");
  }
}
