// RFC 6902 JSON Patch: the diff our peers send and the applier for whatever the other side sends. Shared by
// the engine's peers and the Studio's renderer, so that the diff a user sees between two revisions is the
// patch a peer would send for that change. Browser-safe: no node:* imports.
//
// Applying goes through fast-json-patch, on copies of what it changes (the receiver keeps its last good
// state when a patch fails). fast-json-patch deviates from RFC 6902 where juggler peers need it strict, so every operation is
// checked against the current document first (see checkOperation):
// - its existence checks use `obj[key] === undefined`, so inherited keys (`constructor`, `toString`)
//   count as present, and they are skipped entirely when the document is falsy (null, 0, "", false), where
//   it then throws a TypeError instead of a patch error;
// - it accepts array indices with leading zeros ("01") and lets `move` put a value inside itself;
// - `move`/`copy` at the root read `from` without checking that it exists.
// `remove ""` giving null, `test` with deep equality and ordered, all-or-nothing application are what
// fast-json-patch already does and what the spec asks for.
//
// Diffing is ours, not fast-json-patch's `compare`: `compare` crashes on a null or primitive root, cannot
// express a change of the root's type, and turns a prepend into a replace of every element. The spec
// (P1) pins `add /a/0` for a prepend and `remove /a/0` for dropping the first element.
import { applyOperation, type Operation } from 'fast-json-patch';
import { CloseCode, SyncError } from '../sync-error';
import { DEFAULT_MAX_DEPTH, tooDeep, valueDepth } from './json-depth';
import { isPlainObject, type JsonValue, jsonEqual } from './json-value';
import { escapePointerToken, parsePointer, unescapePointerToken } from './pointer';

export type PatchOperation =
  | { op: 'add'; path: string; value: JsonValue }
  | { op: 'remove'; path: string }
  | { op: 'replace'; path: string; value: JsonValue }
  | { op: 'move'; from: string; path: string }
  | { op: 'copy'; from: string; path: string }
  | { op: 'test'; path: string; value: JsonValue };

export type Patch = PatchOperation[];

/**
 * The patch that turns `before` into `after`: only add, remove and replace; a change at the root or of the
 * root's type is `replace ""`; `[]` when the two are equal. Values in the patch are shared with `after`:
 * treat both as read-only.
 */
export function diff(before: JsonValue, after: JsonValue): Patch {
  const ops: Patch = [];
  diffAt(before, after, '', ops);
  return ops;
}

function diffAt(a: JsonValue, b: JsonValue, path: string, ops: Patch): void {
  if (a === b) return;
  if (isPlainObject(a) && isPlainObject(b)) diffObject(a, b, path, ops);
  else if (Array.isArray(a) && Array.isArray(b)) diffArray(a, b, path, ops);
  else if (!jsonEqual(a, b)) ops.push({ op: 'replace', path, value: b });
}

function diffObject(a: { [key: string]: JsonValue }, b: { [key: string]: JsonValue }, path: string, ops: Patch): void {
  for (const key of Object.keys(a)) {
    const at = `${path}/${escapePointerToken(key)}`;
    if (!Object.hasOwn(b, key)) ops.push({ op: 'remove', path: at });
    else diffAt(a[key]!, b[key]!, at, ops);
  }
  for (const key of Object.keys(b)) {
    if (!Object.hasOwn(a, key)) ops.push({ op: 'add', path: `${path}/${escapePointerToken(key)}`, value: b[key]! });
  }
}

// Trims the common head and tail, then walks the two middles: equal elements are kept; a run of up to
// LOOKAHEAD inserted or deleted elements becomes adds or removes; anything else is diffed in place. So a
// single insertion or deletion anywhere is one operation, and a few of them in one batching window do not
// turn every element in between into a replace. Invariant: the array being patched is b[..j] + a[i..].
const LOOKAHEAD = 16;

function diffArray(a: JsonValue[], b: JsonValue[], path: string, ops: Patch): void {
  let head = 0;
  const shorter = Math.min(a.length, b.length);
  while (head < shorter && jsonEqual(a[head], b[head])) head++;
  let tail = 0;
  while (tail < shorter - head && jsonEqual(a[a.length - 1 - tail], b[b.length - 1 - tail])) tail++;
  const aEnd = a.length - tail;
  const bEnd = b.length - tail;
  let i = head;
  let j = head;
  while (i < aEnd && j < bEnd) {
    if (jsonEqual(a[i], b[j])) {
      i++;
      j++;
      continue;
    }
    let inserted = 0;
    let deleted = 0;
    for (let k = 1; k <= LOOKAHEAD; k++) {
      if (j + k < bEnd && jsonEqual(a[i], b[j + k])) {
        inserted = k;
        break;
      }
      if (i + k < aEnd && jsonEqual(a[i + k], b[j])) {
        deleted = k;
        break;
      }
    }
    if (inserted > 0) {
      for (const end = j + inserted; j < end; j++) ops.push({ op: 'add', path: `${path}/${j}`, value: b[j]! });
    } else if (deleted > 0) {
      for (let k = 0; k < deleted; k++) ops.push({ op: 'remove', path: `${path}/${j}` });
      i += deleted;
    } else {
      diffAt(a[i]!, b[j]!, `${path}/${j}`, ops);
      i++;
      j++;
    }
  }
  for (; i < aEnd; i++) ops.push({ op: 'remove', path: `${path}/${j}` });
  for (; j < bEnd; j++) ops.push({ op: 'add', path: `${path}/${j}`, value: b[j]! });
}

/**
 * Most operations in one received patch by default. Our own diff sends one operation per changed array
 * element or member, so a legitimate patch of a large array can have tens of thousands; past this bound a
 * patch is refused before any work (one frame of 200,000 prepends used to block the event loop for 7.7 s,
 * issue 11, item 7).
 */
export const DEFAULT_MAX_PATCH_OPERATIONS = 100_000;

/** The bounds a received patch is applied within. */
export interface PatchLimits {
  /** Deepest nesting the resulting data may reach; deeper is TOO_DEEP (1009). Default 256 (json-depth.ts). */
  maxDepth?: number;
  /** Most operations in the patch; more is TOO_MANY_OPERATIONS (1009). Default 100,000. */
  maxOperations?: number;
  /**
   * Most JSON values (each scalar, array and object counts one) the patch's copy operations may duplicate
   * together; more is PATCH_TOO_LARGE (1009). Default 1,000,000. Each copy of the root into a member
   * doubles the data: 22 of them in a 600-byte frame made 120 MB and blocked for 33 s, 30 ran out of heap.
   */
  maxCopiedValues?: number;
}

export const DEFAULT_MAX_COPIED_VALUES = 1_000_000;

/**
 * Applies `patch` and returns the new document; `doc` is never touched. Throws PATCH_FAILED (close code
 * 1007) naming the failing operation when the patch is malformed or any operation fails, TOO_DEEP or
 * TOO_MANY_OPERATIONS (1009) when it goes past `limits`.
 *
 * Copy on write: only the objects and arrays on the path of an operation are copied (each once per
 * patch), everything else is shared with `doc`, and the patch's values become part of the result. A small
 * edit of a 1 MB document then costs a few shallow copies instead of a deep copy of the megabyte. Treat
 * `doc`, the result and the patch as read-only, as every revision of a replica is.
 */
export function applyPatch(doc: JsonValue, patch: unknown, limits: PatchLimits = {}): JsonValue {
  const ops = checkPatchShape(patch);
  const maxOperations = limits.maxOperations ?? DEFAULT_MAX_PATCH_OPERATIONS;
  if (ops.length > maxOperations) {
    throw new SyncError(
      'TOO_MANY_OPERATIONS',
      `a patch has ${ops.length} operations, over the limit of ${maxOperations} (raise maxPatchOperations)`,
      { closeCode: CloseCode.messageTooBig },
    );
  }
  if (ops.length === 0) return doc;
  const maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  const copyBudget = {
    limit: limits.maxCopiedValues ?? DEFAULT_MAX_COPIED_VALUES,
    left: limits.maxCopiedValues ?? DEFAULT_MAX_COPIED_VALUES,
  };
  const fresh = new Set<object>();
  let result = doc;
  let generalUntil = 0;
  for (let index = 0; index < ops.length; ) {
    const run = index < generalUntil ? 0 : arrayRunLength(ops, index);
    if (run >= MIN_ARRAY_RUN) {
      const applied = applyArrayRun(result, ops, index, run, maxDepth, fresh);
      if (applied !== undefined) {
        result = applied;
        index += run;
        continue;
      }
      generalUntil = index + run; // not an array (members of an object, or an error to report): one by one
    }
    const op = ops[index]!;
    try {
      checkOperation(result, op);
      checkDepth(result, op, index, maxDepth, fresh);
      if (op.op === 'copy') chargeCopy(result, op, index, copyBudget);
      if (op.op !== 'test') {
        result = own(result, parsePointer(op.path), fresh);
        if (op.op === 'move') result = own(result, parsePointer(op.from), fresh);
      }
      result = applyOperation(result, op as Operation, true, true, true, index).newDocument as JsonValue;
    } catch (err) {
      if (err instanceof SyncError) throw err;
      throw patchFailed(index, op, (err as Error).message ?? String(err));
    }
    index++;
  }
  return result;
}

// Array inserts and removals one by one shift the whole array each time: 200,000 prepends at /arr/0
// blocked the event loop for 7.7 s (issue 11, item 7). A run of at least MIN_ARRAY_RUN add, remove or
// replace operations on elements of the same array is applied on a list of chunks instead (each
// operation shifts at most one chunk), then written back once: the same result, in about
// n * (length / CHUNK + CHUNK) steps instead of n * length. Shorter runs take the general path.
const MIN_ARRAY_RUN = 32;
const CHUNK = 512;

/** How many operations from `start` edit elements of one array: add/remove/replace under one parent. */
function arrayRunLength(ops: Patch, start: number): number {
  const parent = elementParent(ops[start]!);
  if (parent === undefined) return 0;
  let end = start + 1;
  while (end < ops.length && elementParent(ops[end]!) === parent) end++;
  return end - start;
}

function elementParent(op: PatchOperation): string | undefined {
  if (op.op !== 'add' && op.op !== 'remove' && op.op !== 'replace') return undefined;
  const slash = op.path.lastIndexOf('/');
  return slash < 0 ? undefined : op.path.slice(0, slash);
}

/** Applies the run when its parent is an array; undefined (nothing done) otherwise. */
function applyArrayRun(
  doc: JsonValue,
  ops: Patch,
  start: number,
  count: number,
  maxDepth: number,
  fresh: Set<object>,
): JsonValue | undefined {
  const first = ops[start]!;
  let parentTokens: string[];
  try {
    parentTokens = parsePointer(first.path.slice(0, first.path.lastIndexOf('/')));
    if (!Array.isArray(resolve(doc, parentTokens))) return undefined;
  } catch {
    return undefined;
  }
  // the array itself becomes this patch's own copy, so that it can be rewritten in place
  const root = own(doc, [...parentTokens, '0'], fresh);
  const arr = resolve(root, parentTokens) as JsonValue[];
  const list = new ChunkedList(arr);
  for (let index = start; index < start + count; index++) {
    const op = ops[index]!;
    try {
      const token = unescapePointerToken(op.path.slice(op.path.lastIndexOf('/') + 1));
      if (op.op === 'add') {
        const at = token === '-' ? list.length : arrayIndex(token);
        if (at > list.length) throw new Error(`index ${token} is past the end of the array (length ${list.length})`);
        checkPlacedDepth(op, index, parentTokens.length + 1, maxDepth, fresh);
        list.insert(at, op.value);
      } else {
        const at = arrayIndex(token);
        if (at >= list.length) throw new Error(`index ${token} does not exist (array length ${list.length})`);
        if (op.op === 'remove') list.remove(at);
        else {
          checkPlacedDepth(op as PatchOperation & { value: JsonValue }, index, parentTokens.length + 1, maxDepth, fresh);
          list.set(at, (op as { value: JsonValue }).value);
        }
      }
    } catch (err) {
      if (err instanceof SyncError) throw err;
      throw patchFailed(index, op, (err as Error).message ?? String(err));
    }
  }
  list.writeTo(arr);
  return root;
}

function checkPlacedDepth(
  op: PatchOperation & { value: JsonValue },
  index: number,
  at: number,
  maxDepth: number,
  fresh: Set<object>,
): void {
  if (at + subtreeDepth(op.value, maxDepth - at, fresh) > maxDepth) {
    throw tooDeep(`patch operation ${index} (${op.op} ${JSON.stringify(op.path)}) would make data that`, maxDepth);
  }
}

/** An array as a list of chunks of about CHUNK elements: inserting or removing shifts one chunk. */
class ChunkedList {
  private readonly chunks: JsonValue[][] = [];
  length: number;

  constructor(values: JsonValue[]) {
    for (let i = 0; i < values.length; i += CHUNK) this.chunks.push(values.slice(i, i + CHUNK));
    this.length = values.length;
  }

  /** The chunk holding position `at` (or the end, for at === length) and the offset in it. */
  private find(at: number): [number, number] {
    let c = 0;
    while (c < this.chunks.length - 1 && at >= this.chunks[c]!.length) at -= this.chunks[c++]!.length;
    return [c, at];
  }

  insert(at: number, value: JsonValue): void {
    if (this.chunks.length === 0) this.chunks.push([]);
    const [c, offset] = this.find(at);
    const chunk = this.chunks[c]!;
    chunk.splice(offset, 0, value);
    if (chunk.length >= 2 * CHUNK) this.chunks.splice(c + 1, 0, chunk.splice(CHUNK));
    this.length++;
  }

  remove(at: number): void {
    const [c, offset] = this.find(at);
    const chunk = this.chunks[c]!;
    chunk.splice(offset, 1);
    if (chunk.length === 0) this.chunks.splice(c, 1);
    this.length--;
  }

  set(at: number, value: JsonValue): void {
    const [c, offset] = this.find(at);
    this.chunks[c]![offset] = value;
  }

  writeTo(arr: JsonValue[]): void {
    arr.length = 0;
    for (const chunk of this.chunks) for (const v of chunk) arr.push(v);
  }
}

/**
 * Copies the containers from the root down to the parent of the last token of `path` that this patch has
 * not copied yet, linking each copy into its (copied) parent; returns the root. The operation that follows
 * then changes only copies. The path was checked to exist by checkOperation.
 */
function own(root: JsonValue, path: string[], fresh: Set<object>): JsonValue {
  if (path.length === 0 || !isContainer(root)) return root;
  const top = fresh.has(root) ? root : copyOf(root, fresh);
  let node: JsonValue[] | { [key: string]: JsonValue } = top;
  for (let i = 0; i < path.length - 1; i++) {
    const token = path[i]!;
    const child: JsonValue | undefined = Array.isArray(node) ? node[Number(token)] : node[token];
    if (!isContainer(child)) break;
    const owned = fresh.has(child) ? child : copyOf(child, fresh);
    if (Array.isArray(node)) node[Number(token)] = owned;
    else node[token] = owned;
    node = owned;
  }
  return top;
}

function isContainer(v: JsonValue | undefined): v is JsonValue[] | { [key: string]: JsonValue } {
  return typeof v === 'object' && v !== null;
}

function copyOf<T extends JsonValue[] | { [key: string]: JsonValue }>(v: T, fresh: Set<object>): T {
  // spread defines own properties, so a "__proto__" key from JSON stays a plain key
  const c = (Array.isArray(v) ? v.slice() : { ...v }) as T;
  fresh.add(c);
  return c;
}

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** Checks that `patch` is an array of well-formed RFC 6902 operations. */
export function checkPatchShape(patch: unknown): Patch {
  if (!Array.isArray(patch))
    throw new SyncError('PATCH_FAILED', `a patch must be a JSON array of operations, got ${describe(patch)}`, {
      closeCode: CloseCode.invalidPayload,
    });
  patch.forEach((op: unknown, index) => {
    if (!isPlainObject(op)) throw patchFailed(index, op, `an operation must be an object, got ${describe(op)}`);
    if (typeof op.op !== 'string' || !OPS.has(op.op)) throw patchFailed(index, op, `"op" must be one of ${[...OPS].join(', ')}`);
    if (typeof op.path !== 'string') throw patchFailed(index, op, '"path" must be a string');
    if ((op.op === 'move' || op.op === 'copy') && typeof op.from !== 'string')
      throw patchFailed(index, op, `"from" is required for ${op.op}`);
    if ((op.op === 'add' || op.op === 'replace' || op.op === 'test') && !Object.hasOwn(op, 'value'))
      throw patchFailed(index, op, `"value" is required for ${op.op}`);
  });
  return patch as Patch;
}

function checkOperation(doc: JsonValue, op: PatchOperation): void {
  const path = parsePointer(op.path);
  switch (op.op) {
    case 'add':
      checkAddTarget(doc, path);
      return;
    case 'remove':
    case 'replace':
    case 'test':
      resolve(doc, path);
      return;
    case 'move':
    case 'copy': {
      const from = parsePointer(op.from);
      resolve(doc, from);
      if (op.op === 'move' && from.length < path.length && from.every((t, i) => t === path[i])) {
        throw new Error(`cannot move "${op.from}" into its own child "${op.path}"`);
      }
      checkAddTarget(doc, path);
      return;
    }
  }
}

/**
 * Refuses an operation that would nest the data deeper than `maxDepth`: a value placed under k tokens
 * sits k levels down. Every revision stays within the limit, so only what an operation puts somewhere
 * needs measuring: its value, or what it copies or moves further down.
 */
function checkDepth(doc: JsonValue, op: PatchOperation, index: number, maxDepth: number, fresh: Set<object>): void {
  if (op.op === 'remove' || op.op === 'test') return;
  const at = parsePointer(op.path).length;
  let placed: JsonValue;
  if (op.op === 'add' || op.op === 'replace') placed = op.value;
  else {
    const from = parsePointer(op.from);
    if (op.op === 'move' && at <= from.length) return; // moving up or across cannot deepen the data
    placed = resolve(doc, from);
  }
  if (at + subtreeDepth(placed, maxDepth - at, fresh) > maxDepth) {
    throw tooDeep(`patch operation ${index} (${op.op} ${JSON.stringify(op.path)}) would make data that`, maxDepth);
  }
}

/** Counts the values a copy duplicates against what the patch may still copy; refuses past it. */
function chargeCopy(doc: JsonValue, op: PatchOperation & { from: string }, index: number, budget: { limit: number; left: number }): void {
  const stack: JsonValue[] = [resolve(doc, parsePointer(op.from))];
  while (stack.length > 0) {
    if (--budget.left < 0) {
      throw new SyncError(
        'PATCH_TOO_LARGE',
        `patch operation ${index} (copy ${JSON.stringify(op.from)}) takes the values the patch copies past the limit of ${budget.limit} (raise maxCopiedValues)`,
        { closeCode: CloseCode.messageTooBig },
      );
    }
    const v = stack.pop()!;
    if (typeof v === 'object' && v !== null) for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push(child);
  }
}

// Depths of subtrees already measured. Revisions are never mutated (copy on write), so a subtree's depth
// stays true; only containers copied by the patch under way (`fresh`) may still change and are not kept.
// Moving one large subtree down and back up in a loop then costs one measurement, not one per operation.
const depthCache = new WeakMap<object, number>();

function subtreeDepth(value: JsonValue, limit: number, fresh: Set<object>): number {
  if (typeof value !== 'object' || value === null) return 0;
  const known = depthCache.get(value);
  if (known !== undefined) return known;
  const depth = valueDepth(value, limit);
  if (depth <= limit && !fresh.has(value)) depthCache.set(value, depth);
  return depth;
}

function checkAddTarget(doc: JsonValue, path: string[]): void {
  if (path.length === 0) return;
  const parent = resolve(doc, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    if (last === '-') return;
    const index = arrayIndex(last);
    if (index > parent.length) throw new Error(`index ${last} is past the end of the array (length ${parent.length})`);
  } else if (!isPlainObject(parent)) {
    throw new Error(`cannot add a member to ${describe(parent)}`);
  }
}

/** The value at `path`; throws when it does not exist. Own keys only. */
function resolve(doc: JsonValue, path: string[]): JsonValue {
  let node = doc;
  for (const token of path) {
    if (Array.isArray(node)) {
      const index = arrayIndex(token);
      if (index >= node.length) throw new Error(`index ${token} does not exist (array length ${node.length})`);
      node = node[index]!;
    } else if (isPlainObject(node)) {
      if (!Object.hasOwn(node, token)) throw new Error(`key "${token}" does not exist`);
      node = node[token]!;
    } else {
      throw new Error(`cannot look up "${token}" in ${describe(node)}`);
    }
  }
  return node;
}

function arrayIndex(token: string): number {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new Error(`"${token}" is not an array index`);
  return Number(token);
}

function patchFailed(index: number, op: unknown, why: string): SyncError {
  const o = op as { op?: unknown; path?: unknown };
  const what = typeof o?.op === 'string' ? `${o.op} ${JSON.stringify(o.path)}` : describe(op);
  return new SyncError('PATCH_FAILED', `patch operation ${index} (${what}) cannot be applied: ${why}`, {
    closeCode: CloseCode.invalidPayload,
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}
