// The part of a WebSocket the juggler client and the sync library use: both the browser's WebSocket and
// the `ws` package's satisfy it, so neither core imports either. One interface for both (issue 14): they
// listen through the on* properties, which the DOM and ws both have (ws implements them with its
// addEventListener), so a wrapper or a test double has one shape to provide.

// Listener properties are compared bivariantly, so implementations whose event types carry more fields
// (the DOM's MessageEvent, ws's ErrorEvent) are accepted.
type Handler<E> = { bivarianceHack(event: E): void }['bivarianceHack'];

export interface WebSocketLike {
  readonly readyState: number;
  /** The subprotocol the server selected ('' for none). */
  readonly protocol: string;
  binaryType: string;
  onopen: Handler<unknown> | null;
  onmessage: Handler<{ data: unknown }> | null;
  onclose: Handler<{ code: number; reason: string; wasClean?: boolean }> | null;
  /** The DOM gives a bare Event; ws gives an ErrorEvent with `message` and `error`. */
  onerror: Handler<unknown> | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  /** ws only: drops the TCP connection without a closing handshake. */
  terminate?(): void;
}

/** Options only Node's `ws` understands; browsers ignore the constructor's third argument. */
export interface NodeWebSocketOptions {
  headers?: Record<string, string>;
  /** ws closes the connection with 1009 when a message is larger. */
  maxPayload?: number;
}

export type WebSocketCtor = new (url: string, protocols?: string | string[], options?: NodeWebSocketOptions) => WebSocketLike;

/** readyState values (the same in the DOM and ws). */
export const ReadyState = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;
