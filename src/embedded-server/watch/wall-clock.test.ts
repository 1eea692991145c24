import { expect, test } from 'vitest';
import { wallClockOffsetMs } from './wall-clock';

test('the wall-clock offset agrees with performance.timeOrigin and is stable to well under a millisecond', () => {
  const a = wallClockOffsetMs();
  const b = wallClockOffsetMs();
  // two readings a moment apart: the coarse Date.now() - performance.now() differs by up to 1 ms
  expect(Math.abs(a - b)).toBeLessThan(0.5);
  // and they agree with the clock the process started on (drift over a test run is small)
  expect(Math.abs(a - performance.timeOrigin)).toBeLessThan(50);
});
