// RFC 6901 escaping both ways, and the pointers diff writes for keys with "/" and "~".
import { describe, expect, it } from 'vitest';
import { diff } from './patch';
import { escapePointerToken, formatPointer, parsePointer, unescapePointerToken } from './pointer';

describe('JSON Pointer', () => {
  it('escapes ~ before / so that a literal "~1" survives a round trip', () => {
    expect(escapePointerToken('a/b~c')).toBe('a~1b~0c');
    expect(escapePointerToken('~1')).toBe('~01');
    expect(unescapePointerToken('~01')).toBe('~1');
    for (const key of ['', 'a', 'a/b', '~', '~0', '~1', '/~/', '~01']) expect(unescapePointerToken(escapePointerToken(key))).toBe(key);
  });

  it('parses and formats pointers; "" is the root', () => {
    expect(parsePointer('')).toEqual([]);
    expect(parsePointer('/')).toEqual(['']);
    expect(parsePointer('/a~1b/0/~0')).toEqual(['a/b', '0', '~']);
    expect(formatPointer(['a/b', '0', '~'])).toBe('/a~1b/0/~0');
    expect(formatPointer([])).toBe('');
    expect(() => parsePointer('a')).toThrow(/must be empty or start with "\/"/);
  });

  it('diff names keys with the escaped pointer', () => {
    expect(diff({}, { '~1': 1 })).toEqual([{ op: 'add', path: '/~01', value: 1 }]);
  });
});
