import { describe, expect, test } from 'vitest';
import { jsonSize } from './json-size';

describe('jsonSize', () => {
  test.each([
    ['null', null],
    ['a number', 12.5],
    ['a string', 'héllo'],
    ['booleans', [true, false]],
    ['an empty object and array', { a: {}, b: [] }],
    ['a document', { todos: [{ id: 1, title: 'x', done: false }], settings: { theme: 'dark', n: -3e-7 } }],
  ])('is the length of the JSON text: %s', (_, v) => {
    expect(jsonSize(v)).toBe(JSON.stringify(v).length);
  });

  test('a value nested 100,000 deep is measured, not a stack overflow', () => {
    let v: unknown = 1;
    for (let i = 0; i < 100_000; i++) v = { a: [v] };
    expect(jsonSize(v)).toBe(100_000 * 8 + 1);
  });
});
