// Which of juggler's keys a key is, from its name alone (../../../shared/spec/juggler.md, "RPC through
// redis"). Keys are bytes: a URI or connection id is taken from between the hash-tag braces as bytes,
// so that odd names (newlines, unicode, braces inside the URI) come out whole.
import { KEY_PREFIX } from '../broker/redis/keys';

export type KeyKind =
  /** `juggler:calls:{URI}`, a list of pending calls. */
  | { kind: 'callList'; uri: Buffer }
  /** `juggler:calls:timeout:{URI}:MSGUUID`, a pending call's time to live. */
  | { kind: 'callTimeout'; uri: Buffer; msgUUID: Buffer }
  /** `juggler:results:{CONN}`, a list of results waiting for a server connection. */
  | { kind: 'resultList'; conn: Buffer }
  /** `juggler:results:timeout:{CONN}:MSGUUID`, a result's time to live. */
  | { kind: 'resultTimeout'; conn: Buffer; msgUUID: Buffer }
  /** Under `juggler:` but none of the above. */
  | { kind: 'other' };

/** The SCAN pattern that finds every juggler key. */
export const JUGGLER_MATCH = `${KEY_PREFIX}*`;

const CALL_LIST = Buffer.from('juggler:calls:{');
const CALL_TIMEOUT = Buffer.from('juggler:calls:timeout:{');
const RESULT_LIST = Buffer.from('juggler:results:{');
const RESULT_TIMEOUT = Buffer.from('juggler:results:timeout:{');
const CLOSE = 0x7d; // }
const COLON = 0x3a; // :

/** `{TAG}` at the end of the key: everything up to the last byte, which must be the closing brace. */
function listTag(key: Buffer, prefix: Buffer): Buffer | undefined {
  if (key.length <= prefix.length || key[key.length - 1] !== CLOSE) return undefined;
  return key.subarray(prefix.length, key.length - 1);
}

/** `{TAG}:ID`: the id follows the last `}:`, as the tag may itself contain `}:` but an id never does. */
function timeoutTag(key: Buffer, prefix: Buffer): { tag: Buffer; id: Buffer } | undefined {
  for (let i = key.length - 2; i >= prefix.length; i--) {
    if (key[i] === CLOSE && key[i + 1] === COLON) return { tag: key.subarray(prefix.length, i), id: key.subarray(i + 2) };
  }
  return undefined;
}

export function classifyKey(key: Buffer): KeyKind {
  // the timeout prefixes first: `juggler:calls:timeout:{` does not start with `juggler:calls:{`, but
  // being explicit keeps the order obvious
  if (startsWith(key, CALL_TIMEOUT)) {
    const t = timeoutTag(key, CALL_TIMEOUT);
    if (t) return { kind: 'callTimeout', uri: t.tag, msgUUID: t.id };
  } else if (startsWith(key, CALL_LIST)) {
    const uri = listTag(key, CALL_LIST);
    if (uri) return { kind: 'callList', uri };
  } else if (startsWith(key, RESULT_TIMEOUT)) {
    const t = timeoutTag(key, RESULT_TIMEOUT);
    if (t) return { kind: 'resultTimeout', conn: t.tag, msgUUID: t.id };
  } else if (startsWith(key, RESULT_LIST)) {
    const conn = listTag(key, RESULT_LIST);
    if (conn) return { kind: 'resultList', conn };
  }
  return { kind: 'other' };
}

function startsWith(key: Buffer, prefix: Buffer): boolean {
  return key.length >= prefix.length && key.subarray(0, prefix.length).equals(prefix);
}
