// Every failure of user callees is a value with a stable `code` and a message the user can act on.
// Compile and load failures of a handler are not thrown: save() returns them as diagnostics, because
// they are the user's to fix in the editor while the previous version keeps serving.

export type UserCalleeErrorCode =
  /** A URI that is empty, too long or holds control characters. */
  | 'INVALID_URI'
  /** A language other than 'js' or 'ts'. */
  | 'INVALID_LANGUAGE'
  /** remove/start/stop of a URI that has no handler. */
  | 'UNKNOWN_URI'
  /** A handler whose last saved source failed to load (see list()[i].error): fix it with save(). */
  | 'HANDLER_NOT_LOADED'
  /** Writing or reading the handler files in dataDir failed. */
  | 'STORE_FAILED'
  /** Any call after close(). */
  | 'CLOSED';

export class UserCalleeError extends Error {
  override readonly name = 'UserCalleeError';
  constructor(
    readonly code: UserCalleeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Why a worker was taken away from the call it was running. */
export type KillReason =
  /** It ran past its time limit and was terminated. */
  | 'time'
  /** It reached its heap limit (ERR_WORKER_OUT_OF_MEMORY). */
  | 'memory'
  /** An exception escaped the handler (e.g. thrown from a timer), or it called process.exit(). */
  | 'crash';

/**
 * A call whose worker was terminated or died. Its message goes to the caller as the error result
 * (`{"error":{"message":"... killed after N ms ..."}}`); the worker is replaced.
 */
export class HandlerKilledError extends Error {
  override readonly name = 'HandlerKilledError';
  readonly code = 'HANDLER_KILLED';
  constructor(
    readonly reason: KillReason,
    readonly afterMs: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * An error thrown (or a promise rejected) by the user's handler, carried over from its worker. The
 * caller gets the error's own JSON form when it had one (toJSON), `{"error":{"message"}}` otherwise.
 */
export class HandlerError extends Error {
  override readonly name = 'HandlerError';
  readonly code = 'HANDLER_ERROR';
  constructor(
    message: string,
    readonly result: unknown,
    readonly userStack?: string,
  ) {
    super(message);
  }

  toJSON(): unknown {
    return this.result;
  }
}
