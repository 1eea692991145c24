// Redis stamps each MONITOR line with its wall clock in microseconds; trace events carry
// performance.now(). Mapping one onto the other with `Date.now() - performance.now()` is only good to
// a millisecond (Date.now() is whole milliseconds), which is enough to put a server's pop of a result
// after the RES frame that the pop produced. Reading the mapping at the instant Date.now() ticks makes
// it good to a few microseconds.

/** Wall-clock milliseconds minus performance.now() at the same instant, to within microseconds. */
export function wallClockOffsetMs(): number {
  // each reading is a lower bound of the true offset (time passes between seeing the tick and reading
  // performance.now(), more if the process is descheduled there): the largest of a few is the closest
  let best = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < 4; i++) best = Math.max(best, atNextTick());
  return best;
}

function atNextTick(): number {
  const start = Date.now();
  // Date.now() ticks every millisecond; the busy wait lasts at most that long (bounded in case the
  // clock is stepped or coarse)
  const giveUp = performance.now() + 5;
  for (;;) {
    const now = Date.now();
    const perf = performance.now();
    if (now !== start || perf > giveUp) return now - perf;
  }
}
