// Decoding validates a frame completely before anyone acts on it; every failure is a ProtocolError
// naming what was wrong. Args are kept as RawJson (the exact text) so they pass through untouched.
import { ProtocolError } from './errors';
import { RawJson, rawAt } from './raw-json';
import { type Message, MessageType, requestTypes, responseTypes, typeName } from './types';
import { isUUID } from './uuid';

export interface DecodeOptions {
  /** The types accepted; others are refused with TYPE_NOT_ALLOWED (or UNKNOWN_TYPE when not juggler.0 types). */
  allowed?: ReadonlySet<number>;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(p: Obj, field: string, t: string, required = false): string {
  const v = p[field];
  if (v === undefined || v === null) {
    if (required) throw new ProtocolError('INVALID_PAYLOAD', `${t} payload needs "${field}" (a string)`);
    return '';
  }
  if (typeof v !== 'string') throw new ProtocolError('INVALID_PAYLOAD', `${t} payload "${field}" must be a string, got ${jsonType(v)}`);
  return v;
}

function bool(p: Obj, field: string, t: string): boolean {
  const v = p[field];
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw new ProtocolError('INVALID_PAYLOAD', `${t} payload "${field}" must be a boolean, got ${jsonType(v)}`);
  return v;
}

function uuidField(p: Obj, field: string, t: string): string {
  const v = p[field];
  if (!isUUID(v)) throw new ProtocolError('INVALID_UUID', `${t} payload "${field}" must be a UUID, got ${preview(v)}`);
  return v.toLowerCase();
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function preview(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function args(text: string, p: Obj): RawJson {
  if (!('args' in p)) return new RawJson('null');
  return rawAt(text, ['payload', 'args']) ?? new RawJson('null');
}

/** Decodes one text frame. Throws ProtocolError. */
export function decode(text: string, opts: DecodeOptions = {}): Message {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new ProtocolError('INVALID_JSON', `frame is not valid JSON: ${(err as Error).message}`);
  }
  if (!isObj(v)) throw new ProtocolError('NOT_AN_OBJECT', `frame must be a JSON object, got ${jsonType(v)}`);
  const meta = v.meta;
  if (!isObj(meta)) throw new ProtocolError('MISSING_META', 'frame has no "meta" object');
  const t = meta.type;
  if (typeof t !== 'number' || !Number.isInteger(t)) {
    throw new ProtocolError('INVALID_TYPE', `meta.type must be an integer message type, got ${preview(t)}`);
  }
  const name = typeName(t);
  if (!name) throw new ProtocolError('UNKNOWN_TYPE', `unknown message type ${t}`);
  if (opts.allowed && !opts.allowed.has(t)) {
    const dir = requestTypes.has(t as MessageType) ? 'a client request' : 'a server message';
    throw new ProtocolError('TYPE_NOT_ALLOWED', `${name} (${dir}) is not allowed here`);
  }
  if (!isUUID(meta.uuid)) throw new ProtocolError('INVALID_UUID', `meta.uuid must be a UUID, got ${preview(meta.uuid)}`);
  const uuid = meta.uuid.toLowerCase();
  const rawPayload = v.payload ?? {};
  if (!isObj(rawPayload)) throw new ProtocolError('INVALID_PAYLOAD', `${name} payload must be an object, got ${jsonType(rawPayload)}`);
  const p = rawPayload;

  switch (t) {
    case MessageType.CALL: {
      const timeout = p.timeout ?? 0;
      if (typeof timeout !== 'number' || !Number.isSafeInteger(timeout)) {
        throw new ProtocolError(
          'INVALID_PAYLOAD',
          `CALL payload "timeout" must be an integer number of nanoseconds, got ${preview(timeout)}`,
        );
      }
      return { meta: { type: t, uuid }, payload: { uri: str(p, 'uri', name), timeout, args: args(text, p) } };
    }
    case MessageType.PUB:
      return { meta: { type: t, uuid }, payload: { channel: str(p, 'channel', name), args: args(text, p) } };
    case MessageType.SUB:
    case MessageType.UNSB:
      return { meta: { type: t, uuid }, payload: { channel: str(p, 'channel', name), pattern: bool(p, 'pattern', name) } } as Message;
    case MessageType.ACK:
    case MessageType.NACK: {
      const forType = p.for_type;
      if (typeof forType !== 'number' || !requestTypes.has(forType as MessageType)) {
        throw new ProtocolError('INVALID_PAYLOAD', `${name} payload "for_type" must be a request type, got ${preview(forType)}`);
      }
      const base = {
        for: uuidField(p, 'for', name),
        for_type: forType as MessageType,
        ...(p.uri !== undefined ? { uri: str(p, 'uri', name) } : {}),
        ...(p.channel !== undefined ? { channel: str(p, 'channel', name) } : {}),
      };
      if (t === MessageType.ACK) return { meta: { type: t, uuid }, payload: base };
      const code = p.code ?? 0;
      if (typeof code !== 'number' || !Number.isInteger(code)) {
        throw new ProtocolError('INVALID_PAYLOAD', `NACK payload "code" must be an integer, got ${preview(code)}`);
      }
      return { meta: { type: t, uuid }, payload: { ...base, code, message: str(p, 'message', name) } };
    }
    case MessageType.RES:
      return { meta: { type: t, uuid }, payload: { for: uuidField(p, 'for', name), uri: str(p, 'uri', name), args: args(text, p) } };
    case MessageType.EVNT: {
      const pattern = str(p, 'pattern', name);
      return {
        meta: { type: t, uuid },
        payload: { for: uuidField(p, 'for', name), channel: str(p, 'channel', name), ...(pattern ? { pattern } : {}), args: args(text, p) },
      };
    }
    default:
      throw new ProtocolError('UNKNOWN_TYPE', `unknown message type ${t}`);
  }
}

/** Decodes a frame a server reads: requests only. */
export function decodeRequest(text: string, allowed: ReadonlySet<number> = requestTypes): Message {
  return decode(text, { allowed });
}

/** Decodes a frame a client reads: server messages only. */
export function decodeResponse(text: string): Message {
  return decode(text, { allowed: responseTypes });
}
