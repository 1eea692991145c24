// The live log's filters and how they test an event. A filter compiles once into a predicate that the
// store runs on each new batch (and on the whole log when the filter changes).
import type { TraceEvent, TraceKind } from '../../../../shared/trace/events';
import { payloadOf, peerOf, targetOf, typeOf } from './event-columns';

export const traceKinds: readonly TraceKind[] = ['frame', 'redis', 'callee', 'sync', 'conn', 'log'];

export interface TraceFilter {
  /** Kinds shown; empty: every kind. */
  kinds: readonly TraceKind[];
  /** Exact Type column value (CALL, BRPOP, run ok...); empty: any. */
  type: string;
  /** Part of the Connection column, any case; empty: any. */
  conn: string;
  /** Part of the URI / channel / key column, any case; empty: any. */
  target: string;
  /** Text searched in the payload, type and target, any case; a regular expression when `regex`. */
  search: string;
  regex: boolean;
}

export const emptyFilter: TraceFilter = { kinds: [], type: '', conn: '', target: '', search: '', regex: false };

export function filterActive(f: TraceFilter): boolean {
  return f.kinds.length > 0 || f.type !== '' || f.conn !== '' || f.target !== '' || f.search !== '';
}

export type Matcher = (e: TraceEvent) => boolean;

export interface CompiledFilter {
  /** Undefined: the filter lets everything through. */
  match?: Matcher;
  /** Why the search is not a valid regular expression (the filter then ignores the search). */
  error?: string;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function compileFilter(f: TraceFilter): CompiledFilter {
  const tests: Matcher[] = [];
  let error: string | undefined;
  if (f.kinds.length > 0 && f.kinds.length < traceKinds.length) {
    const kinds = new Set(f.kinds);
    tests.push((e) => kinds.has(e.kind));
  }
  if (f.type) {
    const type = f.type;
    tests.push((e) => typeOf(e) === type);
  }
  if (f.conn) {
    const conn = f.conn.toLowerCase();
    tests.push((e) => peerOf(e).toLowerCase().includes(conn));
  }
  if (f.target) {
    const target = f.target.toLowerCase();
    tests.push((e) => targetOf(e).toLowerCase().includes(target));
  }
  if (f.search) {
    let re: RegExp | undefined;
    try {
      // a RegExp with `i` is quicker than lower-casing every payload, and never allocates
      re = new RegExp(f.regex ? f.search : escapeRegExp(f.search), 'i');
    } catch (err) {
      error = `not a valid regular expression: ${(err as Error).message}`;
    }
    if (re) {
      const r = re;
      tests.push((e) => r.test(payloadOf(e)) || r.test(typeOf(e)) || r.test(targetOf(e)));
    }
  }
  const out: CompiledFilter = error ? { error } : {};
  if (tests.length === 1) out.match = tests[0];
  else if (tests.length > 1) out.match = (e) => tests.every((t) => t(e));
  return out;
}
