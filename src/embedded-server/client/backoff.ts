// Reconnection delays: exponential with a cap, and jitter so that many clients dropped together (a server
// restart) do not all come back in the same millisecond.

export interface BackoffOptions {
  /** Delay before the first attempt, in ms. */
  initialDelayMs: number;
  /** The delay never grows beyond this, in ms. */
  maxDelayMs: number;
  /** Growth factor between attempts. */
  factor: number;
  /** Fraction of the delay taken off at random (0: none, 0.5: anywhere between half and all of it). */
  jitter: number;
}

/** The delay before attempt `attempt` (1-based). `random` is injectable for tests. */
export function backoffDelay(attempt: number, o: BackoffOptions, random: () => number = Math.random): number {
  const exp = o.initialDelayMs * o.factor ** Math.max(0, attempt - 1);
  const capped = Math.min(o.maxDelayMs, exp);
  return Math.round(capped * (1 - o.jitter * random()));
}
