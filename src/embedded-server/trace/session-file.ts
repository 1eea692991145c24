// A trace session as a file: NDJSON, a header line then one event per line, so that a session can be
// saved, sent to a colleague and opened again in the Studio. Imports are validated line by line; an
// error names the line and what is wrong with it.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { TraceEvent, TraceStats } from '../../shared/trace/events';
import { TraceError } from './errors';
import { DEFAULT_CAPACITY, TraceBus, type TraceBusOptions } from './trace-bus';

export const SESSION_FORMAT = 'juggler-studio-trace';
export const SESSION_VERSION = 1;

export interface SessionHeader {
  format: typeof SESSION_FORMAT;
  version: number;
  /** ISO time of the export. */
  exported: string;
  stats: TraceStats;
}

/** The session as NDJSON chunks (several lines each): the header, then the held events, oldest first. */
export async function* exportSession(bus: TraceBus, chunkEvents = 1000): AsyncIterable<string> {
  const header: SessionHeader = {
    format: SESSION_FORMAT,
    version: SESSION_VERSION,
    exported: new Date().toISOString(),
    stats: bus.stats(),
  };
  yield `${JSON.stringify(header)}\n`;
  // the events held now; ones recorded during the export are not part of it
  const last = bus.stats().recorded;
  let from: number | undefined;
  for (;;) {
    const batch = bus.events({ ...(from !== undefined ? { fromSeq: from } : {}), limit: chunkEvents, filter: (e) => e.seq <= last });
    if (batch.length === 0) return;
    let chunk = '';
    for (const e of batch) chunk += `${JSON.stringify(e)}\n`;
    yield chunk;
    from = batch[batch.length - 1]!.seq + 1;
    if (from > last) return;
  }
}

/** The whole session as one string (for the bridge; prefer exportToFile for large sessions). */
export async function exportText(bus: TraceBus): Promise<string> {
  let s = '';
  for await (const chunk of exportSession(bus)) s += chunk;
  return s;
}

/** Writes the session to `file` (replaced); resolves with the number of events written. */
export async function exportToFile(bus: TraceBus, file: string): Promise<number> {
  const fh = await open(file, 'w');
  let lines = 0;
  try {
    for await (const chunk of exportSession(bus)) {
      await fh.write(chunk);
      for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) lines++;
    }
  } finally {
    await fh.close();
  }
  return lines - 1;
}

export interface ImportedSession {
  header: SessionHeader;
  /** The bus holding the session (the one given, cleared and loaded, or a new one). */
  bus: TraceBus;
  count: number;
}

export type SessionSource = { text: string } | { file: string };

/**
 * Reads an exported session into `into` (cleared first) or a new bus. Rejects with a TraceError
 * (IMPORT_*) naming the first bad line; the bus is left untouched then.
 */
export async function importSession(source: SessionSource, into?: TraceBus, busOptions?: TraceBusOptions): Promise<ImportedSession> {
  const reader = new SessionReader();
  if ('text' in source) {
    let start = 0;
    while (start < source.text.length) {
      let end = source.text.indexOf('\n', start);
      if (end < 0) end = source.text.length;
      reader.line(source.text.slice(start, end));
      start = end + 1;
    }
  } else {
    const rl = createInterface({ input: createReadStream(source.file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
    try {
      for await (const line of rl) reader.line(line);
    } catch (err) {
      if (err instanceof TraceError) throw err;
      throw new TraceError('IMPORT_EMPTY', `cannot read the session file ${source.file}: ${(err as Error).message}`);
    } finally {
      rl.close();
    }
  }
  const header = reader.done();
  const bus = into ?? new TraceBus({ ...busOptions, capacity: Math.max(busOptions?.capacity ?? DEFAULT_CAPACITY, reader.events.length) });
  const count = bus.load(reader.events);
  return { header, bus, count };
}

/** Validates a session line by line. */
export class SessionReader {
  header: SessionHeader | undefined;
  readonly events: TraceEvent[] = [];
  #lineNo = 0;
  #lastSeq = 0;

  line(raw: string): void {
    const n = ++this.#lineNo;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (err) {
      throw new TraceError('IMPORT_BAD_JSON', `not JSON (${(err as Error).message}); each line must hold one JSON object`, n);
    }
    if (!this.header) {
      this.header = checkHeader(v, n);
      return;
    }
    const e = checkEvent(v, n);
    if (e.seq <= this.#lastSeq)
      throw new TraceError(
        'IMPORT_SEQ_ORDER',
        `event seq ${e.seq} does not follow seq ${this.#lastSeq}: events must be in recording order`,
        n,
      );
    this.#lastSeq = e.seq;
    this.events.push(e);
  }

  done(): SessionHeader {
    if (!this.header) throw new TraceError('IMPORT_EMPTY', `the session is empty: expected a "${SESSION_FORMAT}" header line`);
    return this.header;
  }
}

function checkHeader(v: unknown, line: number): SessionHeader {
  const h = v as Partial<SessionHeader> | null;
  if (!h || typeof h !== 'object' || h.format !== SESSION_FORMAT)
    throw new TraceError(
      'IMPORT_BAD_HEADER',
      `the first line must be a header with "format":"${SESSION_FORMAT}": this is not a trace session`,
      line,
    );
  if (h.version !== SESSION_VERSION)
    throw new TraceError(
      'IMPORT_BAD_HEADER',
      `session version ${String(h.version)} is not supported (this Studio reads version ${SESSION_VERSION}); export it again with this Studio`,
      line,
    );
  return h as SessionHeader;
}

type Check = (v: unknown) => boolean;
const str: Check = (v) => typeof v === 'string';
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const oneOf =
  (...xs: string[]): Check =>
  (v) =>
    typeof v === 'string' && xs.includes(v);
const arr: Check = (v) => Array.isArray(v);
const bool: Check = (v) => typeof v === 'boolean';

/** Required (true) and optional (false) fields of each kind, besides seq, t, wall and corr. */
const schema: Record<TraceEvent['kind'], Record<string, [Check, boolean]>> = {
  frame: {
    proto: [oneOf('juggler', 'sync'), true],
    side: [oneOf('server', 'client', 'proxy'), true],
    source: [str, false],
    connId: [str, true],
    dir: [oneOf('in', 'out'), true],
    size: [num, true],
    text: [str, true],
    type: [str, false],
    uuid: [str, false],
    uri: [str, false],
    channel: [str, false],
    truncated: [bool, false],
    error: [str, false],
  },
  redis: {
    role: [oneOf('server', 'callee', 'inspector', 'host', 'watch'), true],
    command: [str, true],
    key: [str, true],
    size: [num, true],
    durationMs: [num, true],
    error: [str, false],
    // the redis watch's (RedisTrace)
    client: [str, false],
    node: [str, false],
    db: [num, false],
    ttlMs: [num, false],
    resultError: [str, false],
  },
  callee: {
    calleeId: [str, true],
    uri: [str, true],
    durationMs: [num, true],
    outcome: [oneOf('ok', 'error', 'expired', 'killed'), true],
    error: [str, false],
    startedT: [num, false],
  },
  sync: {
    peerId: [str, true],
    replica: [oneOf('local', 'remote', 'state'), true],
    revision: [num, true],
    patch: [arr, true],
    size: [num, true],
  },
  conn: {
    proto: [oneOf('juggler', 'sync'), true],
    side: [oneOf('server', 'client', 'proxy'), true],
    source: [str, false],
    connId: [str, true],
    state: [oneOf('connecting', 'connected', 'closed'), true],
    code: [num, false],
    reason: [str, false],
    remote: [str, false],
  },
  log: { level: [oneOf('info', 'warn', 'error'), true], source: [str, true], message: [str, true] },
};

function checkEvent(v: unknown, line: number): TraceEvent {
  const bad = (what: string) => new TraceError('IMPORT_BAD_EVENT', `${what}; not a trace event of this Studio`, line);
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw bad('expected a JSON object');
  const o = v as Record<string, unknown>;
  const kind = o.kind as TraceEvent['kind'];
  const fields = typeof kind === 'string' ? schema[kind] : undefined;
  if (!fields) throw bad(`unknown kind ${JSON.stringify(o.kind)} (expected one of ${Object.keys(schema).join(', ')})`);
  if (!Number.isInteger(o.seq) || (o.seq as number) < 1) throw bad(`"seq" must be a positive integer, got ${JSON.stringify(o.seq)}`);
  if (!num(o.t)) throw bad(`"t" must be a number, got ${JSON.stringify(o.t)}`);
  if (!num(o.wall)) throw bad(`"wall" must be a number, got ${JSON.stringify(o.wall)}`);
  if (o.corr !== undefined && !str(o.corr)) throw bad(`"corr" must be a string, got ${JSON.stringify(o.corr)}`);
  for (const [name, [check, required]] of Object.entries(fields)) {
    const x = o[name];
    if (x === undefined) {
      if (required) throw bad(`a ${kind} event needs "${name}"`);
    } else if (!check(x)) throw bad(`"${name}" of a ${kind} event has a wrong type or value: ${JSON.stringify(x)?.slice(0, 60)}`);
  }
  return o as unknown as TraceEvent;
}
