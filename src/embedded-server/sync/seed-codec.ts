// Generation `seed`: one JSON object per text frame, {"type": DATA|MESSAGE|PING|PONG, "payload": ...}.

import type { JsonValue } from '../../shared/json-patch/json-value';
import { checkPatchShape, type Patch } from '../../shared/json-patch/patch';
import { protocolError } from './errors';
import { parseTypedObject, preview, unknownType } from './message-decoding';

export type SeedMessage =
  | { type: 'DATA'; payload: Patch }
  | { type: 'MESSAGE'; payload: JsonValue }
  | { type: 'PING'; payload: Record<string, never> }
  | { type: 'PONG'; payload: Record<string, never> };

export function encodeSeed(message: SeedMessage): string {
  return JSON.stringify(message);
}

/** Throws a SyncError carrying the close code for anything that is not a valid seed message. */
export function decodeSeed(frame: string): SeedMessage {
  const msg = parseTypedObject(frame, 'seed');
  if (!['DATA', 'MESSAGE', 'PING', 'PONG'].includes(msg.type as string)) throw unknownType(frame, msg.type as string, 'seed');
  if (!Object.hasOwn(msg, 'payload'))
    throw protocolError('MALFORMED_MESSAGE', `a seed message needs "type" and "payload": ${preview(frame)}`);
  switch (msg.type) {
    case 'DATA':
      return { type: 'DATA', payload: checkPatchShape(msg.payload) };
    case 'MESSAGE':
      return { type: 'MESSAGE', payload: msg.payload! };
    case 'PING':
    case 'PONG':
      // the payload is always {} and is not echoed (spec); whatever arrives is accepted
      return { type: msg.type, payload: {} };
    default:
      throw unknownType(frame, msg.type as string, 'seed');
  }
}
