import { describe, expect, it } from 'vitest';
import { EventRing } from './event-ring';

/** Claims a slot and writes `seq` into it, as the bus does. */
function put(r: EventRing, seq: number): number {
  const p = r.claim();
  r.chunk(p).seq[EventRing.at(p)] = seq;
  return p;
}
const seqs = (r: EventRing) => Array.from({ length: r.size }, (_, i) => r.seqAt(i));

describe('EventRing', () => {
  it('holds up to its capacity, then reuses the oldest slot first and counts each eviction', () => {
    const r = new EventRing(3);
    const slots = [put(r, 1), put(r, 2), put(r, 3)];
    expect(slots).toEqual([0, 1, 2]);
    expect(r.dropped).toBe(0);
    expect(put(r, 4)).toBe(0);
    expect(put(r, 5)).toBe(1);
    expect(r.dropped).toBe(2);
    expect(r.size).toBe(3);
    expect([...seqs(r), r.seqAt(3)]).toEqual([3, 4, 5, undefined]);
    expect([r.slot(0), r.slot(2), r.slot(3)]).toEqual([2, 1, -1]);
    for (let i = 6; i <= 10; i++) put(r, i);
    expect(seqs(r)).toEqual([8, 9, 10]);
    expect(r.dropped).toBe(7);
  });

  it('spans chunks: a capacity past one chunk keeps its order across them and wraps', () => {
    const cap = 70_000; // one full chunk of 65,536 and a short one
    const r = new EventRing(cap);
    for (let s = 1; s <= cap + 10; s++) put(r, s);
    expect(r.size).toBe(cap);
    expect(r.dropped).toBe(10);
    expect([r.seqAt(0), r.seqAt(65_535), r.seqAt(65_536), r.seqAt(cap - 1)]).toEqual([11, 65_546, 65_547, cap + 10]);
  });

  it('clear empties it and resets the drop count', () => {
    const r = new EventRing(2);
    put(r, 1);
    put(r, 2);
    put(r, 3);
    r.clear();
    expect([r.size, r.dropped, r.seqAt(0)]).toEqual([0, 0, undefined]);
    put(r, 7);
    expect(seqs(r)).toEqual([7]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new EventRing(0)).toThrow(/positive integer/);
  });
});
