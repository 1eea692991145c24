// Exact JSON text carried through untouched, like Go's json.RawMessage: args relayed from a client to
// redis and back keep their bytes (large integers, number spelling, key order), and the server never
// parses what it only forwards.

export class RawJson {
  #value: unknown;
  #parsed = false;
  constructor(readonly text: string) {}

  /** The parsed value (parsed once, on first use). */
  get value(): unknown {
    if (!this.#parsed) {
      this.#value = JSON.parse(this.text);
      this.#parsed = true;
    }
    return this.#value;
  }

  toJSON(): unknown {
    return this.value;
  }
}

/** The JSON text of an args value: a RawJson's own text, anything else stringified (`undefined` is `null`). */
export function argsText(args: unknown): string {
  if (args instanceof RawJson) return args.text;
  if (args === undefined) return 'null';
  const s = JSON.stringify(args);
  if (s === undefined) throw new TypeError(`args cannot be encoded as JSON (got ${typeof args})`);
  return s;
}

/** The value of args, parsing a RawJson. */
export function argsValue(args: unknown): unknown {
  return args instanceof RawJson ? args.value : args;
}

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function skipWs(s: string, i: number): number {
  while (i < s.length && isWs(s.charCodeAt(i))) i++;
  return i;
}

function skipString(s: string, i: number): number {
  // s[i] is the opening quote. The next quote ends the string unless an odd number of backslashes
  // escapes it: indexOf finds it in native code, where a loop over each character (a UUID, the args)
  // was a good part of the server's decoding of every CALL
  const open = i;
  let from = i + 1;
  for (;;) {
    const q = s.indexOf('"', from);
    if (q < 0) return s.length;
    let k = q - 1;
    while (k > open && s.charCodeAt(k) === 0x5c) k--;
    if ((q - 1 - k) % 2 === 0) return q + 1;
    from = q + 1;
  }
}

function skipValue(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c === 0x22) return skipString(s, i);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    while (i < s.length) {
      const d = s.charCodeAt(i);
      if (d === 0x22) {
        i = skipString(s, i);
        continue;
      }
      if (d === 0x7b || d === 0x5b) depth++;
      else if (d === 0x7d || d === 0x5d) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return i;
  }
  // number, true, false, null
  while (i < s.length) {
    const d = s.charCodeAt(i);
    if (d === 0x2c || d === 0x7d || d === 0x5d || isWs(d)) break;
    i++;
  }
  return i;
}

/**
 * The [start, end) span of member `key` of the object that starts at `from` in `s`, which must be
 * valid JSON (callers JSON.parse it first). Like JSON.parse, the last of duplicate keys wins.
 * Returns undefined when the object has no such member.
 */
export function memberSpan(s: string, key: string, from = 0): [number, number] | undefined {
  let i = skipWs(s, from);
  if (s.charCodeAt(i) !== 0x7b) return undefined;
  i = skipWs(s, i + 1);
  let found: [number, number] | undefined;
  while (i < s.length && s.charCodeAt(i) !== 0x7d) {
    const kEnd = skipString(s, i);
    const rawKey = s.slice(i + 1, kEnd - 1);
    const k = rawKey.includes('\\') ? (JSON.parse(s.slice(i, kEnd)) as string) : rawKey;
    i = skipWs(s, kEnd);
    i = skipWs(s, i + 1); // the colon
    const vEnd = skipValue(s, i);
    if (k === key) found = [i, vEnd];
    i = skipWs(s, vEnd);
    if (s.charCodeAt(i) === 0x2c) i = skipWs(s, i + 1);
  }
  return found;
}

/** The raw text at `path` (a chain of object members) of valid JSON `s`, or undefined. */
export function rawAt(s: string, path: readonly string[]): RawJson | undefined {
  let span: [number, number] | undefined = [0, s.length];
  for (const key of path) {
    span = memberSpan(s, key, span[0]);
    if (!span) return undefined;
  }
  return new RawJson(s.slice(span[0], span[1]));
}
