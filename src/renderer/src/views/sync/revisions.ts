// A replica's history as states: each change carries its patch and the data before and after it, so
// the state at any revision is read straight from the history; replaying the patches from the first
// `before` gives the same states (a test pins that) and is how a history with no snapshots would do it.
//
// Diffs and replays go through the engine's own JSON Patch module (src/shared/json-patch), so the diff a
// user sees between two revisions is the patch a peer would send for that change: a prepend is `add /a/0`,
// not a replace of every element, and a null or scalar root is one `replace ""`.
import type { SyncChange } from '../../../../shared/bridge/contract';
import { applyPatch, diff, type JsonValue, jsonEqual, type Patch, parsePointer } from '../../../../shared/json-patch';

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

// the Studio replays what a peer already accepted: no depth or size bound to enforce again here
const UNBOUNDED = {
  maxDepth: Number.POSITIVE_INFINITY,
  maxOperations: Number.POSITIVE_INFINITY,
  maxCopiedValues: Number.POSITIVE_INFINITY,
};

/** The same state by applying the patches from the first change's `before` (never mutating it). */
export function replayTo(history: readonly SyncChange[], revision: number): unknown {
  if (history.length === 0) return null;
  let doc = history[0]!.before;
  for (const c of history) {
    if (c.revision > revision) break;
    // the Studio shows what the peer already accepted: no depth or size bounds to enforce here
    doc = applyPatch(doc as JsonValue, c.patch, {
      maxDepth: Number.POSITIVE_INFINITY,
      maxOperations: Number.POSITIVE_INFINITY,
      maxCopiedValues: Number.POSITIVE_INFINITY,
    });
  }
  return doc;
}

/** RFC 6902 operations that turn the state at `from` into the state at `to`. */
export function diffRevisions(history: readonly SyncChange[], from: number, to: number): Patch {
  return diffValues(stateAt(history, from), stateAt(history, to));
}

/** The patch a peer would send to turn `a` into `b` (both JSON values, as every replica state is). */
export function diffValues(a: unknown, b: unknown): Patch {
  return diff(a as JsonValue, b as JsonValue);
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

/** Deep JSON equality, key order ignored, types told apart (0, false, "" and null differ). */
export const deepEqual: (a: unknown, b: unknown) => boolean = jsonEqual;

/** An operation with the value it replaces or removes (`old`), read from the data just before it. */
export interface OpWithOld {
  op: unknown;
  /** Present for replace and remove (and move, the moved value's place is emptied). */
  old?: { value: unknown };
}

/**
 * Pairs the first `limit` operations of `patch` with the values they overwrite, applying them one by one
 * from `before` (each operation's path is relative to the data the ones before it made). Stops pairing at
 * an operation that does not apply (a history the host trimmed): the rest are listed without old values.
 */
export function withOldValues(before: unknown, patch: readonly unknown[], limit = patch.length): OpWithOld[] {
  const out: OpWithOld[] = [];
  let doc = before as JsonValue;
  let ok = true;
  const shown = patch.slice(0, limit);
  for (const [i, raw] of shown.entries()) {
    const op = raw as { op?: string; path?: unknown };
    const entry: OpWithOld = { op: raw };
    if (ok && (op.op === 'replace' || op.op === 'remove') && typeof op.path === 'string') {
      const found = valueAt(doc, op.path);
      if (found) entry.old = found;
    }
    out.push(entry);
    // the last one shown changes nothing that is read after it
    if (ok && i < shown.length - 1) {
      try {
        doc = applyPatch(doc, [raw], UNBOUNDED);
      } catch {
        ok = false;
      }
    }
  }
  return out;
}

/** The value at a JSON Pointer, or undefined when there is none. */
export function valueAt(doc: unknown, pointer: string): { value: unknown } | undefined {
  let node = doc;
  try {
    for (const token of parsePointer(pointer)) {
      if (Array.isArray(node) && /^(0|[1-9][0-9]*)$/.test(token) && Number(token) < node.length) node = node[Number(token)];
      else if (typeof node === 'object' && node !== null && !Array.isArray(node) && Object.hasOwn(node, token))
        node = (node as Record<string, unknown>)[token];
      else return undefined;
    }
  } catch {
    return undefined;
  }
  return { value: node };
}

/** A value on one line, cut at 120 characters. */
export function formatValue(value: unknown): string {
  const v = JSON.stringify(value);
  return v === undefined ? 'undefined' : v.length > 120 ? `${v.slice(0, 120)}…` : v;
}

/** One operation on one line: `replace /todos/0/done true`. */
export function formatOp(raw: unknown): string {
  const op = raw as { op?: string; path?: string; from?: string; value?: unknown };
  const parts = [op.op ?? '?', op.path === '' ? '""' : (op.path ?? '?')];
  if (op.from !== undefined) parts.push(`from ${op.from === '' ? '""' : op.from}`);
  if ('value' in op) parts.push(formatValue(op.value));
  return parts.join(' ');
}
