// Errors of the recording proxy: a stable code and a message a user can act on. Per-connection
// failures (an upstream that refused, a peer that broke the protocol) cost only that connection and
// reach the user through the hooks; these are thrown only for bad options and a failed listen.

export type ProxyErrorCode =
  /** The upstream is not a ws:// or wss:// URL. */
  | 'BAD_UPSTREAM'
  /** An extra header has no name, an invalid name, or a value with a line break. */
  | 'BAD_HEADER'
  /** The listen address could not be bound (in use, no permission). */
  | 'LISTEN_FAILED'
  /** listen() on a proxy that is already listening or was closed. */
  | 'NOT_IDLE'
  /** A client connection failed: the upstream refused or was unreachable, or a peer broke the protocol. */
  | 'CONNECTION_FAILED';

export class ProxyError extends Error {
  override readonly name = 'ProxyError';
  constructor(
    readonly code: ProxyErrorCode,
    message: string,
  ) {
    super(message);
  }
}
