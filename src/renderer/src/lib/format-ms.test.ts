import { expect, test } from 'vitest';
import { formatMs } from './format-ms';

test('about three significant digits below a second, whole numbers as they are', () => {
  expect(formatMs(0.4213)).toBe('0.42 ms');
  expect(formatMs(3.456)).toBe('3.46 ms');
  expect(formatMs(34.56)).toBe('34.6 ms');
  expect(formatMs(345.6)).toBe('346 ms');
  expect(formatMs(340)).toBe('340 ms');
  expect(formatMs(5)).toBe('5 ms');
  expect(formatMs(0)).toBe('0 ms');
  expect(formatMs(999.7)).toBe('1.0 s');
});

test('tenths of a second below a minute, then minutes and seconds', () => {
  expect(formatMs(1234)).toBe('1.2 s');
  expect(formatMs(59_000)).toBe('59.0 s');
  expect(formatMs(59_990)).toBe('1 min 0 s');
  expect(formatMs(184_000)).toBe('3 min 4 s');
  expect(formatMs(119_600)).toBe('2 min 0 s');
});

test('no value, or not a number, is a dash; negative durations keep their sign', () => {
  expect(formatMs(undefined)).toBe('—');
  expect(formatMs(Number.NaN)).toBe('—');
  expect(formatMs(-2.5)).toBe('-2.50 ms');
  expect(formatMs(-1500)).toBe('-1.5 s');
});
