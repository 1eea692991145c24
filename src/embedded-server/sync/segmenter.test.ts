// The 0.7 transport framing on its own: cutting on code-point boundaries and reassembling.
import { describe, expect, it } from 'vitest';
import type { SyncError } from './errors';
import { Reassembler, segment, UnfinishedBudget } from './segmenter';

describe('segment', () => {
  it('a short message is one 0 frame, also when empty', () => {
    expect(segment('abc', 10)).toEqual(['0abc']);
    expect(segment('', 10)).toEqual(['0']);
  });

  it('a long message is 1 frames then one 0 frame of at most the segment size', () => {
    expect(segment('abcdefg', 3)).toEqual(['1abc', '1def', '0g']);
  });

  it('never cuts between the two halves of a surrogate pair', () => {
    for (const size of [1, 2, 3, 4, 5]) {
      const text = 'a😀b😀😀c😀';
      const frames = segment(text, size);
      expect(frames.map((f) => f.slice(1)).join('')).toBe(text);
      for (const f of frames) {
        expect(f.slice(1)).not.toMatch(/[\uD800-\uDBFF]$/);
        expect(f.slice(1)).not.toMatch(/^[\uDC00-\uDFFF]/);
      }
    }
  });
});

describe('Reassembler', () => {
  it('joins segments of any length; reports pings and pongs', () => {
    const r = new Reassembler();
    expect(r.push('1a')).toEqual({ kind: 'segment' });
    expect(r.push('2xyz')).toEqual({ kind: 'ping', payload: 'xyz' });
    expect(r.push('3')).toEqual({ kind: 'pong' });
    expect(r.push('1')).toEqual({ kind: 'segment' });
    expect(r.push('0bc')).toEqual({ kind: 'message', text: 'abc' });
    expect(r.push('0')).toEqual({ kind: 'message', text: '' });
  });

  it('an empty frame, an unknown header or a message over the limit is an error with a close code', () => {
    expect(() => new Reassembler().push('')).toThrow(expect.objectContaining({ code: 'UNKNOWN_SEGMENT_HEADER', closeCode: 1002 }));
    expect(() => new Reassembler().push('4x')).toThrow(expect.objectContaining({ code: 'UNKNOWN_SEGMENT_HEADER', closeCode: 1002 }));
    expect(() => new Reassembler().push('{"type":"request"}')).toThrow(
      expect.objectContaining({ code: 'GENERATION_MISMATCH', closeCode: 1008 }),
    );
    const small = new Reassembler(4);
    small.push('1abc');
    expect(() => small.push('0de')).toThrow(expect.objectContaining({ code: 'MESSAGE_TOO_BIG', closeCode: 1009 }));
  });
});

describe('Reassembler caps (issue 11, item 3)', () => {
  it('an unfinished message is dropped after its timeout, with 1008; a finished one stops the timer', async () => {
    const dropped: SyncError[] = [];
    const r = new Reassembler({ timeout: 30, onDropped: (e) => dropped.push(e) });
    r.push('1ab');
    expect(r.push('0c')).toEqual({ kind: 'message', text: 'abc' });
    r.push('1xyz');
    expect(r.held).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(dropped).toEqual([expect.objectContaining({ code: 'UNFINISHED_MESSAGE_TIMEOUT', closeCode: 1008 })]);
    expect(r.held).toBe(0);
  });

  it('past the shared budget the largest holder is dropped, with 1009, and its share is released', () => {
    const budget = new UnfinishedBudget(10);
    const dropped: string[] = [];
    const a = new Reassembler({ budget, onDropped: (e) => dropped.push(`a ${e.code} ${e.closeCode}`) });
    const b = new Reassembler({ budget, onDropped: (e) => dropped.push(`b ${e.code}`) });
    a.push('1123456');
    b.push('1123');
    expect(budget.used).toBe(9);
    b.push('1xx');
    expect(dropped).toEqual(['a UNFINISHED_TOTAL_EXCEEDED 1009']);
    expect(budget.used).toBe(5);
    // the holder that pushes past the budget while holding the most gets the error from push itself
    expect(() => b.push(`1${'y'.repeat(6)}`)).toThrow(expect.objectContaining({ code: 'UNFINISHED_TOTAL_EXCEEDED', closeCode: 1009 }));
    expect(budget.used).toBe(0);
    a.push('1z');
    a.clear();
    expect(budget.used).toBe(0);
  });
});
