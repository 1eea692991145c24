// A replica's history as states: each change carries its patch and the data before and after it, so
// the state at any revision is read straight from the history; replaying the patches from the first
// `before` gives the same states (a test pins that) and is how a history with no snapshots would do it.
//
// Diffs and replays go through the engine's own JSON Patch module (src/shared/json-patch), so the diff a
// user sees between two revisions is the patch a peer would send for that change: a prepend is `add /a/0`,
// not a replace of every element, and a null or scalar root is one `replace ""`.
import type { SyncChange } from '../../../../shared/bridge/contract';
import { applyPatch, diff, type JsonValue, jsonEqual, type Patch } from '../../../../shared/json-patch';

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
