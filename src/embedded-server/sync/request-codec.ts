// Generations 0.6 and 0.7 (user layer): request/response/state/notify JSON objects.

import type { JsonValue } from '../../shared/json-patch/json-value';
import { checkPatchShape, type Patch } from '../../shared/json-patch/patch';
import { protocolError } from './errors';
import type { Generation } from './generation';
import { parseTypedObject, preview, unknownType } from './message-decoding';

export interface RequestMessage {
  type: 'request';
  id: number;
  name: string;
  data: JsonValue;
}
export interface ResponseMessage {
  type: 'response';
  id: number;
  success: boolean;
  data: JsonValue;
}
export interface StateMessage {
  type: 'state';
  diff: Patch;
}
export interface NotifyMessage {
  type: 'notify';
  name: string;
  data: JsonValue;
}
export type ClientMessage = RequestMessage;
export type ServerMessage = ResponseMessage | StateMessage | NotifyMessage;

export function encodeMessage(message: ClientMessage | ServerMessage): string {
  return JSON.stringify(message);
}

/** What a server accepts: only requests with an integer id and a string name (spec, "Malformed input"). */
export function decodeClientMessage(frame: string, generation: Generation): ClientMessage {
  const msg = parseTypedObject(frame, generation);
  if (msg.type !== 'request') throw unknownType(frame, msg.type as string, generation);
  if (!Number.isInteger(msg.id) || typeof msg.name !== 'string') {
    throw protocolError('MALFORMED_MESSAGE', `a request needs an integer "id" and a string "name": ${preview(frame)}`);
  }
  // the JS client drops `data` when it is undefined (JSON.stringify): read a missing one as null
  return { type: 'request', id: msg.id as number, name: msg.name, data: msg.data ?? null };
}

/** What a client accepts. Responses with an id we cannot use are returned as is and ignored by the caller. */
export function decodeServerMessage(frame: string, generation: Generation): ServerMessage {
  const msg = parseTypedObject(frame, generation);
  switch (msg.type) {
    case 'response':
      return { type: 'response', id: msg.id as number, success: msg.success === true, data: msg.data ?? null };
    case 'state':
      if (!Object.hasOwn(msg, 'diff')) throw protocolError('MALFORMED_MESSAGE', `a state message needs "diff": ${preview(frame)}`);
      return { type: 'state', diff: checkPatchShape(msg.diff) };
    case 'notify':
      if (typeof msg.name !== 'string')
        throw protocolError('MALFORMED_MESSAGE', `a notify message needs a string "name": ${preview(frame)}`);
      return { type: 'notify', name: msg.name, data: msg.data ?? null };
    default:
      throw unknownType(frame, msg.type as string, generation);
  }
}
