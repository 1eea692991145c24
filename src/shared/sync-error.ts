// Every failure of the sync protocol is a SyncError with a stable `code`. Protocol errors also carry the
// websocket close code to send: the connection that received bad data is closed with it, nothing else.
// In src/shared because the JSON Patch module (json-patch/) throws it too, for the engine and the Studio's
// renderer alike; the engine re-exports it from src/embedded-server/sync/errors.ts.

import { CloseCode } from './close-code';

// The close codes are the one table of close-code.ts, re-exported for the modules that take them from here (json-patch/).
export { CloseCode };

export type SyncErrorCode =
  /** `send`, `set`, `flush` or a pending promise after the connection closed. */
  | 'CONNECTION_CLOSED'
  /** A value that JSON cannot carry (NaN, Infinity, undefined, a function, a cycle...). */
  | 'INVALID_JSON_VALUE'
  /** A text frame that is not JSON. */
  | 'MALFORMED_JSON'
  /** A binary websocket frame. */
  | 'BINARY_FRAME'
  /** A message whose `type` this generation does not know. */
  | 'UNKNOWN_MESSAGE_TYPE'
  /** A message of a known type with a missing or mistyped field. */
  | 'MALFORMED_MESSAGE'
  /** A frame of another generation than the configured one. */
  | 'GENERATION_MISMATCH'
  /** A 0.7 frame that is empty or starts with a header other than 0-3. */
  | 'UNKNOWN_SEGMENT_HEADER'
  /** A patch that is not a valid RFC 6902 patch or cannot be applied to the current data. */
  | 'PATCH_FAILED'
  /** A message over the configured size limit. */
  | 'MESSAGE_TOO_BIG'
  /** A message or the data a patch builds nests deeper than maxDepth. */
  | 'TOO_DEEP'
  /** A patch with more operations than maxPatchOperations. */
  | 'TOO_MANY_OPERATIONS'
  /** A patch whose copy operations would duplicate more than maxCopiedValues values. */
  | 'PATCH_TOO_LARGE'
  /** 0.7: a message's segments did not end within unfinishedMessageTimeout. */
  | 'UNFINISHED_MESSAGE_TIMEOUT'
  /** 0.7: the server's unfinished messages together exceed maxUnfinishedTotal; the largest is dropped. */
  | 'UNFINISHED_TOTAL_EXCEEDED'
  /** A listener of this connection's events threw: logged, and the connection is closed with 1011. */
  | 'LISTENER_FAILED'
  /** No frame arrived within the ping timeout. */
  | 'PING_TIMEOUT'
  /** The other side answered a request (0.6/0.7) or an rpc call (seed) with success: false. */
  | 'REQUEST_FAILED'
  /** The rpc layer is not enabled on this peer. */
  | 'RPC_DISABLED'
  /** The websocket could not be opened (refused, wrong path, 401...). */
  | 'CONNECT_FAILED'
  /** A bad option value. */
  | 'INVALID_OPTION';

export class SyncError extends Error {
  override readonly name = 'SyncError';
  readonly code: SyncErrorCode;
  /** The close code to send when this error ends a connection; undefined for errors that do not. */
  readonly closeCode: number | undefined;
  /** For REQUEST_FAILED: the raw `data`/`result` of the failed response, as the other side sent it. */
  readonly data: unknown;

  constructor(code: SyncErrorCode, message: string, options: { closeCode?: number; data?: unknown; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.closeCode = options.closeCode;
    this.data = options.data;
  }

  /** A close reason fits in 123 bytes of UTF-8 (RFC 6455 §5.5): cut on a code-point boundary. */
  closeReason(): string {
    const encoder = new TextEncoder();
    let reason = `${this.code}: ${this.message}`;
    while (encoder.encode(reason).length > 123) reason = Array.from(reason).slice(0, -2).join('');
    return reason;
  }
}
