import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer';

describe('RingBuffer', () => {
  it('holds up to its capacity, then evicts the oldest first and counts each eviction', () => {
    const r = new RingBuffer<number>(3);
    expect([r.push(1), r.push(2), r.push(3)]).toEqual([undefined, undefined, undefined]);
    expect(r.dropped).toBe(0);
    expect(r.push(4)).toBe(1);
    expect(r.push(5)).toBe(2);
    expect(r.dropped).toBe(2);
    expect(r.size).toBe(3);
    expect([r.at(0), r.at(1), r.at(2), r.at(3)]).toEqual([3, 4, 5, undefined]);
    expect([r.oldest, r.newest]).toEqual([3, 5]);
    for (let i = 6; i <= 10; i++) r.push(i);
    expect([r.at(0), r.at(1), r.at(2)]).toEqual([8, 9, 10]);
    expect(r.dropped).toBe(7);
  });

  it('clear empties it and resets the drop count', () => {
    const r = new RingBuffer<number>(2);
    r.push(1);
    r.push(2);
    r.push(3);
    r.clear();
    expect([r.size, r.dropped, r.oldest]).toEqual([0, 0, undefined]);
    r.push(7);
    expect(r.at(0)).toBe(7);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow(/positive integer/);
  });
});
