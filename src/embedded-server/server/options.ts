// Server settings: the Go names, with safe defaults where Go's zero means "unlimited".
// One definition shared by the library, the CLI (--help) and the YAML config file.
import type { MessageTypeName } from '../message';

export interface ServerOptions {
  /** Largest incoming frame, bytes; larger closes the connection with 1009. Go: ReadLimit (0 = unlimited). */
  readLimit?: number;
  /** Close a connection that sent nothing (not even a pong) for this long, ms. Go: ReadTimeout. */
  readTimeoutMs?: number;
  /** Largest outgoing frame, bytes; a larger RES/EVNT closes the connection with 1009. Go: WriteLimit. */
  writeLimit?: number;
  /** Close a connection whose frames are not flushed to its socket within this time, ms. Go: WriteTimeout. */
  writeTimeoutMs?: number;
  /**
   * Bytes that may wait in a connection's write queue; beyond it the consumer is too slow and is closed.
   * Node's counterpart of Go's AcquireWriteLockTimeout: writes never block, they queue.
   */
  writeQueueLimit?: number;
  /**
   * Requests read from one connection and not yet answered; beyond it the server stops reading that
   * socket (TCP backpressure on the client) until half of them are answered, as Go's blocking read loop
   * does. A pipelining client then waits for its own answers; other connections are not affected.
   */
  readQueueLimit?: number;
  /** Bytes of those unanswered requests; beyond it reading pauses the same way. */
  readQueueBytes?: number;
  /** Ping idle connections this often, ms (0: never). */
  pingIntervalMs?: number;
  /** Accept clients that offer no subprotocol at all. Go: AllowEmptySubprotocol. */
  allowEmptySubprotocol?: boolean;
  /** Default call timeout when a CALL has none, ms (Go: 1 minute). */
  callTimeoutMs?: number;
  /** Test hook: a CALL to this URI closes the connection. Go: CloseURI. Default: none. */
  closeUri?: string;
  /** Test hook: a CALL to this URI throws inside the handler (recovered and counted). Go: PanicURI. */
  panicUri?: string;
  /** Processing slower than this is counted in SlowProcessMsg, ms. */
  slowProcessMsgThresholdMs?: number;
  /** Most simultaneous connections (0: unlimited); beyond it the upgrade is refused with 503. */
  maxConnections?: number;
  /** On shutdown, how long in-flight calls may take to return their results before sockets close, ms. */
  shutdownGraceMs?: number;
  /** Message types clients may send unless their Juggler-Allowed-Messages header narrows it. */
  allowedMessages?: MessageTypeName[];
}

export const serverDefaults: Required<Omit<ServerOptions, 'closeUri' | 'panicUri'>> & Pick<ServerOptions, 'closeUri' | 'panicUri'> = {
  readLimit: 1 << 20,
  readTimeoutMs: 60_000,
  writeLimit: 16 << 20,
  writeTimeoutMs: 10_000,
  writeQueueLimit: 8 << 20,
  // requests of one connection are processed one at a time, so reading further ahead only queues them:
  // 256 keeps a pipelining client busy while holding at most a few MiB for it
  readQueueLimit: 256,
  readQueueBytes: 4 << 20,
  pingIntervalMs: 20_000,
  allowEmptySubprotocol: false,
  callTimeoutMs: 60_000,
  closeUri: undefined,
  panicUri: undefined,
  slowProcessMsgThresholdMs: 100,
  maxConnections: 0,
  shutdownGraceMs: 2_000,
  allowedMessages: ['CALL', 'PUB', 'SUB', 'UNSB'],
};

export type ResolvedServerOptions = typeof serverDefaults;

export function resolveServerOptions(o: ServerOptions = {}): ResolvedServerOptions {
  const out = { ...serverDefaults };
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
