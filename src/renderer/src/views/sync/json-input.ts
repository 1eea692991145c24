// What a JSON text field holds: a value, or why it is not JSON (with where, when the parser says).
export type JsonInput = { ok: true; value: unknown } | { ok: false; error: string };

export function parseJsonInput(text: string): JsonInput {
  if (text.trim() === '') return { ok: false, error: 'empty: write a JSON value (null is one)' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}
