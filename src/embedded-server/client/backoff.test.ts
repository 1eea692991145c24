import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const o = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0 };

  it('doubles from the initial delay up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 20].map((a) => backoffDelay(a, o))).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
  });

  it('takes at most the jitter fraction off', () => {
    const j = { ...o, jitter: 0.5 };
    expect(backoffDelay(3, j, () => 0)).toBe(400);
    expect(backoffDelay(3, j, () => 0.999999)).toBe(200);
    expect(backoffDelay(3, j, () => 0.5)).toBe(300);
  });
});
