// Where a JSON parse error is, for the editor to mark it: parseJsonInput's reason says "line 3, column 3:
// ..." (raw V8 messages say "(line 1 column 13)" or "at position 12"); a message with none of these
// (unexpected end) marks the end of the text.
import type { CodeProblem } from '../../components/CodeEditor';

export function jsonProblem(text: string, message: string): CodeProblem {
  const lc = /line (\d+),? column (\d+)/.exec(message);
  if (lc) return { message, line: Number(lc[1]), column: Number(lc[2]) };
  const at = /at position (\d+)/.exec(message);
  const offset = at ? Math.min(Number(at[1]), text.length) : text.length;
  const before = text.slice(0, offset);
  return { message, line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}
