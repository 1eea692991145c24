import { expect, test } from 'vitest';
import { DurationStats } from './duration-stats';

test('average over all durations, 95th percentile over the latest window', () => {
  const s = new DurationStats(100);
  expect([s.avgMs, s.p95Ms]).toEqual([0, 0]);
  for (let i = 1; i <= 100; i++) s.add(i);
  expect(s.avgMs).toBe(50.5);
  expect(s.p95Ms).toBe(95);
  for (let i = 0; i < 100; i++) s.add(1000);
  expect(s.p95Ms).toBe(1000);
});
