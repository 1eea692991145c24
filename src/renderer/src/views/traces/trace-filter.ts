// The live log's filters and how they test an event. A filter compiles once into a predicate that the
// store runs on each new batch (and on the whole log when the filter changes). It reads column values
// by position (FilterSource), so that the store's column log is filtered without building events.
import { TRACE_KINDS, type TraceEvent, type TraceKind } from '../../../../shared/trace/events';
import { payloadOf, peerOf, targetOf, typeOf } from './event-columns';

export const traceKinds: readonly TraceKind[] = TRACE_KINDS;

export interface TraceFilter {
  /** Kinds shown; empty: every kind. */
  kinds: readonly TraceKind[];
  /** Exact Type column value (CALL, BRPOP, run ok...); empty: any. */
  type: string;
  /**
   * Part of the Connection column, any case; empty: any. A leading `-` or `!` excludes instead
   * (`-inspector`); `\-` or `\!` starts a literal one. The same holds for `target` and `search`.
   */
  conn: string;
  /** Part of the URI / channel / key column, any case; empty: any. */
  target: string;
  /** Text searched in the payload, type and target, any case; a regular expression when `regex`. */
  search: string;
  regex: boolean;
  /**
   * Show the Studio's own housekeeping traffic: the redis commands of its inspector (the Redis view's
   * polling), which would otherwise outnumber the system's own events.
   */
  housekeeping: boolean;
}

/** Lets everything through. */
export const emptyFilter: TraceFilter = { kinds: [], type: '', conn: '', target: '', search: '', regex: false, housekeeping: true };
/** What the live log starts with and "clear filters" returns to: everything but the housekeeping. */
export const defaultFilter: TraceFilter = { ...emptyFilter, housekeeping: false };

/** Whether the user narrowed the log down (hiding the housekeeping is not counted: it is the default). */
export function filterActive(f: TraceFilter): boolean {
  return f.kinds.length > 0 || f.type !== '' || f.conn !== '' || f.target !== '' || f.search !== '';
}

/** A text field's term: what to look for, and whether it excludes (`-x`, `!x`) rather than requires. */
export function parseTerm(text: string): { text: string; exclude: boolean } {
  if (text.length > 1 && (text[0] === '-' || text[0] === '!')) return { text: text.slice(1), exclude: true };
  if (text.length > 1 && text[0] === '\\' && (text[1] === '-' || text[1] === '!')) return { text: text.slice(1), exclude: false };
  return { text, exclude: false };
}

/** The Connection column value of the Studio's housekeeping (see TraceFilter.housekeeping). */
const HOUSEKEEPING_PEER = 'inspector';

/** What a filter reads of the event at a position: the column values the rows show. */
export interface FilterSource {
  kindAt(pos: number): TraceKind;
  typeAt(pos: number): string;
  peerAt(pos: number): string;
  targetAt(pos: number): string;
  payloadAt(pos: number): string;
}

/** Events as objects seen as a FilterSource (position = index). */
export function eventSource(events: readonly TraceEvent[]): FilterSource {
  return {
    kindAt: (pos) => events[pos]!.kind,
    typeAt: (pos) => typeOf(events[pos]!),
    peerAt: (pos) => peerOf(events[pos]!),
    targetAt: (pos) => targetOf(events[pos]!),
    payloadAt: (pos) => payloadOf(events[pos]!),
  };
}

export type Matcher = (src: FilterSource, pos: number) => boolean;

export interface CompiledFilter {
  /** Undefined: the filter lets everything through. */
  match?: Matcher;
  /** Why the search is not a valid regular expression (the filter then ignores the search). */
  error?: string;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `test` remembered by value. Type and Connection values repeat (a few hundred distinct ones in a
 * million events, the same strings from the log's string table), so each is tested once, not once
 * per event.
 */
function memo(test: (s: string) => boolean): (s: string) => boolean {
  const seen = new Map<string, boolean>();
  return (s) => {
    let ok = seen.get(s);
    if (ok === undefined) {
      ok = test(s);
      if (seen.size > 10_000) seen.clear();
      seen.set(s, ok);
    }
    return ok;
  };
}

export function compileFilter(f: TraceFilter): CompiledFilter {
  const tests: Matcher[] = [];
  let error: string | undefined;
  if (f.kinds.length > 0 && f.kinds.length < traceKinds.length) {
    const kinds = new Set(f.kinds);
    tests.push((src, pos) => kinds.has(src.kindAt(pos)));
  }
  if (f.type) {
    const type = f.type;
    tests.push((src, pos) => src.typeAt(pos) === type);
  }
  if (!f.housekeeping) {
    tests.push((src, pos) => src.kindAt(pos) !== 'redis' || src.peerAt(pos) !== HOUSEKEEPING_PEER);
  }
  if (f.conn) {
    const { text, exclude } = parseTerm(f.conn);
    const conn = text.toLowerCase();
    const peerHas = memo((peer) => peer.toLowerCase().includes(conn) !== exclude);
    tests.push((src, pos) => peerHas(src.peerAt(pos)));
  }
  if (f.target) {
    const { text, exclude } = parseTerm(f.target);
    const target = text.toLowerCase();
    tests.push((src, pos) => src.targetAt(pos).toLowerCase().includes(target) !== exclude);
  }
  if (f.search) {
    const { text, exclude } = parseTerm(f.search);
    let re: RegExp | undefined;
    try {
      // a RegExp with `i` is quicker than lower-casing every payload, and never allocates
      re = new RegExp(f.regex ? text : escapeRegExp(text), 'i');
    } catch (err) {
      error = `not a valid regular expression: ${(err as Error).message}`;
    }
    if (re) {
      const r = re;
      const typeHas = memo((type) => r.test(type));
      tests.push((src, pos) => (r.test(src.payloadAt(pos)) || typeHas(src.typeAt(pos)) || r.test(src.targetAt(pos))) !== exclude);
    }
  }
  const out: CompiledFilter = error ? { error } : {};
  if (tests.length === 1) out.match = tests[0];
  else if (tests.length > 1)
    out.match = (src, pos) => {
      for (const t of tests) if (!t(src, pos)) return false;
      return true;
    };
  return out;
}
