// Small statistics helpers for the benchmark: percentiles by nearest rank over all samples
// (no histogram bucketing, so p99 of a few thousand samples is an actual observed latency),
// and the median/min/max spread of repeated runs.

export function percentiles(samples, ps = [50, 95, 99]) {
  const sorted = Float64Array.from(samples).sort();
  const out = {};
  for (const p of ps) {
    out[`p${p}`] = sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  }
  out.max = sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1];
  out.n = sorted.length;
  return out;
}

export function spread(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN,
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

export const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
export const fmtInt = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "n/a");
export const fmtSpread = (s, digits = 0) =>
  digits === 0
    ? `${fmtInt(s.median)} (${fmtInt(s.min)}–${fmtInt(s.max)})`
    : `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;
