// Redis keys and values are bytes. The Studio shows them as text; bytes that are not UTF-8 and
// control characters are escaped (`\xNN`, `\n`), and the exact bytes travel as base64 whenever the
// text is not them, so that a key shown in the UI can be handed back to the inspector unchanged.
import type { BinaryText } from '../../shared/redis-inspector';

export type { BinaryText } from '../../shared/redis-inspector';

export interface BinaryTextOptions {
  /** Most characters of `text`. Default: no limit. */
  maxChars?: number;
  /** Add `base64` when the text is escaped (keys: to pass them back). Default false. */
  withBytes?: boolean;
}

const fatal = new TextDecoder('utf-8', { fatal: true });

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** C0 and C1 controls, DEL and the unicode line separators: they would break a one-line display. */
function isControl(c: number): boolean {
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029;
}

function escapeControl(s: string): string {
  let out: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isControl(c)) {
      if (out !== undefined) out += s[i];
      continue;
    }
    out ??= s.slice(0, i);
    const ch = s[i]!;
    out += NAMED[ch] ?? (c < 0x100 ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`);
  }
  return out ?? s;
}

function hex(b: number): string {
  return `\\x${b.toString(16).padStart(2, '0')}`;
}

/** The length of the UTF-8 sequence a lead byte starts, 0 for a byte that cannot start one. */
function seqLen(b: number): number {
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) return 2;
  if (b >= 0xe0 && b <= 0xef) return 3;
  if (b >= 0xf0 && b <= 0xf4) return 4;
  return 0;
}

/** Decodes what is valid UTF-8 and escapes every other byte, one sequence at a time. */
function lenientDecode(buf: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < buf.length) {
    const n = seqLen(buf[i]!);
    if (n > 0 && i + n <= buf.length) {
      try {
        out += fatal.decode(buf.subarray(i, i + n));
        i += n;
        continue;
      } catch {
        // an overlong form, a surrogate or a bad continuation byte: escape the lead byte
      }
    }
    out += hex(buf[i]!);
    i++;
  }
  return out;
}

export function binaryText(value: Buffer | string, opts: BinaryTextOptions = {}): BinaryText {
  const buf = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  const max = opts.maxChars ?? Number.POSITIVE_INFINITY;
  // a character is at most 4 bytes and an escape 4 characters: decoding more than this is wasted
  const cut = max === Number.POSITIVE_INFINITY ? buf : buf.subarray(0, Math.min(buf.length, max * 4 + 4));
  let decoded: string;
  let exact = true;
  try {
    decoded = fatal.decode(cut);
  } catch {
    decoded = lenientDecode(cut);
    exact = false;
  }
  const escaped = escapeControl(decoded);
  if (escaped !== decoded) exact = false;
  let text = escaped;
  let truncated = cut.length < buf.length;
  if (text.length > max) {
    text = text.slice(0, max);
    truncated = true;
  }
  const out: BinaryText = { text, bytes: buf.length };
  if (truncated) out.truncated = true;
  if ((!exact || truncated) && opts.withBytes) out.base64 = buf.toString('base64');
  return out;
}

/** The bytes a BinaryText stands for (its base64 when present, else its text), or a string/Buffer as is. */
export function bytesOf(key: string | Buffer | BinaryText): Buffer {
  if (Buffer.isBuffer(key)) return key;
  if (typeof key === 'string') return Buffer.from(key, 'utf8');
  if (key.base64 !== undefined) return Buffer.from(key.base64, 'base64');
  if (key.truncated) throw new TypeError('a truncated BinaryText does not identify a key');
  return Buffer.from(key.text, 'utf8');
}
