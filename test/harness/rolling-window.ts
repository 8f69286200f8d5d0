// Counting events in a rolling window: the process tests and the benchmark check Zoho requests per
// organization against the per-minute limit with it.

/** The most timestamps (ms) in any window [t, t + windowMs): e.g. Zoho requests in a rolling minute. */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}
