// The broker's roles, as the Go implementation separates them (broker/broker.go): a server is a
// caller (pushes calls, reads results) and a pub-sub user; a callee reads calls and pushes results.
// Each user takes only the roles it needs (the server CallerBroker & PubSubBroker, a callee and the
// UserCallees CalleeBroker), so a second broker needs only those. Implementations live in subfolders
// (redis/); nothing here knows about redis.
import type { RawJson } from '../message';

/** What travels through a call list or a result list: `{"conn_uuid","msg_uuid","uri","args"}`. */
export interface CallPayload {
  /** Where the result goes: the results key the caller reads. */
  conn_uuid: string;
  /** The CALL's uuid. */
  msg_uuid: string;
  uri: string;
  args: RawJson;
}
export type ResultPayload = CallPayload;

/** What travels through redis PUBLISH: `{"msg_uuid","args"}`. */
export interface PubPayload {
  msg_uuid: string;
  args: RawJson;
}

export interface EventPayload extends PubPayload {
  channel: string;
  /** The pattern the subscription matched through, for pattern subscriptions. */
  pattern?: string;
}

/** A call or result read from its list. */
export interface Popped {
  payload: CallPayload;
  /** Time left before it expires, ms. */
  ttlMs: number;
  /** When it was popped (performance.now()). */
  poppedAt: number;
}

/** What a calls or results reader does with what it reads. */
export interface ReaderHandlers {
  onItem: (p: Popped) => void;
  /** An item that expired in redis before it was read (counted). */
  onExpired?: (p: CallPayload) => void;
  onError?: (err: Error) => void;
}

/** A calls or results reader: runs until closed; wake() tells it there is room again. */
export interface Reader extends Closable {
  wake(): void;
}

export type EventListener = (ev: EventPayload) => void;

/** Broker counters, named as the Go implementation publishes them with expvar. */
export interface BrokerMetrics {
  Calls: number;
  Results: number;
  Events: number;
  ExpiredCalls: number;
  ExpiredResults: number;
  FailedPTTLCalls: number;
  FailedPTTLResults: number;
  FailedCallPayloadUnmarshals: number;
  FailedResPayloadUnmarshals: number;
  FailedEvntPayloadUnmarshals: number;
  /** Not in Go: commands that failed because redis was away; they became NACKs or retries. */
  RedisErrors: number;
}

/** A server's RPC side: pushes calls and reads the results pushed for its connection id. */
export interface CallerBroker {
  /** Registers a call with its time to live. Rejects with BrokerError (capacity, redis down). */
  call(cp: CallPayload, timeoutMs: number): Promise<void>;
  /** Results pushed for `connUUID`, until the reader is closed. */
  results(connUUID: string, h: ReaderHandlers): Reader;
}

/** A callee: reads calls for its URIs and pushes their results. */
export interface CalleeBroker {
  /** Stores a result with the time the call had left. Rejects with BrokerError. */
  result(rp: ResultPayload, timeoutMs: number): Promise<void>;
  /** Calls for these URIs; `room` says how many more it may pop now (wake() when it grows). */
  calls(uris: string[], room: () => number, h: ReaderHandlers): Reader;
}

/** A server's pub-sub side. Subscriptions are shared: one per channel or pattern, however many listeners. */
export interface PubSubBroker {
  publish(channel: string, pp: PubPayload): Promise<void>;
  subscribe(name: string, pattern: boolean, listener: EventListener): Promise<void>;
  unsubscribe(name: string, pattern: boolean, listener: EventListener): Promise<void>;
  /** Removes `listener` from every subscription (its connection closed). */
  unsubscribeAll(listener: EventListener): Promise<void>;
}

/** What a broker tells about itself: the debug endpoints' counters and the Studio's status bar. */
export interface BrokerStatus {
  readonly metrics: BrokerMetrics;
  /** Whether its connections are up. */
  readonly healthy: boolean;
}

/** Faults the Studio injects on purpose (not in Go). */
export interface FaultBroker {
  /** Lets a pending call's TTL lapse now: its callee finds it expired. Resolves false when there is no such pending call. */
  expireCall(uri: string, msgUUID: string): Promise<boolean>;
}

/** Something that runs until closed: a results reader, a calls reader, a subscription, a broker. */
export interface Closable {
  close(): Promise<void>;
}

export type BrokerErrorCode =
  /** A call or result list is at its configured capacity. */
  | 'CAPACITY_EXCEEDED'
  /** Redis did not answer (down, unreachable, or refused the command). */
  | 'UNAVAILABLE'
  /** The broker was closed. */
  | 'CLOSED'
  /** Redis did not answer within the command timeout, or a push within its own call's timeout. */
  | 'TIMEOUT'
  /** The request names keys redis cannot serve together (e.g. a URI whose keys fall in different cluster slots). */
  | 'INVALID_KEY';

export class BrokerError extends Error {
  override readonly name = 'BrokerError';
  constructor(
    readonly code: BrokerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
