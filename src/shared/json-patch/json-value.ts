// JSON values as they travel: checked at the API so that NaN, Infinity or undefined never reach the wire
// (JSON.stringify would silently turn them into null or drop them, and the two replicas would diverge).
import { SyncError } from '../sync-error';
import { escapePointerToken } from './pointer';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Deep-copies a JSON value, checking it on the way. Throws INVALID_JSON_VALUE naming the JSON pointer of
 * the first value JSON cannot carry.
 */
export function cloneJson(value: unknown, what = 'value'): JsonValue {
  return cloneAt(value, '', what, new Set());
}

function cloneAt(value: unknown, pointer: string, what: string, seen: Set<object>): JsonValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw invalid(what, pointer, `${value} (JSON has no NaN or Infinity: send null or a string instead)`);
      return value;
    case 'object': {
      if (value === null) return null;
      if (seen.has(value)) throw invalid(what, pointer, 'a cycle (the value refers to itself)');
      seen.add(value);
      try {
        if (Array.isArray(value)) {
          const out: JsonValue[] = new Array(value.length);
          for (let i = 0; i < value.length; i++) out[i] = cloneAt(value[i], `${pointer}/${i}`, what, seen);
          return out;
        }
        const proto = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) {
          throw invalid(
            what,
            pointer,
            `an instance of ${(value as object).constructor?.name ?? 'a class'} (only plain objects and arrays are JSON)`,
          );
        }
        const out: { [key: string]: JsonValue } = {};
        for (const key of Object.keys(value)) {
          // defineProperty, so that a key named __proto__ stays an own data property as JSON.parse makes it
          Object.defineProperty(out, key, {
            value: cloneAt((value as Record<string, unknown>)[key], `${pointer}/${escapePointerToken(key)}`, what, seen),
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
        return out;
      } finally {
        seen.delete(value);
      }
    }
    default:
      throw invalid(what, pointer, `${typeof value} (JSON has no such value)`);
  }
}

function invalid(what: string, pointer: string, detail: string): SyncError {
  return new SyncError('INVALID_JSON_VALUE', `${what} at "${pointer}" is ${detail}`);
}

/** Deep equality of JSON values: key order does not matter, types do (0, false, "" and null differ). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false;
    if (!jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}

export function isPlainObject(value: unknown): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
