// The inspector's errors: one stable code per failure mode, each message saying what to do about it.

export type InspectorErrorCode =
  /** Redis cannot be reached (down, refused, not ready yet); nothing was waited for. */
  | 'UNAVAILABLE'
  /** Redis did not answer within `commandTimeoutMs`. */
  | 'TIMEOUT'
  /** A key holds another type than juggler would put there (e.g. a hash under juggler:calls:{x}). */
  | 'WRONGTYPE'
  /** An argument is out of range (page size, empty tap). */
  | 'INVALID_ARGUMENT'
  /** A key given as a BinaryText that does not identify one (cut to a preview, without its bytes). */
  | 'INVALID_KEY'
  /** The inspector was closed. */
  | 'CLOSED';

export class InspectorError extends Error {
  override readonly name = 'InspectorError';
  constructor(
    readonly code: InspectorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True for the errors ioredis raises when it has no usable connection (no offline queue). */
export function isConnectionError(err: unknown): boolean {
  const msg = (err as Error)?.message ?? '';
  return /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|Cluster isn't ready|None of startup nodes is available|Failed to refresh slots cache|connect ETIMEDOUT/.test(
    msg,
  );
}
