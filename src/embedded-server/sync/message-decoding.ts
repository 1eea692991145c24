// Shared by the seed and 0.6 codecs: parse one text frame into an object with a string `type`, and turn a
// frame of the wrong generation into an error that says so.

import { CloseCode } from '../../shared/close-code';
import { isPlainObject, type JsonValue } from '../../shared/json-patch/json-value';
import { protocolError, type SyncError } from './errors';
import { detectGeneration, type Generation } from './generation';

export function parseTypedObject(frame: string, expected: Generation): { [key: string]: JsonValue } {
  let msg: unknown;
  try {
    msg = JSON.parse(frame);
  } catch (err) {
    throw (
      mismatch(frame, expected) ??
      protocolError('MALFORMED_JSON', `a frame is not JSON (${(err as Error).message}): ${preview(frame)}`, CloseCode.invalidPayload)
    );
  }
  if (!isPlainObject(msg) || typeof msg.type !== 'string') {
    throw protocolError('MALFORMED_MESSAGE', `a message must be a JSON object with a string "type": ${preview(frame)}`);
  }
  return msg;
}

export function unknownType(frame: string, type: string, expected: Generation): SyncError {
  return (
    mismatch(frame, expected) ??
    protocolError('UNKNOWN_MESSAGE_TYPE', `unknown message type ${JSON.stringify(type)} for juggler ${expected}`)
  );
}

/** A GENERATION_MISMATCH error when the frame belongs to another generation than `expected`. */
export function mismatch(
  frame: string,
  expected: Generation,
  insideSegment = expected === '0.7' && frame.startsWith('{'),
): SyncError | undefined {
  const got = detectGeneration(frame);
  // 0.7 carries 0.6 messages inside its segments: a 0.6-looking message there is ours
  if (got === undefined || got === expected || (insideSegment && got === '0.6')) return undefined;
  return protocolError(
    'GENERATION_MISMATCH',
    `received a juggler ${got} frame but this peer speaks ${expected}; configure the same generation on both sides`,
    CloseCode.policyViolation,
  );
}

export function preview(frame: string): string {
  return frame.length > 60 ? `${JSON.stringify(frame.slice(0, 60))}...` : JSON.stringify(frame);
}
