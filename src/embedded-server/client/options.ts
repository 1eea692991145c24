// Every client option, with its default, in one place: the library, `juggler client` and `juggler load`
// all read their defaults from here.

import type { WebSocketCtor } from '../../shared/websocket-like';
import type { BackoffOptions } from './backoff';
import { InvalidOptionError, NoWebSocketError } from './errors';

/** The subprotocol offered in the handshake; the only one this client speaks. */
export const SUBPROTOCOL = 'juggler.0';

/** What a juggler server uses when a CALL's timeout is 0 (the Go server's default: one minute). */
export const SERVER_DEFAULT_CALL_TIMEOUT_MS = 60_000;

export interface ReconnectOptions extends BackoffOptions {
  /** Attempts after one connection was lost before giving up with a ReconnectFailedError; 0: never give up. */
  maxAttempts: number;
}

export const defaultReconnectOptions: Readonly<ReconnectOptions> = {
  initialDelayMs: 100,
  maxDelayMs: 10_000,
  factor: 2,
  jitter: 0.2,
  maxAttempts: 0,
};

export interface ClientOptions {
  /**
   * Default call timeout in ms (default 60000). Sent in the CALL as `timeout` nanoseconds; the client raises
   * an 'exp' event and rejects with CallExpiredError when no RES came in that time. 0 sends no timeout (the
   * server's default applies) and expires locally after SERVER_DEFAULT_CALL_TIMEOUT_MS.
   */
  callTimeoutMs?: number;
  /**
   * Largest incoming frame in bytes (default 16 MiB); a larger one closes the connection with 1009.
   * 0: no limit of ours (ws's own 100 MiB default still applies under Node).
   */
  readLimit?: number;
  /** Extra HTTP headers for the upgrade request, e.g. `Juggler-Allowed-Messages: call, pub`. Node (ws) only. */
  headers?: Record<string, string>;
  /**
   * Reconnect when the connection is lost (default false: off). `true` uses defaultReconnectOptions
   * (100 ms doubling up to 10 s, 20% jitter, never giving up). Subscriptions (channels and patterns) are
   * renewed after each reconnection; calls in flight are rejected with ConnectionClosedError, as their
   * results are routed to the lost connection.
   */
  reconnect?: boolean | Partial<ReconnectOptions>;
  /** The WebSocket constructor (default: the global WebSocket; client/node supplies `ws`). */
  WebSocket?: WebSocketCtor;
  /** How long the handshake may take, in ms (default 10000; 0: no limit of ours). */
  connectTimeoutMs?: number;
}

export interface ResolvedClientOptions {
  callTimeoutMs: number;
  readLimit: number;
  headers: Record<string, string> | undefined;
  reconnect: ReconnectOptions | undefined;
  WebSocket: WebSocketCtor;
  connectTimeoutMs: number;
}

export const defaultClientOptions = {
  callTimeoutMs: 60_000,
  readLimit: 16 * 1024 * 1024,
  reconnect: false,
  connectTimeoutMs: 10_000,
} as const;

function nonNegative(name: string, v: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new InvalidOptionError(
      name,
      `must be a non-negative number of ${name.endsWith('Ms') ? 'milliseconds' : 'bytes'}, got ${String(v)}`,
    );
  return v;
}

export function resolveOptions(o: ClientOptions = {}): ResolvedClientOptions {
  const Ctor = o.WebSocket ?? (globalThis as { WebSocket?: WebSocketCtor }).WebSocket;
  if (!Ctor) throw new NoWebSocketError();
  let reconnect: ReconnectOptions | undefined;
  if (o.reconnect) {
    reconnect = { ...defaultReconnectOptions, ...(o.reconnect === true ? {} : o.reconnect) };
    for (const k of ['initialDelayMs', 'maxDelayMs', 'maxAttempts'] as const) nonNegative(`reconnect.${k}`, reconnect[k]);
    if (!(reconnect.factor >= 1)) throw new InvalidOptionError('reconnect.factor', `must be at least 1, got ${reconnect.factor}`);
    if (!(reconnect.jitter >= 0 && reconnect.jitter <= 1))
      throw new InvalidOptionError('reconnect.jitter', `must be between 0 and 1, got ${reconnect.jitter}`);
  }
  return {
    callTimeoutMs: nonNegative('callTimeoutMs', o.callTimeoutMs ?? defaultClientOptions.callTimeoutMs),
    readLimit: nonNegative('readLimit', o.readLimit ?? defaultClientOptions.readLimit),
    headers: o.headers,
    reconnect,
    WebSocket: Ctor,
    connectTimeoutMs: nonNegative('connectTimeoutMs', o.connectTimeoutMs ?? defaultClientOptions.connectTimeoutMs),
  };
}
