// How deeply JSON nests, measured without recursion. A peer refuses a message nested deeper than its
// limit before parsing it, and a patch that would make the data deeper than that limit: JSON.parse copes
// with any depth, but JSON.stringify, our clone, diff and equality, and the Studio's views recurse, and one
// 10 KB frame nested 5,000 deep overflowed the stack of every consumer (issue 11, items 1 and 2).
import { CloseCode, SyncError } from '../sync-error';

/**
 * Default limit on nesting, in arrays and objects, of a received message (its envelope included) and of
 * the data patches build. Real data rarely nests past a few dozen levels; 256 leaves that room many times
 * over while JSON.stringify (which overflows near 4,000 levels from an empty stack) and every recursive
 * consumer keep a wide margin, even when called deep inside a host's own stack.
 */
export const DEFAULT_MAX_DEPTH = 256;

/**
 * The deepest nesting of arrays and objects in JSON text, strings skipped; stops counting once past
 * `limit` (returns `limit + 1`). Not a validator: malformed text is for JSON.parse to refuse.
 */
export function textDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** The nesting of a JSON value: 0 for a scalar, 1 + its deepest member for an array or object. */
export function valueDepth(value: unknown, limit = Number.POSITIVE_INFINITY): number {
  if (typeof value !== 'object' || value === null) return 0;
  let max = 0;
  const stack: [object, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) {
      max = depth;
      if (max > limit) return max;
    }
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return max;
}

export function tooDeep(what: string, limit: number): SyncError {
  return new SyncError('TOO_DEEP', `${what} nests deeper than the limit of ${limit} levels (raise maxDepth)`, {
    closeCode: CloseCode.messageTooBig,
  });
}
