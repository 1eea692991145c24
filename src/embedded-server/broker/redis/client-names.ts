// Names of the broker's redis connections, as CLIENT LIST shows them. CLIENT LIST does not show the
// keys a blocked BRPOP waits on, so a callee's calls connection carries its URIs in its name: that is
// how the Studio's redis inspector (../../redis-inspector/) tells which URIs have a callee waiting.
// Redis accepts only the bytes '!'..'~' in a client name (no spaces, no unicode), so URIs are
// percent-encoded where needed, and the name is kept short enough to read in CLIENT LIST.
import { createHash } from 'node:crypto';

/** Longest list of URIs put in a name, in characters; the rest is summarised as `#<count>:<hash>`. */
export const CALLEE_NAME_URIS_MAX = 200;

const CALLS_MARKER = ':calls:';

/** Percent-encodes what a client name cannot hold, and the separators `%`, `,` and `#`. */
function encodeUri(uri: string): string {
  let out = '';
  for (const ch of uri) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x21 && c <= 0x7e && ch !== '%' && ch !== ',' && ch !== '#') out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * `juggler:<clientName>:calls:<uri>,<uri>...`. When the URIs do not fit in CALLEE_NAME_URIS_MAX
 * characters, those that fit are listed and the others summarised as `#<count>:<sha1 of all, 8 hex>`.
 */
export function calleeClientName(clientName: string, uris: string[]): string {
  const encoded = uris.map(encodeUri);
  const all = encoded.join(',');
  const prefix = `juggler:${clientName}${CALLS_MARKER}`;
  if (all.length <= CALLEE_NAME_URIS_MAX) return prefix + all;
  const hash = createHash('sha1').update(all).digest('hex').slice(0, 8);
  const listed: string[] = [];
  let len = 0;
  for (const e of encoded) {
    // room for the separator and the summary `,#<count>:<hash>`
    const summary = `,#${encoded.length - listed.length - 1}:${hash}`.length;
    if (len + (listed.length > 0 ? 1 : 0) + e.length + summary > CALLEE_NAME_URIS_MAX) break;
    len += (listed.length > 0 ? 1 : 0) + e.length;
    listed.push(e);
  }
  const rest = `#${encoded.length - listed.length}:${hash}`;
  return prefix + [...listed, rest].join(',');
}

export interface CalleeNameInfo {
  /** The URIs the connection waits on, as far as the name lists them. */
  uris: string[];
  /** URIs the name had no room for (their calls cannot be attributed to this callee). */
  omitted: number;
}

/** The URIs in a callee connection's name, or undefined for any other name. */
export function parseCalleeClientName(name: string): CalleeNameInfo | undefined {
  if (!name.startsWith('juggler:')) return undefined;
  const i = name.indexOf(CALLS_MARKER);
  if (i < 0) return undefined;
  const list = name.slice(i + CALLS_MARKER.length);
  const uris: string[] = [];
  let omitted = 0;
  for (const part of list === '' ? [] : list.split(',')) {
    const summary = /^#(\d+):[0-9a-f]+$/.exec(part);
    if (summary) {
      omitted += Number(summary[1]);
      continue;
    }
    try {
      uris.push(decodeURIComponent(part));
    } catch {
      // not written by calleeClientName (a stray '%'): keep it as it reads
      uris.push(part);
    }
  }
  return { uris, omitted };
}
