// The broker's roles, as the Go implementation separates them (broker/broker.go): a server is a
// caller (pushes calls, reads results) and a pub-sub user; a callee reads calls and pushes results.
// Implementations live in subfolders (redis/); nothing here knows about redis.
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

export interface CallerBroker {
  /** Registers a call with its time to live. Rejects with BrokerError (capacity, redis down). */
  call(cp: CallPayload, timeoutMs: number): Promise<void>;
}

export interface CalleeBroker {
  /** Stores a result with the time the call had left. Rejects with BrokerError. */
  result(rp: ResultPayload, timeoutMs: number): Promise<void>;
}

export interface PubSubBroker {
  publish(channel: string, pp: PubPayload): Promise<void>;
}

/** Something that runs until closed: a results reader, a calls reader, a subscription. */
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
