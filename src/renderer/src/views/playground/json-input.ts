// JSON typed by the user (call args, PUB payloads), checked before anything is sent, with a message
// that says where the problem is.
export type JsonInput = { ok: true; value: unknown } | { ok: false; message: string };

/** 1-based line and column of a character offset. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** `label` names the field in the message ("Args", "Payload"). */
export function parseJsonInput(text: string, label = 'Args'): JsonInput {
  if (text.trim() === '') return { ok: false, message: `${label}: empty; write a JSON value (null, 42, "text", [1, 2], {"a": 1}).` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const raw = (err as Error).message;
    // V8 says "... in JSON at position 12" (newer ones add "(line 1 column 13)"): report line and column
    const at = /at position (\d+)/.exec(raw);
    const where = at ? position(text, Number(at[1])) : undefined;
    const reason = raw.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+/, '');
    return {
      ok: false,
      message: `${label}: not valid JSON${where ? ` at line ${where.line}, column ${where.column}` : ''}: ${reason}`,
    };
  }
}
