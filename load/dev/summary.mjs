// End-of-test summary for the shim, laid out like k6's compact summary: thresholds with their
// observed values, checks, then every metric. Returns true when a threshold failed (the
// runner then exits 99, as k6 does).
import { registry } from "./k6/runtime.mjs";

const BUILTIN = /^(http_|ws_(connecting|sessions|msgs_|session_duration)|checks$)/;

/** k6's built-in metrics exist before their first sample; the shim registers them on first use. */
const BUILTIN_TYPES = {
  http_reqs: "counter",
  http_req_duration: "trend",
  http_req_failed: "rate",
  checks: "rate",
  // The stand-in never skips an arrival-rate iteration, so this one stays at 0.
  dropped_iterations: "counter",
};

function select(key) {
  const m = /^([^{]+)(?:\{(.*)\})?$/.exec(key);
  const type = BUILTIN_TYPES[m[1]];
  const metric = registry.get(m[1]) ?? (type ? { name: m[1], type, isTime: type === "trend", samples: [] } : undefined);
  if (metric === undefined) return undefined;
  const filters = (m[2] ?? "")
    .split(",")
    .filter(Boolean)
    .map((kv) => kv.split(":").map((x) => x.trim()));
  const samples = metric.samples.filter((s) => filters.every(([k, v]) => String(s.tags[k]) === v));
  return { ...metric, samples };
}

function stat(metric, name, seconds) {
  const values = metric.samples.map((s) => s.value);
  if (metric.type === "rate") return name === "rate" ? values.filter((v) => v !== 0).length / Math.max(values.length, 1) : Number.NaN;
  if (metric.type === "counter")
    return name === "count"
      ? values.reduce((a, b) => a + b, 0)
      : name === "rate"
        ? values.reduce((a, b) => a + b, 0) / seconds
        : Number.NaN;
  if (metric.type === "gauge") return name === "value" ? (values.at(-1) ?? 0) : Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // k6's trend sink reports 0 for every statistic while it is empty.
  if (sorted.length === 0)
    return name === "avg" || name === "min" || name === "max" || name === "med" || /^p\(/.test(name) ? 0 : Number.NaN;
  const pct = (p) => {
    // k6 interpolates between the two nearest ranks.
    const i = (p / 100) * (sorted.length - 1);
    const lo = Math.floor(i);
    return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (i - lo);
  };
  if (name === "avg") return values.reduce((a, b) => a + b, 0) / values.length;
  if (name === "min") return sorted[0];
  if (name === "max") return sorted.at(-1);
  if (name === "med") return pct(50);
  const p = /^p\((\d+(?:\.\d+)?)\)$/.exec(name);
  return p ? pct(Number(p[1])) : Number.NaN;
}

const show = (metric, v) =>
  Number.isNaN(v) ? "n/a" : metric.type === "rate" ? `${(v * 100).toFixed(2)}%` : metric.isTime ? `${v.toFixed(2)}ms` : `${+v.toFixed(4)}`;
const OPS = {
  "<": (a, b) => a < b,
  "<=": (a, b) => a <= b,
  ">": (a, b) => a > b,
  ">=": (a, b) => a >= b,
  "==": (a, b) => a === b,
  "===": (a, b) => a === b,
  "!=": (a, b) => a !== b,
};

export function summarize(options, seconds) {
  const out = ["", "  █ THRESHOLDS", ""];
  let failed = false;
  for (const [key, rules] of Object.entries(options.thresholds ?? {})) {
    const metric = select(key);
    out.push(`    ${key}`);
    for (const rule of rules) {
      const expr = typeof rule === "string" ? rule : rule.threshold;
      const m = /^\s*([a-z]+|p\(\d+(?:\.\d+)?\))\s*(<=|>=|===|==|!=|<|>)\s*(-?[\d.]+)\s*$/.exec(expr);
      if (metric === undefined || m === null) {
        failed = true;
        out.push(`    ✗ '${expr}' (${metric === undefined ? "no such metric" : "cannot parse"})`);
        continue;
      }
      // Like k6's last evaluation at the end of a run (ignoreEmptySinks false in its metrics
      // engine): a metric with no samples is evaluated too, as count 0 and 0 for every trend
      // statistic, so `count>0` fails on nothing measured and `p(95)<300` passes; a rate with
      // no samples has no value, and k6 passes its threshold whatever the rule
      // (metrics/thresholds.go: Run sets "rate" only when Total > 0, runNoTaint passes a
      // missing value).
      if (metric.type === "rate" && metric.samples.length === 0) {
        out.push(`    ✓ '${expr}' ${m[1]}=n/a (no samples: k6 passes it)`);
        continue;
      }
      const v = stat(metric, m[1], seconds);
      const ok = OPS[m[2]](v, Number(m[3]));
      failed ||= !ok;
      out.push(`    ${ok ? "✓" : "✗"} '${expr}' ${m[1]}=${show(metric, v)}`);
    }
  }
  const checks = registry.get("checks")?.samples ?? [];
  const byName = new Map();
  for (const s of checks) {
    const c = byName.get(s.tags.check) ?? { pass: 0, fail: 0 };
    c[s.value ? "pass" : "fail"]++;
    byName.set(s.tags.check, c);
  }
  const pass = checks.filter((s) => s.value).length;
  out.push(
    "",
    "",
    "  █ TOTAL RESULTS",
    "",
    `    checks_total.......: ${checks.length}`,
    `    checks_succeeded...: ${((pass / Math.max(checks.length, 1)) * 100).toFixed(2)}% ${pass} out of ${checks.length}`,
    "",
  );
  for (const [name, c] of byName)
    out.push(
      `    ${c.fail === 0 ? "✓" : "✗"} ${name}${c.fail ? `\n      ↳ ${Math.round((c.pass / (c.pass + c.fail)) * 100)}% — ✓ ${c.pass} / ✗ ${c.fail}` : ""}`,
    );
  const stats = options.summaryTrendStats ?? ["avg", "min", "med", "max", "p(90)", "p(95)"];
  const line = (metric) => {
    const name = `${metric.name}`.padEnd(28, ".");
    if (metric.type === "trend") return `    ${name}: ${stats.map((s) => `${s}=${show(metric, stat(metric, s, seconds))}`).join(" ")}`;
    if (metric.type === "rate")
      return `    ${name}: ${show(metric, stat(metric, "rate", seconds))} ${metric.samples.filter((s) => s.value).length} out of ${metric.samples.length}`;
    return `    ${name}: ${stat(metric, "count", seconds)} ${stat(metric, "rate", seconds).toFixed(4)}/s`;
  };
  const used = [...registry.values()].filter((m) => m.samples.length > 0 && m.name !== "checks");
  out.push("", "    CUSTOM", ...used.filter((m) => !BUILTIN.test(m.name)).map(line));
  out.push("", "    BUILT-IN (as far as the stand-in records them)", ...used.filter((m) => BUILTIN.test(m.name)).map(line));
  out.push(
    "",
    `  running (${seconds.toFixed(1)}s), k6 stand-in under Node ${process.version}${failed ? "\n  ERRO thresholds have been crossed" : ""}`,
    "",
  );
  console.log(out.join("\n"));
  return failed;
}
