// JSON typed by the user (call args, PUB payloads, sync data and messages), checked before anything
// is sent, with a message that says where the problem is.

/**
 * `message`: the whole sentence, naming the field ("Args: not valid JSON at line 3, column 3: ...").
 * `reason`: the same without the field and the verdict ("line 3, column 3: ..."), for forms that
 * already say "invalid JSON" next to the field.
 */
export type JsonInput = { ok: true; value: unknown } | { ok: false; message: string; reason: string };

/** 1-based line and column of a character offset. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** `label` names the field in the message ("Args", "Payload"). Empty text is refused: `null` is a value, nothing is not. */
export function parseJsonInput(text: string, label = 'JSON'): JsonInput {
  if (text.trim() === '') {
    const reason = 'empty; write a JSON value (null, 42, "text", [1, 2], {"a": 1}).';
    return { ok: false, message: `${label}: ${reason}`, reason };
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    const raw = (err as Error).message;
    // V8 says "... in JSON at position 12" (newer ones add "(line 1 column 13)"): report line and column
    const at = /at position (\d+)/.exec(raw);
    const where = at ? position(text, Number(at[1])) : undefined;
    const parser = raw.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+/, '');
    const reason = where ? `line ${where.line}, column ${where.column}: ${parser}` : parser;
    return { ok: false, message: `${label}: not valid JSON${where ? ' at' : ':'} ${reason}`, reason };
  }
}
