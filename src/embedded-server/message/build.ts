// Constructors for each message, with fresh UUIDs, as the Go message package's New* functions.
import type { Ack, Args, Call, Evnt, MessageType as MT, Nack, Pub, Request, Res, Sub, Unsb } from './types';
import { MessageType } from './types';
import { newUUID } from './uuid';

/** `timeoutMs`: milliseconds (0: the server's default); travels as nanoseconds. */
export function newCall(uri: string, args: Args, timeoutMs = 0): Call {
  return { meta: { type: MessageType.CALL, uuid: newUUID() }, payload: { uri, timeout: Math.round(timeoutMs * 1e6), args } };
}

export function newPub(channel: string, args: Args): Pub {
  return { meta: { type: MessageType.PUB, uuid: newUUID() }, payload: { channel, args } };
}

export function newSub(channel: string, pattern = false): Sub {
  return { meta: { type: MessageType.SUB, uuid: newUUID() }, payload: { channel, pattern } };
}

export function newUnsb(channel: string, pattern = false): Unsb {
  return { meta: { type: MessageType.UNSB, uuid: newUUID() }, payload: { channel, pattern } };
}

function forFields(req: Request): { for: string; for_type: MT; uri?: string; channel?: string } {
  // object literals of one shape each, no spread: built for every request a server answers
  if (req.meta.type === MessageType.CALL) return { for: req.meta.uuid, for_type: req.meta.type, uri: (req as Call).payload.uri };
  return { for: req.meta.uuid, for_type: req.meta.type, channel: (req.payload as { channel: string }).channel };
}

export function newAck(req: Request): Ack {
  return { meta: { type: MessageType.ACK, uuid: newUUID() }, payload: forFields(req) };
}

export function newNack(req: Request, code: number, message: string): Nack {
  return { meta: { type: MessageType.NACK, uuid: newUUID() }, payload: { ...forFields(req), code, message } };
}

/** A NACK for the request an ACK was built for, as Go's NewNack(ack, ...) */
export function nackFromAck(ack: Ack, code: number, message: string): Nack {
  return { meta: { type: MessageType.NACK, uuid: newUUID() }, payload: { ...ack.payload, code, message } };
}

export function newRes(forCall: string, uri: string, args: Args): Res {
  return { meta: { type: MessageType.RES, uuid: newUUID() }, payload: { for: forCall, uri, args } };
}

export function newEvnt(forPub: string, channel: string, args: Args, pattern?: string): Evnt {
  return { meta: { type: MessageType.EVNT, uuid: newUUID() }, payload: { for: forPub, channel, ...(pattern ? { pattern } : {}), args } };
}
