// Measuring nesting without recursion: what a peer checks before parsing, and what a patch would build.
import { describe, expect, it } from 'vitest';
import { textDepth, valueDepth } from './json-depth';

describe('textDepth', () => {
  it('counts arrays and objects, not brackets inside strings (escaped quotes included)', () => {
    expect(textDepth('1')).toBe(0);
    expect(textDepth('[]')).toBe(1);
    expect(textDepth('{"a":[1,{"b":[]}],"c":{}}')).toBe(4);
    expect(textDepth('{"a":"[[[{{{","b":"\\"[[["}')).toBe(1);
    expect(textDepth('["\\\\",[1]]')).toBe(2);
  });

  it('stops past the limit: a 10 MB bracket run costs no more than limit + 1 characters', () => {
    expect(textDepth('['.repeat(10_000_000), 256)).toBe(257);
  });
});

describe('valueDepth', () => {
  it('is 0 for scalars, 1 + the deepest member otherwise, without recursion', () => {
    expect(valueDepth(null)).toBe(0);
    expect(valueDepth('x')).toBe(0);
    expect(valueDepth([])).toBe(1);
    expect(valueDepth({ a: [1, { b: [] }], c: {} })).toBe(4);
    expect(valueDepth(JSON.parse(`${'['.repeat(50_000)}${']'.repeat(50_000)}`))).toBe(50_000);
    expect(valueDepth(JSON.parse(`${'['.repeat(50_000)}${']'.repeat(50_000)}`), 10)).toBe(11);
  });
});
