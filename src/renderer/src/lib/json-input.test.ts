import { expect, test } from 'vitest';
import { parseJsonInput } from './json-input';

test('invalid JSON is refused with its line and column, naming the field', () => {
  const r = parseJsonInput('{\n  "a": 1,\n  b: 2\n}', 'Args');
  expect(r.ok).toBe(false);
  if (!r.ok) {
    expect(r.message).toMatch(/^Args: not valid JSON at line 3, column 3/);
    expect(r.reason).toMatch(/^line 3, column 3: /);
  }
  expect(parseJsonInput('{"a":')).toMatchObject({ ok: false, message: expect.stringMatching(/^JSON: not valid JSON/) });
});

test('empty text is refused (nothing is not a value); null is a value', () => {
  expect(parseJsonInput('  ', 'Payload')).toMatchObject({
    ok: false,
    message: expect.stringMatching(/^Payload: empty/),
    reason: expect.stringMatching(/^empty/),
  });
  expect(parseJsonInput('null')).toEqual({ ok: true, value: null });
  expect(parseJsonInput('"50"')).toEqual({ ok: true, value: '50' });
  expect(parseJsonInput(' [1, {"a": 2}] ')).toEqual({ ok: true, value: [1, { a: 2 }] });
});
