import { expect, test } from 'vitest';
import { parseDuration } from './duration';

test('Go durations parse to milliseconds', () => {
  expect(parseDuration('10s')).toBe(10_000);
  expect(parseDuration('100ms')).toBe(100);
  expect(parseDuration('1m30s')).toBe(90_000);
  expect(parseDuration('1.5h')).toBe(5_400_000);
  expect(parseDuration('250us')).toBe(0.25);
  expect(parseDuration('-100ms')).toBe(-100);
  expect(parseDuration('42')).toBe(42);
});

test('a malformed duration says which forms are accepted', () => {
  expect(() => parseDuration('10 seconds')).toThrow(/use Go forms like 500ms/);
  expect(() => parseDuration('s')).toThrow(/invalid duration/);
});
