// juggler.0 wire types. Field names and their order follow the Go implementation's structs, so that
// our frames are byte-for-byte shaped like its frames (../shared/conformance/go-frames.json).
import type { RawJson } from './raw-json';

/** Message type numbers as they travel in `meta.type`. */
export const MessageType = {
  CALL: 1,
  PUB: 2,
  SUB: 3,
  UNSB: 4,
  NACK: 7,
  ACK: 8,
  RES: 9,
  EVNT: 10,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];
export type MessageTypeName = keyof typeof MessageType;

const names = new Map<number, MessageTypeName>(Object.entries(MessageType).map(([k, v]) => [v, k as MessageTypeName]));

/** `CALL` for 1, ... ; `undefined` for a number that is no juggler.0 type. */
export function typeName(t: number): MessageTypeName | undefined {
  return names.get(t);
}

/** The types a client sends and a server reads. */
export const requestTypes: ReadonlySet<MessageType> = new Set([MessageType.CALL, MessageType.PUB, MessageType.SUB, MessageType.UNSB]);
/** The types a server sends and a client reads. */
export const responseTypes: ReadonlySet<MessageType> = new Set([MessageType.NACK, MessageType.ACK, MessageType.RES, MessageType.EVNT]);

/**
 * Any JSON value. Where a value must pass through untouched (args relayed between a websocket and
 * redis), it is a RawJson holding the exact text that arrived, as Go's json.RawMessage does.
 */
export type Args = RawJson | unknown;

export interface Meta<T extends MessageType = MessageType> {
  type: T;
  uuid: string;
}

export interface CallPayload {
  uri: string;
  /** Nanoseconds, as Go's time.Duration. 0 or absent: the server's default. */
  timeout?: number;
  args: Args;
}
export interface SubPayload {
  channel: string;
  pattern: boolean;
}
export interface PubPayload {
  channel: string;
  args: Args;
}
export interface AckPayload {
  for: string;
  for_type: MessageType;
  uri?: string;
  channel?: string;
}
export interface NackPayload extends AckPayload {
  code: number;
  message: string;
}
export interface ResPayload {
  for: string;
  uri: string;
  args: Args;
}
export interface EvntPayload {
  for: string;
  channel: string;
  /** The subscription pattern, when delivered through a pattern subscription. */
  pattern?: string;
  args: Args;
}

export interface Call {
  meta: Meta<typeof MessageType.CALL>;
  payload: CallPayload;
}
export interface Pub {
  meta: Meta<typeof MessageType.PUB>;
  payload: PubPayload;
}
export interface Sub {
  meta: Meta<typeof MessageType.SUB>;
  payload: SubPayload;
}
export interface Unsb {
  meta: Meta<typeof MessageType.UNSB>;
  payload: SubPayload;
}
export interface Ack {
  meta: Meta<typeof MessageType.ACK>;
  payload: AckPayload;
}
export interface Nack {
  meta: Meta<typeof MessageType.NACK>;
  payload: NackPayload;
}
export interface Res {
  meta: Meta<typeof MessageType.RES>;
  payload: ResPayload;
}
export interface Evnt {
  meta: Meta<typeof MessageType.EVNT>;
  payload: EvntPayload;
}

export type Request = Call | Pub | Sub | Unsb;
export type Response = Ack | Nack | Res | Evnt;
export type Message = Request | Response;

/** NACK codes used by our server. Go uses HTTP-like numbers; 500 for broker failures. */
export const NackCode = {
  /** The request is invalid (e.g. a CALL without URI). */
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  /** A call or result list is at its configured capacity. */
  CapacityExceeded: 429,
  /** Redis failed or is unreachable. */
  BrokerUnavailable: 500,
  /** The server is shutting down. */
  ShuttingDown: 503,
} as const;
