import { describe, expect, test } from 'vitest';
import type { TraceEvent } from '../../../../shared/trace/events';
import { CHUNK_SIZE, EventChunk } from './event-chunk';
import { payloadOf, peerOf, targetOf, typeOf } from './event-columns';
import { StringTable } from './string-table';
import { frame, redisOp } from './test-events';

/** One event of each kind and shape the host sends, optional fields present and absent. */
function variety(): TraceEvent[] {
  const base = { t: 12.5, wall: 1_700_000_000_123 };
  return [
    frame({ seq: 1, corr: 'u1', uuid: 'u1' }),
    frame({ seq: 2, type: 'RES', dir: 'out', text: '{"args":{"error":"boom"}}', truncated: true, corr: 'u1' }),
    {
      ...base,
      seq: 3,
      kind: 'frame',
      proto: 'juggler',
      side: 'client',
      connId: 'c9',
      dir: 'in',
      size: 3,
      text: 'xyz',
      error: 'not a juggler.0 frame',
    },
    {
      ...base,
      seq: 4,
      kind: 'frame',
      proto: 'sync',
      side: 'server',
      connId: 's1',
      dir: 'out',
      type: 'DATA',
      channel: 'news',
      size: 9,
      text: 'héllo ✓ 😀',
      truncated: false,
    },
    redisOp({ seq: 5, corr: 'u1' }),
    redisOp({ seq: 6, error: 'ERR wrong type', key: 'k', durationMs: 0 }),
    { ...base, seq: 7, kind: 'callee', calleeId: 'demo', uri: 'test.echo', durationMs: 0.05, outcome: 'ok', corr: 'u1', startedT: 12.45 },
    { ...base, seq: 8, kind: 'callee', calleeId: 'demo', uri: 'test.delay', durationMs: 1000, outcome: 'expired', error: 'expired' },
    {
      ...base,
      seq: 9,
      kind: 'sync',
      peerId: 'p1',
      replica: 'local',
      revision: 4,
      patch: [{ op: 'add', path: '/a', value: { b: [1, 'x'] } }],
      size: 40,
    },
    { ...base, seq: 10, kind: 'conn', proto: 'juggler', side: 'server', connId: 'c1', state: 'connected', remote: '127.0.0.1:5000' },
    { ...base, seq: 11, kind: 'conn', proto: 'juggler', side: 'server', connId: 'c1', state: 'closed', code: 1002, reason: 'bad frame' },
    { ...base, seq: 12, kind: 'conn', proto: 'sync', side: 'client', connId: 'c2', state: 'closed' },
    { ...base, seq: 13, kind: 'log', level: 'warn', source: 'server', message: 'slow consumer closed' },
    frame({ seq: 14, side: 'proxy', source: 'ws://upstream:9000/ws', connId: 'px1.1', corr: 'u1', uuid: 'u1' }),
    {
      ...base,
      seq: 15,
      kind: 'conn',
      proto: 'juggler',
      side: 'proxy',
      source: 'ws://upstream:9000/ws',
      connId: 'px1.1',
      state: 'connected',
    },
  ] as TraceEvent[];
}

function fill(events: TraceEvent[]): EventChunk {
  const chunk = new EventChunk(new StringTable());
  for (const e of events) chunk.append(e, Number.NaN);
  return chunk;
}

describe('event chunk', () => {
  test('every kind of event comes back as it went in, and its columns read as the rows show them', () => {
    const events = variety();
    const chunk = fill(events);
    events.forEach((e, i) => {
      expect(chunk.event(i)).toEqual(e);
      expect(chunk.whole(i)).toBeUndefined();
      expect(chunk.typeOf(i)).toBe(typeOf(e));
      expect(chunk.peerOf(i)).toBe(peerOf(e));
      expect(chunk.targetOf(i)).toBe(targetOf(e));
      expect(chunk.payloadOf(i)).toBe(payloadOf(e));
      expect(chunk.corr(i)).toBe(e.corr);
      expect(chunk.seq[i]).toBe(e.seq);
    });
  });

  test('once full, its texts are one string and still read back exactly', () => {
    const events: TraceEvent[] = [];
    const kinds = variety();
    for (let i = 0; i < CHUNK_SIZE; i++) events.push({ ...kinds[i % kinds.length]!, seq: i + 1 });
    const chunk = fill(events);
    expect(chunk.full).toBe(true);
    for (const i of [0, 1, 2, 3, 8, 12, 255, 256, 1000, CHUNK_SIZE - 1]) {
      expect(chunk.event(i)).toEqual(events[i]);
      expect(chunk.payloadOf(i)).toBe(payloadOf(events[i]!));
    }
  });

  test('a chunk part filled reads back both its joined texts and the ones not joined yet', () => {
    const events = Array.from({ length: 300 }, (_, i) =>
      frame({ seq: i + 1, text: `t${'é'.repeat(i % 7)}${i}`, uuid: i % 3 ? `u${i}` : undefined }),
    );
    const chunk = fill(events);
    for (const i of [0, 100, 255, 256, 257, 299]) expect(chunk.event(i)).toEqual(events[i]);
  });

  test('an event the columns cannot hold exactly is kept whole: unknown field, unknown kind, odd value', () => {
    const odd = [
      { ...frame({ seq: 1 }), extra: 'kept' },
      { seq: 2, t: 1, wall: 2, kind: 'future', what: 1 },
      { ...redisOp({ seq: 3 }), size: '40' },
      { ...frame({ seq: 4 }), type: undefined },
    ] as unknown as TraceEvent[];
    const chunk = fill([...odd, frame({ seq: 5 })]);
    odd.forEach((e, i) => {
      expect(chunk.whole(i)).toBe(e);
      expect(chunk.event(i)).toBe(e);
      expect(chunk.seq[i]).toBe(e.seq);
    });
    expect(chunk.whole(4)).toBeUndefined();
    // a proxy frame's source has a column: it is not one of these
    expect(fill([variety()[13]!]).whole(0)).toBeUndefined();
    expect(chunk.event(4)).toEqual(frame({ seq: 5 }));
    expect(chunk.typeOf(0)).toBe('CALL');
    expect(chunk.payloadOf(2)).toBe(payloadOf(odd[2]!));
  });

  test('past the string table limit, events with new strings are kept whole instead of growing it', () => {
    const chunk = new EventChunk(new StringTable(12));
    const events = Array.from({ length: 20 }, (_, i) => frame({ seq: i + 1, connId: `conn-${i}` }));
    for (const e of events) chunk.append(e, Number.NaN);
    expect(chunk.strings.size).toBeLessThanOrEqual(12);
    expect(events.filter((_, i) => chunk.whole(i) !== undefined).length).toBeGreaterThan(0);
    events.forEach((e, i) => {
      expect(chunk.event(i)).toEqual(e);
      expect(chunk.peerOf(i)).toBe(peerOf(e));
    });
  });

  test('a command seen by the redis watch is kept whole with its client, and the Connection column names that client', () => {
    const watched = redisOp({
      seq: 1,
      corr: 'u1',
      role: 'watch',
      client: '127.0.0.1:5 name=juggler:demo:calls:test.echo',
      node: '127.0.0.1:7000',
      ttlMs: 1000,
    });
    const chunk = fill([watched]);
    expect(chunk.event(0)).toEqual(watched);
    expect(chunk.peerOf(0)).toBe('watch 127.0.0.1:5 name=juggler:demo:calls:test.echo');
  });
});
