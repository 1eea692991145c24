// Callee connection names: the URIs round-trip, and the name stays a valid, bounded CLIENT SETNAME.
import { expect, test } from 'vitest';
import { CALLEE_NAME_URIS_MAX, calleeClientName, parseCalleeClientName } from './client-names';

const valid = (name: string) => [...name].every((c) => c >= '!' && c <= '~');

test('a callee name lists its URIs, readable when they are plain', () => {
  expect(calleeClientName('callee', ['test.echo', 'test.delay'])).toBe('juggler:callee:calls:test.echo,test.delay');
  expect(parseCalleeClientName('juggler:callee:calls:test.echo,test.delay')).toEqual({ uris: ['test.echo', 'test.delay'], omitted: 0 });
});

test('spaces, commas, percent signs, unicode and braces survive the round trip in a valid name', () => {
  const uris = ['a b', 'x,y', '100%', 'ünï/😀', '{tag}:1', '#3:deadbeef', ''];
  const name = calleeClientName('callee', uris);
  expect(valid(name)).toBe(true);
  expect(parseCalleeClientName(name)).toEqual({ uris, omitted: 0 });
});

test('too many URIs: those that fit are listed, the rest counted, and the name stays bounded', () => {
  const uris = Array.from({ length: 100 }, (_, i) => `service.method.number.${i}`);
  const name = calleeClientName('callee', uris);
  expect(valid(name)).toBe(true);
  expect(name.length).toBeLessThanOrEqual('juggler:callee:calls:'.length + CALLEE_NAME_URIS_MAX);
  const parsed = parseCalleeClientName(name)!;
  expect(parsed.uris.length).toBeGreaterThan(0);
  expect(parsed.uris.length + parsed.omitted).toBe(100);
  expect(parsed.uris).toEqual(uris.slice(0, parsed.uris.length));
  // a different set gives a different summary hash, so two long names can be told apart
  expect(calleeClientName('callee', [...uris, 'one.more'])).not.toBe(name);
});

test('other names are not callee names', () => {
  for (const n of ['', 'juggler:server:results', 'juggler:callee:calls', 'redis-cli', 'calls:x'])
    expect(parseCalleeClientName(n)).toBeUndefined();
});
