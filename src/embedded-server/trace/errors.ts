// Errors of the trace bus: a stable code, a message a user can act on, and for session imports the
// line that was wrong, so that a hand-edited or truncated session file can be fixed.

export type TraceErrorCode =
  /** A session line is not JSON. */
  | 'IMPORT_BAD_JSON'
  /** The first line is not a juggler-studio-trace header, or of a version we cannot read. */
  | 'IMPORT_BAD_HEADER'
  /** A line is JSON but not a trace event (missing or mistyped field). */
  | 'IMPORT_BAD_EVENT'
  /** Events must come in increasing `seq` order, as they were recorded. */
  | 'IMPORT_SEQ_ORDER'
  /** The session has no header line at all. */
  | 'IMPORT_EMPTY'
  /** The spill file could not be opened or written. */
  | 'SPILL_FAILED'
  /** spillTo() while a spill is already running. */
  | 'SPILL_ACTIVE'
  /** The spill file is not inside the folder spills are confined to (the Studio's data folder). */
  | 'SPILL_OUTSIDE_DIR';

export class TraceError extends Error {
  override readonly name = 'TraceError';

  constructor(
    readonly code: TraceErrorCode,
    message: string,
    /** 1-based line of the session file, for import errors. */
    readonly line?: number,
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
  }
}
