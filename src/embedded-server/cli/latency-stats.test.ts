import { describe, expect, it } from 'vitest';
import { LatencyStats } from './latency-stats';

describe('LatencyStats', () => {
  it('gives nearest-rank percentiles of the recorded samples, in any order', () => {
    const s = new LatencyStats();
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    for (const v of values) s.record(v);
    expect(s.summary()).toEqual({ count: 100, min: 1, median: 50, p75: 75, p90: 90, p99: 99, max: 100, mean: 50.5 });
  });

  it('handles one sample and none', () => {
    const one = new LatencyStats();
    one.record(7.5);
    expect(one.summary()).toMatchObject({ min: 7.5, median: 7.5, p99: 7.5, max: 7.5 });
    expect(new LatencyStats().summary()).toEqual({ count: 0, min: 0, median: 0, p75: 0, p90: 0, p99: 0, max: 0, mean: 0 });
  });

  it('is exact for skewed distributions', () => {
    const s = new LatencyStats();
    for (let i = 0; i < 990; i++) s.record(1);
    for (let i = 0; i < 10; i++) s.record(1000);
    expect(s.percentile(99)).toBe(1);
    expect(s.percentile(99.1)).toBe(1000);
    expect(s.summary().max).toBe(1000);
  });
});
