import { describe, expect, test } from 'vitest';
import { CHUNK_SIZE, EventLog } from './event-log';
import { mixed } from './test-events';

describe('event log', () => {
  test('holds events in order by absolute position and finds them by seq', () => {
    const log = new EventLog(100_000);
    for (const e of mixed(10_000)) log.append(e);
    expect(log.size).toBe(10_000);
    expect(log.get(0)?.seq).toBe(1);
    expect(log.get(9_999)?.seq).toBe(10_000);
    expect(log.get(10_000)).toBeUndefined();
    expect(log.positionOf(5_000)).toBe(4_999);
    expect(log.positionOf(20_000)).toBe(-1);
    expect(log.lastSeq).toBe(10_000);
  });

  test('past its capacity it evicts whole chunks from the front; positions of held events do not move', () => {
    const log = new EventLog(CHUNK_SIZE * 2);
    for (const e of mixed(CHUNK_SIZE * 3 + 10)) log.append(e);
    expect(log.evict()).toBe(CHUNK_SIZE);
    expect(log.base).toBe(CHUNK_SIZE);
    expect(log.size).toBe(CHUNK_SIZE * 2 + 10);
    expect(log.get(CHUNK_SIZE - 1)).toBeUndefined();
    expect(log.get(CHUNK_SIZE)?.seq).toBe(CHUNK_SIZE + 1);
    expect(log.get(log.end - 1)?.seq).toBe(CHUNK_SIZE * 3 + 10);
    expect(log.positionOf(CHUNK_SIZE * 2 + 1)).toBe(CHUNK_SIZE * 2);
  });

  test('clear forgets everything and appends again from a fresh position', () => {
    const log = new EventLog();
    for (const e of mixed(10)) log.append(e);
    log.clear();
    expect(log.size).toBe(0);
    expect(log.get(0)).toBeUndefined();
    for (const e of mixed(3, 100)) log.append(e);
    expect(log.get(log.base)?.seq).toBe(100);
    expect(log.size).toBe(3);
  });
});
