// The quota day. The pooled provider's per-day quotas reset at midnight Pacific time, so the
// KeyPool's day starts there too, daylight saving included.

/** Start of the quota day containing `at` (ms since the epoch). */
const HOUR = 3_600_000;

export function quotaDayStart(at: number): number {
  const wallClock = (t: number) => {
    const parts = Object.fromEntries(
      pacific()
        .formatToParts(t)
        .map((p) => [p.type, Number(p.value)]),
    );
    return Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  };
  const local = wallClock(at);
  const offset = local - Math.floor(at / 1000) * 1000;
  const midnightLocal = local - (local % (24 * HOUR));
  let start = midnightLocal - offset;
  // On a DST change day midnight had the other offset; one correction settles it.
  const drift = wallClock(start) - midnightLocal;
  if (drift !== 0) start -= drift;
  return start;
}

/** Built on first use: a formatter with a time zone loads the zone's data, which costs an
 * isolate's start-up more than everything else in it (see docs/benchmarks.md, "Worker start-up"). */
let pacificFormat: Intl.DateTimeFormat | undefined;
const pacific = () =>
  (pacificFormat ??= new Intl.DateTimeFormat("en-US", {
    timeZone: "America/Los_Angeles",
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }));

/** Start of the quota day after the one containing `at` (days are 23 to 25 hours long). */
export function nextQuotaDayStart(at: number): number {
  return quotaDayStart(quotaDayStart(at) + 25 * HOUR);
}
