// Where the local-data editor marks a JSON parse error.
import { expect, test } from 'vitest';
import { parseJsonInput } from '../../lib/json-input';
import { jsonProblem } from './json-problem';

function problemOf(text: string) {
  const parsed = parseJsonInput(text);
  if (parsed.ok) throw new Error(`${text} parsed`);
  return jsonProblem(text, parsed.reason);
}

test('a parse error is marked at its line and column; an unfinished text at its end', () => {
  expect(problemOf('{\n  "a": 1,\n  x\n}')).toMatchObject({ line: 3, column: 3 });
  expect(problemOf('{"a": [1,')).toMatchObject({ line: 1, column: 10 });
  expect(jsonProblem('ab', 'Unexpected token (line 1 column 2)')).toMatchObject({ line: 1, column: 2 });
  expect(jsonProblem('{\n x', 'Unexpected token in JSON at position 3')).toMatchObject({ line: 2, column: 2 });
});
