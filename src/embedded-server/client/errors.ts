// One error class per failure mode of the client. Each has a stable `code` to branch on and a message
// that says what happened and, where there is one, which option to change.
import type { Nack } from '../message';

export type ClientErrorCode =
  | 'INVALID_OPTION'
  | 'NO_WEBSOCKET'
  | 'CONNECT_FAILED'
  | 'CONNECT_TIMEOUT'
  | 'SUBPROTOCOL_REJECTED'
  | 'NOT_CONNECTED'
  | 'CONNECTION_CLOSED'
  | 'RECONNECT_FAILED'
  | 'NACK'
  | 'CALL_ERROR'
  | 'CALL_EXPIRED';

export class JugglerClientError extends Error {
  override name = 'JugglerClientError';
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** An option has a value the client cannot use. */
export class InvalidOptionError extends JugglerClientError {
  override name = 'InvalidOptionError';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super('INVALID_OPTION', `option ${option}: ${message}`);
  }
}

/** No WebSocket constructor: neither the `WebSocket` option nor a global one. */
export class NoWebSocketError extends JugglerClientError {
  override name = 'NoWebSocketError';
  constructor() {
    super(
      'NO_WEBSOCKET',
      'no WebSocket implementation: pass the WebSocket option (e.g. the `ws` package), or use connect() from the client/node module',
    );
  }
}

/** The websocket could not be opened (refused, bad URL, HTTP error, timeout). */
export class ConnectError extends JugglerClientError {
  override name = 'ConnectError';
  constructor(
    code: 'CONNECT_FAILED' | 'CONNECT_TIMEOUT',
    readonly url: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** The server did not accept the juggler.0 subprotocol. */
export class SubprotocolError extends JugglerClientError {
  override name = 'SubprotocolError';
  constructor(
    readonly url: string,
    /** What the server selected ('' for none), when known. */
    readonly selected: string | undefined,
  ) {
    const got = selected === undefined ? 'rejected it' : selected === '' ? 'selected no subprotocol' : `selected "${selected}"`;
    super('SUBPROTOCOL_REJECTED', `${url} did not accept the juggler.0 subprotocol (the server ${got}); is it a juggler server?`);
  }
}

/** A request was made while the client had no open connection. */
export class NotConnectedError extends JugglerClientError {
  override name = 'NotConnectedError';
  constructor(state: string) {
    super('NOT_CONNECTED', `the client is not connected (state: ${state}); connect first, or wait for the 'open' event when reconnecting`);
  }
}

/** The connection closed before the request was answered. Calls in flight are lost with their connection. */
export class ConnectionClosedError extends JugglerClientError {
  override name = 'ConnectionClosedError';
  constructor(
    readonly closeCode: number,
    readonly reason: string,
  ) {
    super('CONNECTION_CLOSED', `the connection closed before the reply arrived (close code ${closeCode}${reason ? `: ${reason}` : ''})`);
  }
}

/** Reconnection gave up after `reconnect.maxAttempts` attempts. */
export class ReconnectFailedError extends JugglerClientError {
  override name = 'ReconnectFailedError';
  constructor(
    readonly attempts: number,
    cause: unknown,
  ) {
    super(
      'RECONNECT_FAILED',
      `gave up reconnecting after ${attempts} attempts (reconnect.maxAttempts); last error: ${(cause as Error)?.message ?? cause}`,
      {
        cause,
      },
    );
  }
}

/** The server refused the request with a NACK: it was not processed. `nackCode` is the NACK's numeric code. */
export class NackError extends JugglerClientError {
  override name = 'NackError';
  readonly nackCode: number;
  constructor(readonly nack: Nack) {
    const what = nack.payload.uri ?? nack.payload.channel ?? '';
    super('NACK', `request refused by the server (NACK ${nack.payload.code}${what ? ` for ${what}` : ''}): ${nack.payload.message}`);
    this.nackCode = nack.payload.code;
  }
}

/** The callee failed: the RES carried `{"error":{"message":...}}`. */
export class CallError extends JugglerClientError {
  override name = 'CallError';
  constructor(
    readonly uri: string,
    /** The CALL's uuid. */
    readonly callUuid: string,
    /** The whole `error` object of the result (it may have more fields than `message`). */
    readonly error: { message: string } & Record<string, unknown>,
  ) {
    super('CALL_ERROR', `${uri} failed: ${error.message}`);
  }
}

/** No RES arrived before the call's timeout (the Go client's EXP). */
export class CallExpiredError extends JugglerClientError {
  override name = 'CallExpiredError';
  constructor(
    readonly uri: string,
    readonly callUuid: string,
    readonly timeoutMs: number,
  ) {
    super(
      'CALL_EXPIRED',
      `call to ${uri} expired: no result within ${timeoutMs} ms (raise the timeoutMs / callTimeoutMs option, or check that a callee serves ${uri})`,
    );
  }
}
