import { describe, expect, test } from 'vitest';
import { TRACE_KINDS, type TraceEvent } from './events';
import { batchEvents, KIND_WHOLE, type TraceBatch, toBatch } from './trace-batch';

const base = (seq: number) => ({ seq, t: seq + 0.25, wall: 1_700_000_000_000 + seq });

/** One event of every kind, with every optional field the schema knows set, and some unset. */
const everyKind: TraceEvent[] = [
  {
    ...base(1),
    kind: 'frame',
    proto: 'juggler',
    side: 'proxy',
    source: 'ws://upstream:8080/',
    connId: 'c1',
    dir: 'in',
    type: 'CALL',
    uuid: 'u1',
    uri: 'test.echo',
    corr: 'u1',
    size: 120,
    text: '{"meta":{"type":1}}',
    truncated: true,
  },
  {
    ...base(2),
    kind: 'frame',
    proto: 'juggler',
    side: 'server',
    connId: 'c1',
    dir: 'in',
    size: 3,
    text: 'bad',
    error: 'not a juggler.0 frame',
  },
  { ...base(3), kind: 'frame', proto: 'sync', side: 'client', connId: 'p1', dir: 'out', type: 'DATA', channel: 'ch', size: 2, text: '{}' },
  {
    ...base(4),
    kind: 'redis',
    role: 'server',
    command: 'EVALSHA push',
    key: 'juggler:calls:{test.echo}',
    size: 90,
    durationMs: 0.4,
    corr: 'u1',
  },
  { ...base(5), kind: 'redis', role: 'callee', command: 'BRPOP', key: 'k', size: 0, durationMs: 1, error: 'connection lost' },
  { ...base(6), kind: 'callee', calleeId: 'demo', uri: 'test.echo', durationMs: 0.05, outcome: 'ok', corr: 'u1', startedT: 5.5 },
  { ...base(7), kind: 'callee', calleeId: 'demo', uri: 'test.echo', durationMs: 2, outcome: 'error', error: 'boom' },
  { ...base(8), kind: 'sync', peerId: 'p1', replica: 'local', revision: 3, patch: [{ op: 'add', path: '/a', value: 1 }], size: 30 },
  {
    ...base(9),
    kind: 'conn',
    proto: 'juggler',
    side: 'server',
    connId: 'c1',
    state: 'closed',
    code: 1006,
    reason: 'gone',
    remote: '127.0.0.1:5',
  },
  { ...base(10), kind: 'conn', proto: 'juggler', side: 'proxy', source: 'ws://upstream:8080/', connId: 'c2', state: 'connected' },
  { ...base(11), kind: 'log', level: 'warn', source: 'redis', message: 'redis is unavailable', corr: 'u1' },
];

/** Through JSON, as the web bridge carries it. */
const wire = (b: TraceBatch): TraceBatch => JSON.parse(JSON.stringify(b)) as TraceBatch;

describe('trace batch (the trace bridge event as columns)', () => {
  test('every kind round-trips through the columns, none carried whole', () => {
    expect(new Set(everyKind.map((e) => e.kind))).toEqual(new Set(TRACE_KINDS));
    const b = wire(toBatch(everyKind));
    expect(b.n).toBe(everyKind.length);
    expect(b.whole).toEqual([]);
    expect(batchEvents(b)).toEqual(everyKind);
  });

  test('strings that repeat are named once per batch', () => {
    const b = toBatch(everyKind);
    expect(b.strings.filter((s) => s === 'c1')).toHaveLength(1);
    expect(b.strings.filter((s) => s === 'test.echo')).toHaveLength(1);
  });

  test('an event that fits no column (a field the schema lacks, a NaN) travels whole and comes back as it was', () => {
    const watch = {
      ...base(12),
      kind: 'redis',
      role: 'watch',
      command: 'GET',
      key: 'k',
      size: 1,
      durationMs: 0,
      client: '127.0.0.1:9 name=x',
    };
    const nan = { ...base(13), kind: 'redis', role: 'server', command: 'GET', key: 'k', size: 1, durationMs: Number.NaN };
    const unknown = { ...base(14), kind: 'future', what: 1 };
    const events = [everyKind[0]!, watch, nan, unknown, everyKind[10]!] as TraceEvent[];
    const b = wire(toBatch(events));
    expect(b.kind.map((k) => k === KIND_WHOLE)).toEqual([false, true, true, true, false]);
    // the NaN is what JSON makes of it, as when events travelled as objects
    expect(batchEvents(b)).toEqual(JSON.parse(JSON.stringify(events)));
  });
});
