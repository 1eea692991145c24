import { describe, expect, test } from 'vitest';
import { CalleeRuns } from './callee-runs';

const run = (uri: string, i: number, o: Partial<Parameters<CalleeRuns['add']>[0]> = {}) => ({
  uri,
  msgUUID: `m${i}`,
  durationMs: i,
  outcome: 'ok' as const,
  argsText: String(i),
  resultText: String(i * 2),
  ...o,
});

describe('callee runs', () => {
  test('a ring per URI keeps the newest runs, newest first', () => {
    const runs = new CalleeRuns({ perUri: 3 });
    for (let i = 1; i <= 5; i++) runs.add(run('a', i));
    expect(runs.list('a').map((r) => r.msgUUID)).toEqual(['m5', 'm4', 'm3']);
    expect(runs.list('b')).toEqual([]);
  });

  test('texts are cut to the limit and say so; errorsOnly leaves the successes out', () => {
    const runs = new CalleeRuns({ textLimit: 8 });
    runs.add(run('a', 1, { argsText: 'x'.repeat(100), resultText: '"ok"' }));
    runs.add(run('a', 2, { outcome: 'error', error: 'e'.repeat(50), stack: 's'.repeat(50), resultText: undefined }));
    const [failed, ok] = runs.list('a');
    expect(ok).toMatchObject({ args: 'xxxxxxxx', result: '"ok"', cut: ['args'] });
    expect(failed).toMatchObject({ error: 'eeeeeeee', stack: 'ssssssss' });
    expect(runs.list('a', true).map((r) => r.msgUUID)).toEqual(['m2']);
  });

  test('the URIs run least recently are forgotten beyond the cap', () => {
    const runs = new CalleeRuns({ maxUris: 2 });
    runs.add(run('a', 1));
    runs.add(run('b', 2));
    runs.add(run('a', 3));
    runs.add(run('c', 4));
    expect(runs.list('b')).toEqual([]);
    expect(runs.list('a')).toHaveLength(2);
    expect(runs.list('c')).toHaveLength(1);
  });
});
