// The length of a JSON value's text, counted without building the text: what the sync history charges
// for a change (host and renderer alike). A walk with its own stack, so that a value nested thousands
// deep (issue 11, items 1 and 2) is measured like any other instead of overflowing the call stack the
// way JSON.stringify does. Strings count their UTF-16 length plus quotes (escapes are not counted: an
// estimate of memory, not of bytes on the wire).

/** JSON text length of `value` (undefined and functions count as `null`, as in an array). */
export function jsonSize(value: unknown): number {
  let size = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    switch (typeof v) {
      case 'string':
        size += v.length + 2;
        break;
      case 'number':
        size += Number.isFinite(v) ? String(v).length : 4;
        break;
      case 'boolean':
        size += v ? 4 : 5;
        break;
      case 'object':
        if (v === null) size += 4;
        else if (Array.isArray(v)) {
          size += 2 + Math.max(0, v.length - 1);
          for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
        } else {
          const keys = Object.keys(v);
          size += 2 + Math.max(0, keys.length - 1);
          for (const k of keys) {
            size += k.length + 3;
            stack.push((v as Record<string, unknown>)[k]);
          }
        }
        break;
      default:
        size += 4;
    }
  }
  return size;
}
