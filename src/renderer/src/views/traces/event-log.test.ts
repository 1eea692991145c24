import { describe, expect, test } from 'vitest';
import type { TraceEvent } from '../../../../shared/trace/events';
import { CHUNK_SIZE, EventLog } from './event-log';
import { frame, mixed, redisOp } from './test-events';
import { compileFilter, emptyFilter, eventSource, type TraceFilter } from './trace-filter';

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

  test('a filter lets through the same events read from the columns as from the objects', () => {
    const events: TraceEvent[] = [];
    for (let s = 1; s <= 3000; s++) {
      const k = s % 5;
      events.push(
        k === 0
          ? redisOp({ seq: s, key: `juggler:calls:{test.${s % 7 ? 'echo' : 'reverse'}}`, role: s % 2 ? 'server' : 'callee' })
          : k === 1
            ? frame({ seq: s, type: 'RES', dir: 'out', connId: `c${s % 4}`, text: `{"args":"Needle ${s}"}` })
            : k === 2
              ? ({
                  seq: s,
                  t: s,
                  wall: s,
                  kind: 'callee',
                  calleeId: 'demo',
                  uri: 'test.echo',
                  durationMs: 1,
                  outcome: s % 3 ? 'ok' : 'error',
                } as TraceEvent)
              : frame({ seq: s, connId: `c${s % 4}`, uri: s % 2 ? 'test.echo' : 'test.reverse' }),
      );
    }
    const log = new EventLog();
    for (const e of events) log.append(e);
    const filters: Partial<TraceFilter>[] = [
      { kinds: ['redis', 'callee'] },
      { type: 'run error' },
      { type: 'RES', conn: 'SERVER C1' },
      { target: 'REVERSE' },
      { search: 'needle 1' },
      { search: 'needle \\d*7"$|^run ok$|calls:\\{test\\.rev', regex: true },
      { kinds: ['frame'], conn: 'c2', search: 'echo' },
    ];
    for (const f of filters) {
      const match = compileFilter({ ...emptyFilter, ...f }).match!;
      const objects = eventSource(events);
      const want = events.filter((_, i) => match(objects, i)).map((e) => e.seq);
      const got: number[] = [];
      for (let pos = log.base; pos < log.end; pos++) if (match(log, pos)) got.push(log.seqAt(pos));
      expect(want.length, JSON.stringify(f)).toBeGreaterThan(0);
      expect(got, JSON.stringify(f)).toEqual(want);
    }
  });

  test('an event read twice for the screen is the same object (rows stay memoised); eviction and clear drop it', () => {
    const log = new EventLog(CHUNK_SIZE);
    for (const e of mixed(CHUNK_SIZE + 10)) log.append(e);
    const row = log.get(CHUNK_SIZE + 5);
    expect(log.get(CHUNK_SIZE + 5)).toBe(row);
    for (const e of mixed(CHUNK_SIZE, CHUNK_SIZE + 11)) log.append(e);
    expect(log.evict()).toBe(CHUNK_SIZE);
    expect(log.get(5)).toBeUndefined();
    expect(log.get(CHUNK_SIZE + 5)).toEqual(row);
    log.clear();
    expect(log.strings.size).toBe(0);
    expect(log.get(CHUNK_SIZE + 5)).toBeUndefined();
  });

  test('a chunk emptied by eviction is filled again with other events, none of the old ones showing through', () => {
    const log = new EventLog(CHUNK_SIZE);
    const first = mixed(CHUNK_SIZE * 2);
    // one event kept whole in the first chunk, and texts that differ in length from the ones after
    first[7] = { ...first[7]!, extra: true } as unknown as TraceEvent;
    for (const e of first) log.append(e);
    expect(log.evict()).toBe(CHUNK_SIZE);
    const next = Array.from({ length: CHUNK_SIZE + 300 }, (_, i) =>
      i % 2
        ? redisOp({ seq: CHUNK_SIZE * 2 + 1 + i, key: `k${i}`, corr: `c${i}` })
        : frame({ seq: CHUNK_SIZE * 2 + 1 + i, text: 'x'.repeat(i % 50) }),
    );
    for (const e of next) log.append(e);
    expect(log.evict()).toBe(CHUNK_SIZE);
    const held = next;
    expect(log.size).toBe(held.length);
    for (let pos = log.base; pos < log.end; pos++) {
      const want = held[pos - log.base]!;
      expect(log.get(pos)).toEqual(want);
      expect(log.corrAt(pos)).toBe(want.corr);
    }
  });
});
