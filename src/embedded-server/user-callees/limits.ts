// The limits every user callee runs under: one definition, with the defaults.

export interface UserCalleeLimits {
  /** Worker threads per handler: calls of one URI run at most this many at a time. Default 2. */
  concurrency: number;
  /**
   * Calls popped from redis per worker: the one it runs and those waiting for it. Above 1 this hides
   * the redis round trips of popping and storing behind the runs; the other calls wait in redis, where
   * stop() leaves them. Default 4.
   */
  prefetch: number;
  /**
   * The longest one call may run, ms. A call's own limit is the time it has left (its remaining TTL
   * minus `resultMarginMs`), capped by this. A call past its limit has its worker terminated. Default 10000.
   */
  maxCallMs: number;
  /**
   * Time kept back from a call's remaining TTL so that a killed call's error result still reaches
   * the caller before the call expires, ms. Default 25.
   */
  resultMarginMs: number;
  /** The longest a handler's module body may take to load in a new worker, ms. Default 5000. */
  loadTimeoutMs: number;
  /** Heap limit of each worker (resourceLimits.maxOldGenerationSizeMb), MB. Default 64. */
  maxOldGenerationSizeMb: number;
  /** Young generation of each worker (resourceLimits.maxYoungGenerationSizeMb), MB. Default 16. */
  maxYoungGenerationSizeMb: number;
  /** Stack of each worker (resourceLimits.stackSizeMb), MB. Default 4. */
  stackSizeMb: number;
  /** A console line longer than this is cut, characters. Default 8192. */
  maxLogChars: number;
  /** Modules a handler may require()/import; everything else is refused. */
  allowedModules: readonly string[];
}

/**
 * What a handler may require. Pure computation helpers only: nothing that reaches the file system,
 * the network, child processes or other threads, because handlers run inside the Studio host.
 */
export const DEFAULT_ALLOWED_MODULES: readonly string[] = [
  'node:assert',
  'node:buffer',
  'node:crypto',
  'node:events',
  'node:path',
  'node:querystring',
  'node:string_decoder',
  'node:timers/promises',
  'node:url',
  'node:util',
];

export const DEFAULT_LIMITS: UserCalleeLimits = {
  concurrency: 2,
  prefetch: 4,
  maxCallMs: 10_000,
  resultMarginMs: 25,
  loadTimeoutMs: 5_000,
  maxOldGenerationSizeMb: 64,
  maxYoungGenerationSizeMb: 16,
  stackSizeMb: 4,
  maxLogChars: 8192,
  allowedModules: DEFAULT_ALLOWED_MODULES,
};

export function withDefaultLimits(l: Partial<UserCalleeLimits> = {}): UserCalleeLimits {
  const out = { ...DEFAULT_LIMITS, ...l };
  for (const k of [
    'concurrency',
    'prefetch',
    'maxCallMs',
    'loadTimeoutMs',
    'maxOldGenerationSizeMb',
    'stackSizeMb',
    'maxLogChars',
  ] as const) {
    if (!Number.isFinite(out[k]) || out[k] <= 0) throw new RangeError(`user callee limits.${k} must be a positive number, got ${out[k]}`);
  }
  out.concurrency = Math.max(1, Math.floor(out.concurrency));
  out.prefetch = Math.max(1, Math.floor(out.prefetch));
  return out;
}
