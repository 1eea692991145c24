// Errors of the redis watch: values with a stable code and a message a user can act on.

export type WatchErrorCode =
  /** A MONITOR line that is not what redis writes (see monitor-line.ts). */
  | 'BAD_MONITOR_LINE'
  /** The redis could not be reached, refused MONITOR, or went away. */
  | 'UNAVAILABLE'
  /** A watch is already running / none is running. */
  | 'STATE'
  | 'INVALID_ARGUMENT';

export class WatchError extends Error {
  override readonly name = 'WatchError';
  constructor(
    readonly code: WatchErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
