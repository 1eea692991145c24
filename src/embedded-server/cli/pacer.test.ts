import { describe, expect, it } from 'vitest';
import { Pacer } from './pacer';

describe('Pacer', () => {
  it('wakes each waiter at its time, never before, earliest first whatever the order they came in', async () => {
    const p = new Pacer();
    const t0 = performance.now();
    const woke: [number, number][] = [];
    const offsets = [30, 5, 17, 5.5, 12, 1, 25];
    await Promise.all(offsets.map((o) => p.until(t0 + o).then(() => woke.push([o, performance.now() - t0]))));
    expect(woke.map(([o]) => o)).toEqual([...offsets].sort((a, b) => a - b));
    for (const [o, at] of woke) expect(at).toBeGreaterThanOrEqual(o);
  });

  it('wakeAll wakes the waiters at once (a run that stops)', async () => {
    const p = new Pacer();
    const t0 = performance.now();
    const waiting = Promise.all([p.until(t0 + 10_000), p.until(t0 + 20_000)]);
    p.wakeAll();
    await waiting;
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
