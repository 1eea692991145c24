// What the redis watch (MONITOR, src/embedded-server/watch) reports of itself, as data only: the bridge
// contract and the Redis view read it.

export interface WatchNodeStatus {
  node: string;
  commands: number;
  dropped: number;
  queued: number;
}

export interface RedisWatchStatus {
  running: boolean;
  nodes: WatchNodeStatus[];
  /** Commands seen on all nodes. */
  commands: number;
  /** Commands per second over the last second. */
  rate: number;
  /** Lines dropped because processing could not keep up. */
  dropped: number;
  /** Lines that were not MONITOR lines (see parse errors). */
  parseErrors: number;
  lastParseError?: string;
  /** Juggler operations recognised. */
  ops: number;
  limitMs: number;
  /** Date.now() when it started. */
  startedAt: number;
  remainingMs: number;
  stoppedReason?: string;
}
