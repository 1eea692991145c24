// The one percentile the project reports (load runs, callee durations, the UI): nearest rank, the
// smallest sample with at least p% of the samples at or below it. Exact, where a histogram would round.

/** `sorted`: ascending. p in [0, 100]; 0 for no samples. */
export function nearestRank(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return sorted[Math.min(rank, n) - 1]!;
}
