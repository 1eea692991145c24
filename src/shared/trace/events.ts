// What the trace bus records and the Studio shows: every websocket frame (both protocols), every redis
// operation of the broker, every callee run, every sync patch, connection changes and log lines.
// Shared by the host and the renderer: no node:*, no DOM.

/** Fields every event has. */
export interface TraceBase {
  /** Position in the bus, from 1, increasing by one per event recorded (also across drops). */
  seq: number;
  /** Milliseconds since the bus started, from a monotonic clock (performance.now()). */
  t: number;
  /** Wall-clock time, ms since the epoch, for display and export. */
  wall: number;
  /**
   * The message uuid that ties the hops of one request together: a CALL's uuid for the CALL, its ACK
   * or NACK, the redis push and pops, the callee run, the result and the RES; a PUB's uuid for its
   * EVNTs; likewise for SUB/UNSB.
   */
  corr?: string;
}

export type JugglerMsgType = 'CALL' | 'PUB' | 'SUB' | 'UNSB' | 'NACK' | 'ACK' | 'RES' | 'EVNT';

export interface FrameTrace extends TraceBase {
  kind: 'frame';
  proto: 'juggler' | 'sync';
  /**
   * Which side saw it: the Studio's server, one of its playground clients, or a recording proxy. For
   * proxy frames `in` is client → upstream and `out` upstream → client, as a server sees them.
   */
  side: 'server' | 'client' | 'proxy';
  /** The proxy that saw it (its upstream URL), for side 'proxy'; for the Studio's sync observer, the server it watches. */
  source?: string;
  connId: string;
  dir: 'in' | 'out';
  /** juggler.0 type name, or the sync frame's type (DATA, MESSAGE, request...). */
  type?: string;
  /** The frame's own uuid (juggler.0). */
  uuid?: string;
  uri?: string;
  channel?: string;
  /** Bytes of the frame. */
  size: number;
  /** The frame's text, cut to the bus's text limit (see `truncated`). */
  text: string;
  truncated?: boolean;
  /** Set when the frame could not be decoded: what was wrong with it. */
  error?: string;
}

export interface RedisTrace extends TraceBase {
  kind: 'redis';
  /**
   * Who sent it: the server's broker, a callee's, or the inspector; `watch`: a command of any redis
   * client, seen by the redis watch (MONITOR).
   */
  role: 'server' | 'callee' | 'inspector' | 'host' | 'watch';
  /** e.g. `EVALSHA push`, `BLMPOP`, `BRPOP`, `RPOP`, `EVALSHA pttl-del`, `PUBLISH`, `SUBSCRIBE`. */
  command: string;
  key: string;
  size: number;
  durationMs: number;
  error?: string;
  /** watch: the sending client's address, plus ` name=<client name>` when it has one (CLIENT LIST). */
  client?: string;
  /** watch: the redis node the command ran on (clusters). */
  node?: string;
  /** watch: the database number. */
  db?: number;
  /** watch: for a push, the TTL its timeout key was given (ms). */
  ttlMs?: number;
  /** watch: for a pushed result that carries a callee error, the error's message. */
  resultError?: string;
}

export interface CalleeTrace extends TraceBase {
  kind: 'callee';
  calleeId: string;
  uri: string;
  durationMs: number;
  outcome: 'ok' | 'error' | 'expired' | 'killed';
  error?: string;
  /**
   * Bus time (like `t`) when the run started. A callee reports a run after its result was stored, so
   * `t` comes after the `push result` hop; chains place the run at `startedT + durationMs`.
   */
  startedT?: number;
}

export interface SyncTrace extends TraceBase {
  kind: 'sync';
  peerId: string;
  /** Which copy changed: a peer's local or remote data, or a 0.6/0.7 server state. */
  replica: 'local' | 'remote' | 'state';
  revision: number;
  /** RFC 6902 operations. */
  patch: unknown[];
  size: number;
  /** The patch was longer than the bus's text limit: only its first operations' op and path are held. */
  truncated?: boolean;
}

export interface ConnTrace extends TraceBase {
  kind: 'conn';
  proto: 'juggler' | 'sync';
  side: 'server' | 'client' | 'proxy';
  /** For proxy connections: which proxy (its upstream URL). */
  source?: string;
  connId: string;
  state: 'connecting' | 'connected' | 'closed';
  code?: number;
  reason?: string;
  remote?: string;
}

export interface LogTrace extends TraceBase {
  kind: 'log';
  level: 'info' | 'warn' | 'error';
  source: string;
  message: string;
}

export type TraceEvent = FrameTrace | RedisTrace | CalleeTrace | SyncTrace | ConnTrace | LogTrace;
export type TraceKind = TraceEvent['kind'];

/** Every kind, in the order the UI lists them: the one list the host's checks and the UI's filters use. */
export const TRACE_KINDS = ['frame', 'redis', 'callee', 'sync', 'conn', 'log'] as const satisfies readonly TraceKind[];
// a kind missing from TRACE_KINDS fails to compile here
type MissingKind = Exclude<TraceKind, (typeof TRACE_KINDS)[number]>;
export const _allKindsListed: MissingKind extends never ? true : MissingKind = true;

/** An event as a producer hands it to the bus, before the bus stamps it. */
export type TraceInput = TraceEvent extends infer E ? (E extends TraceEvent ? Omit<E, 'seq' | 't' | 'wall'> : never) : never;

/** One hop of a request's chain, with the time since the previous hop. */
export interface ChainHop {
  event: TraceEvent;
  /** ms since the first hop. */
  at: number;
  /** ms since the previous hop (0 for the first). */
  delta: number;
  /** A name for the hop: `CALL in`, `push call`, `pop call`, `run`, `push result`, `pop result`, `RES out`... */
  label: string;
  /**
   * Where its bar goes when it is not simply "to the next hop" (ms since the first hop): a callee run
   * spans from its start to its end; a callee's pop seen only in redis spans to its result push.
   */
  bar?: { from: number; to: number };
  /** Who did it, when known: the redis client (address, name) or the callee id. */
  by?: string;
  /** The same operation was also seen by the redis watch (it is shown once). */
  alsoWatched?: boolean;
}

export interface Chain {
  corr: string;
  hops: ChainHop[];
  /** For calls: how it ended. `pending` while no RES, NACK or expiry is known. */
  verdict: 'ok' | 'error-result' | 'nacked' | 'expired' | 'pending' | 'event';
  totalMs: number;
  /** The callee that took the call: its redis client (address, name) or its callee id. */
  answeredBy?: string;
  /**
   * What the verdict rests on, in words: the parts of the request that were out of sight (e.g. "no
   * client frames seen: ..."), and for an expired call its timeout and where the time went.
   */
  notes?: string[];
  /** For calls: the timeout the verdict was judged against (ms). */
  timeoutMs?: number;
}

/** Counters of the bus, shown in the UI so that drops are never silent. */
export interface TraceStats {
  enabled: boolean;
  capacity: number;
  held: number;
  recorded: number;
  dropped: number;
  /** Events written to the spill file, when one is set. */
  spilled: number;
  spillFile?: string;
  /** Events not written to the spill file because the disk could not keep up (or a write failed). */
  spillDropped?: number;
  /** Why spilling stopped, when a write failed. */
  spillError?: string;
  /** Events not delivered to subscribers: a subscriber's buffer was full. */
  subscriberDropped?: number;
}
