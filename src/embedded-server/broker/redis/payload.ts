// Redis payloads, encoded in the Go field order and decoded with args kept as their exact text.
import { RawJson, rawAt } from '../../message';
import type { CallPayload, PubPayload } from '../broker';

const q = JSON.stringify;

export function encodeCallPayload(p: CallPayload): string {
  return `{"conn_uuid":${q(p.conn_uuid)},"msg_uuid":${q(p.msg_uuid)},"uri":${q(p.uri)},"args":${p.args.text}}`;
}

export function encodePubPayload(p: PubPayload): string {
  return `{"msg_uuid":${q(p.msg_uuid)},"args":${p.args.text}}`;
}

export class PayloadError extends Error {
  override readonly name = 'PayloadError';
}

function parseObject(text: string, what: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new PayloadError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new PayloadError(`${what} is not a JSON object`);
  return v as Record<string, unknown>;
}

function argsOf(text: string, o: Record<string, unknown>): RawJson {
  return ('args' in o ? rawAt(text, ['args']) : undefined) ?? new RawJson('null');
}

/** A call or result payload popped from redis. Throws PayloadError (counted by the caller). */
export function decodeCallPayload(text: string): CallPayload {
  const o = parseObject(text, 'call/result payload');
  for (const f of ['conn_uuid', 'msg_uuid', 'uri'] as const) {
    if (typeof o[f] !== 'string') throw new PayloadError(`call/result payload has no string "${f}"`);
  }
  return { conn_uuid: o.conn_uuid as string, msg_uuid: o.msg_uuid as string, uri: o.uri as string, args: argsOf(text, o) };
}

export function decodePubPayload(text: string): PubPayload {
  const o = parseObject(text, 'event payload');
  if (typeof o.msg_uuid !== 'string') throw new PayloadError('event payload has no string "msg_uuid"');
  return { msg_uuid: o.msg_uuid, args: argsOf(text, o) };
}
