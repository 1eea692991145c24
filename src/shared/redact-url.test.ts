import { expect, test } from 'vitest';
import { redactUrl } from './redact-url';

test('passwords never show, in URLs or in strings that are not URLs', () => {
  expect(redactUrl('redis://user:secret@host:6379/0')).toBe('redis://user:***@host:6379/0');
  expect(redactUrl('redis://:secret@host:6379')).toBe('redis://:***@host:6379');
  expect(redactUrl('rediss://:s%40cret@host:6380')).not.toMatch(/cret/);
  expect(redactUrl('not a url :secret@x')).toBe('not a url :***@x');
  expect(redactUrl('redis//:secret@host')).not.toMatch(/secret/);
  expect(redactUrl('redis://host:6379')).toBe('redis://host:6379');
  expect(redactUrl('127.0.0.1:6379')).toBe('127.0.0.1:6379');
});
