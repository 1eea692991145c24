// A replica's history as states: each change carries its patch and the data before and after it, so
// the state at any revision is read straight from the history; replaying the patches from the first
// `before` gives the same states (a test pins that) and is how a history with no snapshots would do it.
import { applyPatch, compare, type Operation } from 'fast-json-patch';
import type { SyncChange } from '../../../../shared/bridge/contract';

/** The revisions a history can show: the state before its first change, then after each change. */
export function revisionsOf(history: readonly SyncChange[]): number[] {
  if (history.length === 0) return [];
  return [history[0]!.revision - 1, ...history.map((c) => c.revision)];
}

/** The data at `revision`: after the last change at or before it, or before the first change. */
export function stateAt(history: readonly SyncChange[], revision: number): unknown {
  if (history.length === 0) return null;
  if (revision < history[0]!.revision) return history[0]!.before;
  let found = history[0]!;
  for (const c of history) {
    if (c.revision > revision) break;
    found = c;
  }
  return found.after;
}

/** The same state by applying the patches from the first change's `before` (never mutating it). */
export function replayTo(history: readonly SyncChange[], revision: number): unknown {
  if (history.length === 0) return null;
  let doc = history[0]!.before;
  for (const c of history) {
    if (c.revision > revision) break;
    doc = applyPatch(doc, c.patch as Operation[], true, false).newDocument;
  }
  return doc;
}

/** RFC 6902 operations that turn the state at `from` into the state at `to`. */
export function diffRevisions(history: readonly SyncChange[], from: number, to: number): Operation[] {
  return diffValues(stateAt(history, from), stateAt(history, to));
}

export function diffValues(a: unknown, b: unknown): Operation[] {
  const isObj = (v: unknown) => typeof v === 'object' && v !== null;
  // compare() only walks objects and arrays; a scalar or null root is one replace of the whole
  if (!isObj(a) || !isObj(b) || Array.isArray(a) !== Array.isArray(b)) {
    return deepEqual(a, b) ? [] : [{ op: 'replace', path: '', value: b }];
  }
  return compare(a as object, b as object);
}

function parentPointer(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '' : path.slice(0, i);
}

/**
 * JSON Pointers a patch touches, for highlighting a tree: each op's path and `from`; a removed value has
 * no node left to show, so its parent is marked instead.
 */
export function changedPaths(patch: readonly unknown[]): Set<string> {
  const out = new Set<string>();
  for (const raw of patch) {
    const op = raw as { op?: string; path?: unknown; from?: unknown };
    if (op.op === 'test' || typeof op.path !== 'string') continue;
    out.add(op.path);
    if (op.op === 'remove') out.add(parentPointer(op.path));
    if (typeof op.from === 'string') {
      out.add(op.from);
      out.add(parentPointer(op.from));
    }
  }
  return out;
}

/** Deep JSON equality, key order ignored. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** One operation on one line: `replace /todos/0/done true`. */
export function formatOp(raw: unknown): string {
  const op = raw as { op?: string; path?: string; from?: string; value?: unknown };
  const parts = [op.op ?? '?', op.path === '' ? '""' : (op.path ?? '?')];
  if (op.from !== undefined) parts.push(`from ${op.from === '' ? '""' : op.from}`);
  if ('value' in op) {
    const v = JSON.stringify(op.value);
    parts.push(v === undefined ? 'undefined' : v.length > 120 ? `${v.slice(0, 120)}…` : v);
  }
  return parts.join(' ');
}
