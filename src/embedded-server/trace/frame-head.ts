// Reads the few fields of a juggler.0 frame the trace needs (type, uuid, for, uri, channel, timeout)
// without parsing its args. Frames written by our server, our client and Go put `meta` first and `args`
// last, so a scan of the head stops before the (possibly large) args; a frame in another order falls
// back to JSON.parse. Used on the hot path of every frame the server writes.

export interface FrameHead {
  type?: number;
  uuid?: string;
  /** ACK, NACK, RES, EVNT: the uuid of the request they answer. */
  for?: string;
  uri?: string;
  channel?: string;
  /** CALL: nanoseconds. */
  timeout?: number;
  /** NACK */
  code?: number;
}

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;
const COMMA = 44;
const OPEN = 123;
const CLOSE = 125;

/** The head of a frame, or undefined when `text` is not a JSON object with a meta. */
export function readFrameHead(text: string): FrameHead | undefined {
  return scan(text) ?? parseHead(text);
}

/** What the scan needs before it may stop at `args`, by type: the rest of the payload is not read. */
function complete(h: FrameHead): boolean {
  switch (h.type) {
    case 1:
      return h.uri !== undefined;
    case 2:
      return h.channel !== undefined;
    case 9:
      return h.for !== undefined;
    case 10:
      return h.for !== undefined && h.channel !== undefined;
    default:
      return h.type !== undefined;
  }
}

class Cursor {
  i = 0;
  constructor(readonly s: string) {}

  ws(): number {
    const s = this.s;
    let c = s.charCodeAt(this.i);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = s.charCodeAt(++this.i);
    return c;
  }

  /** A JSON string at the cursor (after whitespace); undefined if there is none. */
  str(): string | undefined {
    if (this.ws() !== QUOTE) return undefined;
    const s = this.s;
    const start = this.i + 1;
    let j = start;
    let escaped = false;
    for (;;) {
      const c = s.charCodeAt(j);
      if (Number.isNaN(c)) return undefined;
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        escaped = true;
        j++;
      }
      j++;
    }
    this.i = j + 1;
    if (!escaped) return s.slice(start, j);
    try {
      return JSON.parse(s.slice(start - 1, j + 1)) as string;
    } catch {
      return undefined;
    }
  }

  /** A number, true, false or null at the cursor. */
  scalar(): number | boolean | null | undefined {
    const s = this.s;
    const start = this.i;
    let c = s.charCodeAt(this.i);
    while (c !== COMMA && c !== CLOSE && c !== 32 && c !== 10 && c !== 13 && c !== 9 && !Number.isNaN(c)) c = s.charCodeAt(++this.i);
    const word = s.slice(start, this.i);
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    const n = Number(word);
    return word !== '' && Number.isFinite(n) ? n : undefined;
  }

  expect(code: number): boolean {
    if (this.ws() !== code) return false;
    this.i++;
    return true;
  }
}

/** Scans `{"meta":{...},"payload":{...,"args":` ; undefined when the frame is shaped otherwise. */
function scan(text: string): FrameHead | undefined {
  const c = new Cursor(text);
  const h: FrameHead = {};
  let sawMeta = false;
  if (!c.expect(OPEN)) return undefined;
  for (;;) {
    const key = c.str();
    if (key === undefined || !c.expect(COLON) || !c.expect(OPEN)) return undefined;
    if (key === 'meta') {
      if (!fields(c, h, false)) return undefined;
      sawMeta = true;
    } else if (key === 'payload') {
      const r = fields(c, h, true);
      if (r === 'args') return sawMeta && complete(h) ? h : undefined;
      if (!r) return undefined;
    } else return undefined;
    if (c.expect(COMMA)) continue;
    return c.expect(CLOSE) && sawMeta ? h : undefined;
  }
}

/** Reads an object of scalars into `h` (cursor after its `{`); 'args' when it stopped at the args key. */
function fields(c: Cursor, h: FrameHead, payload: boolean): boolean | 'args' {
  if (c.expect(CLOSE)) return true;
  for (;;) {
    const key = c.str();
    if (key === undefined || !c.expect(COLON)) return false;
    if (payload && key === 'args') return 'args';
    const v = c.ws() === QUOTE ? c.str() : c.scalar();
    if (v === undefined) return false; // a nested value before args: not a shape we scan
    assign(h, key, v, payload);
    if (c.expect(COMMA)) continue;
    return c.expect(CLOSE);
  }
}

function assign(h: FrameHead, key: string, v: unknown, payload: boolean): void {
  if (!payload) {
    if (key === 'type' && typeof v === 'number') h.type = v;
    else if (key === 'uuid' && typeof v === 'string') h.uuid = v;
    return;
  }
  switch (key) {
    case 'for':
      if (typeof v === 'string') h.for = v;
      break;
    case 'uri':
      if (typeof v === 'string') h.uri = v;
      break;
    case 'channel':
      if (typeof v === 'string') h.channel = v;
      break;
    case 'timeout':
      if (typeof v === 'number') h.timeout = v;
      break;
    case 'code':
      if (typeof v === 'number') h.code = v;
      break;
  }
}

function parseHead(text: string): FrameHead | undefined {
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!m || typeof m !== 'object') return undefined;
  const meta = (m as { meta?: unknown }).meta;
  if (!meta || typeof meta !== 'object') return undefined;
  const h: FrameHead = {};
  for (const [k, v] of Object.entries(meta)) assign(h, k, v, false);
  const payload = (m as { payload?: unknown }).payload;
  if (payload && typeof payload === 'object') for (const [k, v] of Object.entries(payload)) assign(h, k, v, true);
  return h;
}

/**
 * Whether a RES frame's args are an error object (`{"error":...}`). Reads a cut text too: Go-ordered
 * frames have the args' first key within the head.
 */
export function resIsError(text: string, truncated: boolean): boolean {
  if (!truncated) {
    try {
      const args = (JSON.parse(text) as { payload?: { args?: unknown } }).payload?.args;
      return !!args && typeof args === 'object' && !Array.isArray(args) && 'error' in args;
    } catch {
      // fall through to the pattern
    }
  }
  return /"args"\s*:\s*\{\s*"error"\s*:/.test(text);
}
