import { describe, expect, test } from 'vitest';
import { NO_STRING, StringTable } from './string-table';

describe('string table', () => {
  test('a string gets one id however often it is interned; id 0 is no string', () => {
    const table = new StringTable();
    const a = table.id('server c1');
    expect(table.id(`server ${'c1'}`)).toBe(a);
    expect(table.id('BRPOP')).not.toBe(a);
    expect(table.value(a)).toBe('server c1');
    expect(table.value(NO_STRING)).toBeUndefined();
    expect(table.size).toBe(2);
  });

  test('past its limit it refuses new strings and still knows the old ones', () => {
    const table = new StringTable(2);
    expect(table.id('a')).toBe(1);
    expect(table.id('b')).toBe(2);
    expect(table.id('c')).toBe(-1);
    expect(table.id('a')).toBe(1);
    expect(table.size).toBe(2);
  });

  test('pairs remember a derived id by tag and the ids of its parts; clear forgets everything', () => {
    const table = new StringTable();
    const side = table.id('server');
    const conn = table.id('c1');
    expect(table.pair(1, side, conn)).toBeUndefined();
    table.setPair(1, side, conn, table.id('server c1'));
    expect(table.value(table.pair(1, side, conn)!)).toBe('server c1');
    expect(table.pair(0, side, conn)).toBeUndefined();
    expect(table.pair(1, conn, side)).toBeUndefined();
    table.clear();
    expect(table.size).toBe(0);
    expect(table.pair(1, side, conn)).toBeUndefined();
    expect(table.id('c1')).toBe(1);
  });
});
