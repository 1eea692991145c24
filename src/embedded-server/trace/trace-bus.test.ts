import { afterEach, describe, expect, it, vi } from 'vitest';
import { TRACE_KINDS, type TraceEvent, type TraceInput } from '../../shared/trace/events';
import { batchEvents, type TraceBatch } from '../../shared/trace/trace-batch';
import { TraceBus } from './trace-bus';

const log = (message: string, corr?: string): TraceInput => ({ kind: 'log', level: 'info', source: 'test', message, corr });
const frame = (text: string, size = text.length): TraceInput => ({
  kind: 'frame',
  proto: 'juggler',
  side: 'server',
  connId: 'c',
  dir: 'in',
  size,
  text,
});

afterEach(() => {
  vi.useRealTimers();
});

describe('TraceBus', () => {
  it('stamps seq from 1 by one, and t (monotonic, from the start) and wall', () => {
    const before = Date.now();
    const bus = new TraceBus();
    for (let i = 0; i < 1000; i++) bus.record(log(`m${i}`));
    const evs = bus.events({ limit: 2000 });
    expect(evs.map((e) => e.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    for (let i = 1; i < evs.length; i++) expect(evs[i]!.t).toBeGreaterThanOrEqual(evs[i - 1]!.t);
    expect(evs[0]!.t).toBeGreaterThanOrEqual(0);
    expect(evs[0]!.wall).toBeGreaterThanOrEqual(before);
    expect(evs[999]!.wall).toBeLessThanOrEqual(Date.now());
    expect(bus.stats()).toMatchObject({ enabled: true, held: 1000, recorded: 1000, dropped: 0 });
  });

  it('evicts the oldest events past its capacity, counts them, and seq goes on across drops', () => {
    const bus = new TraceBus({ capacity: 10 });
    for (let i = 1; i <= 25; i++) bus.record(log(`m${i}`, `corr${i % 3}`));
    expect(bus.stats()).toMatchObject({ capacity: 10, held: 10, recorded: 25, dropped: 15 });
    expect(bus.get(15)).toBeUndefined();
    expect(bus.get(16)?.seq).toBe(16);
    expect(bus.get(25)?.seq).toBe(25);
    expect(bus.get(26)).toBeUndefined();
    expect(bus.events().map((e) => e.seq)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    expect(bus.events({ fromSeq: 23 }).map((e) => e.seq)).toEqual([23, 24, 25]);
    expect(bus.events({ fromSeq: 3, limit: 2 }).map((e) => e.seq)).toEqual([16, 17]);
    // the correlation index lost the evicted events too
    expect(bus.related('corr1').map((e) => e.seq)).toEqual([16, 19, 22, 25]);
    for (let i = 26; i <= 40; i++) bus.record(log(`m${i}`));
    expect(bus.related('corr1')).toEqual([]);
    expect(bus.chain('corr1')).toBeUndefined();
  });

  it('a disabled bus records nothing and stamps no seq', () => {
    const bus = new TraceBus({ enabled: false });
    const listener = vi.fn();
    bus.subscribe(listener, { intervalMs: 1 });
    bus.record(log('a'));
    expect(bus.stats()).toMatchObject({ enabled: false, held: 0, recorded: 0 });
    bus.enabled = true;
    bus.record(log('b'));
    expect(bus.events().map((e) => [e.seq, (e as { message: string }).message])).toEqual([[1, 'b']]);
  });

  it('filters by kinds and by a predicate', () => {
    const bus = new TraceBus();
    bus.record(log('a'));
    bus.record(frame('{}'));
    bus.record(log('b'));
    expect(bus.events({ kinds: ['frame'] }).map((e) => e.seq)).toEqual([2]);
    expect(bus.events({ filter: (e) => e.kind === 'log' && e.message === 'b' }).map((e) => e.seq)).toEqual([3]);
  });

  it('cuts frame text to textLimit, keeps the real size and marks it truncated', () => {
    const bus = new TraceBus({ textLimit: 16 });
    const long = `{"x":"${'é'.repeat(100)}"}`;
    bus.record(frame(long, Buffer.byteLength(long)));
    bus.record(frame('{"short":1}'));
    const [cut, short] = bus.events() as Extract<TraceEvent, { kind: 'frame' }>[];
    expect(cut!.text).toBe(long.slice(0, 16));
    expect(cut!.truncated).toBe(true);
    expect(cut!.size).toBe(Buffer.byteLength(long));
    expect(short!.truncated).toBeUndefined();
  });

  it('delivers to subscribers in batches: many records, few listener calls, none when idle', async () => {
    vi.useFakeTimers();
    const bus = new TraceBus();
    const batches: TraceEvent[][] = [];
    const off = bus.subscribe((b) => batches.push(batchEvents(b)), { intervalMs: 50 });
    for (let i = 0; i < 10_000; i++) bus.record(log(`m${i}`));
    expect(batches).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(50);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(10_000);
    // nothing recorded: no timer, no call
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(500);
    expect(batches).toHaveLength(1);
    bus.record(log('later'));
    await vi.advanceTimersByTimeAsync(50);
    expect(batches.map((b) => b.length)).toEqual([10_000, 1]);
    off();
    bus.record(log('unsubscribed'));
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(100);
    expect(batches).toHaveLength(2);
  });

  it('counts events a slow subscriber could not take instead of growing without bound', async () => {
    vi.useFakeTimers();
    const bus = new TraceBus();
    const sizes: number[] = [];
    bus.subscribe((b) => sizes.push(b.n), { intervalMs: 50, maxPending: 100 });
    for (let i = 0; i < 250; i++) bus.record(log(`m${i}`));
    await vi.advanceTimersByTimeAsync(50);
    expect(sizes).toEqual([100]);
    expect(bus.stats().subscriberDropped).toBe(150);
  });

  it('a listener that throws does not break recording nor the other subscribers', async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    const bus = new TraceBus({ onListenerError: (e) => errors.push(e) });
    const got: number[] = [];
    bus.subscribe(() => {
      throw new Error('listener failed');
    });
    bus.subscribe((b) => got.push(b.n));
    bus.record(log('a'));
    await vi.advanceTimersByTimeAsync(50);
    expect(got).toEqual([1]);
    expect(errors).toHaveLength(1);
  });

  it('holds frames, redis operations and callee runs written as columns as the events the UI reads', () => {
    const before = Date.now();
    const bus = new TraceBus({ textLimit: 32 });
    const call = '{"meta":{"type":1,"uuid":"u1"},"payload":{"uri":"a.b","args":"é"}}';
    bus.recordFrame('server', 'c1', 'in', call, 'CALL', 'u1', 'u1', 'a.b', undefined, performance.now());
    bus.recordFrame('client', 'c2', 'out', 'hi', undefined, undefined, undefined, undefined, undefined);
    bus.recordFrame('server', 'c1', 'in', 'nope', undefined, undefined, undefined, undefined, undefined);
    bus.recordRedis('server', 'EVALSHA push', 'juggler:calls:{a.b}', 160, 0.5, 'u1', undefined);
    bus.recordCallee('demo', 'a.b', 2, 'error', 'boom', 'u1', 1.5);
    const [cut, client, refused, redis, run] = bus.events();
    expect(cut).toMatchObject({ kind: 'frame', proto: 'juggler', side: 'server', connId: 'c1', dir: 'in', type: 'CALL', uuid: 'u1' });
    expect(cut).toMatchObject({ uri: 'a.b', corr: 'u1', size: Buffer.byteLength(call), text: call.slice(0, 32), truncated: true, seq: 1 });
    expect(cut).not.toHaveProperty('error', expect.anything());
    expect(client).toMatchObject({ side: 'client', dir: 'out', size: 2, text: 'hi', error: 'not a juggler.0 frame' });
    expect(client).not.toHaveProperty('truncated', expect.anything());
    expect(refused).toMatchObject({ error: 'refused: not a juggler.0 request' });
    expect(redis).toMatchObject({ kind: 'redis', role: 'server', command: 'EVALSHA push', key: 'juggler:calls:{a.b}', size: 160 });
    expect(redis).toMatchObject({ durationMs: 0.5, corr: 'u1', seq: 4 });
    expect(run).toMatchObject({
      kind: 'callee',
      calleeId: 'demo',
      uri: 'a.b',
      durationMs: 2,
      outcome: 'error',
      error: 'boom',
      startedT: 1.5,
    });
    for (const e of [cut, client, redis, run]) {
      expect(Number.isInteger(e!.wall)).toBe(true);
      expect(e!.wall).toBeGreaterThanOrEqual(before);
      expect(e!.wall).toBeLessThanOrEqual(Date.now());
    }
    expect(bus.related('u1').map((e) => e.seq)).toEqual([1, 4, 5]);
    expect(bus.events({ kinds: ['redis', 'callee'] }).map((e) => e.seq)).toEqual([4, 5]);
    expect(JSON.parse(JSON.stringify(bus.get(4)))).toEqual(JSON.parse(JSON.stringify(redis)));
  });

  it('builds no batch while a subscriber is not active, and goes on with what comes after', async () => {
    vi.useFakeTimers();
    const bus = new TraceBus();
    let active = false;
    const batches: number[][] = [];
    bus.subscribe((b) => batches.push(b.seq), { intervalMs: 50, active: () => active });
    bus.record(log('a'));
    bus.record(log('b'));
    await vi.advanceTimersByTimeAsync(50);
    expect(batches).toEqual([]);
    active = true;
    bus.record(log('c'));
    await vi.advanceTimersByTimeAsync(50);
    expect(batches).toEqual([[3]]);
    expect(bus.stats().subscriberDropped).toBe(0);
  });

  it('a subscriber that takes at most maxBatch gets the newest and is told how many it left out, not counted as dropped', async () => {
    vi.useFakeTimers();
    const bus = new TraceBus();
    let max: number | undefined = 10;
    const got: { seqs: number[]; skipped: number | undefined }[] = [];
    bus.subscribe((b) => got.push({ seqs: b.seq, skipped: b.skipped }), { intervalMs: 50, maxBatch: () => max });
    for (let i = 0; i < 25; i++) bus.record(log(`m${i}`));
    await vi.advanceTimersByTimeAsync(50);
    max = undefined;
    for (let i = 0; i < 3; i++) bus.record(log(`n${i}`));
    await vi.advanceTimersByTimeAsync(50);
    expect(got).toEqual([
      { seqs: Array.from({ length: 10 }, (_, i) => 16 + i), skipped: 15 },
      { seqs: [26, 27, 28], skipped: undefined },
    ]);
    expect(bus.stats().subscriberDropped).toBe(0);
  });

  it('counts what a subscriber waited for but the ring evicted before delivery', async () => {
    vi.useFakeTimers();
    const bus = new TraceBus({ capacity: 10 });
    const sizes: number[] = [];
    bus.subscribe((b) => sizes.push(b.n), { intervalMs: 50 });
    for (let i = 0; i < 25; i++) bus.record(log(`m${i}`));
    await vi.advanceTimersByTimeAsync(50);
    expect(sizes).toEqual([10]);
    expect(bus.stats().subscriberDropped).toBe(15);
  });

  it('the correlation index, filled when queried, follows the events recorded and evicted in between', () => {
    const bus = new TraceBus({ capacity: 100 });
    for (let i = 1; i <= 60; i++) bus.record(log(`m${i}`, `k${i % 4}`));
    expect(bus.related('k1').map((e) => e.seq)).toEqual(Array.from({ length: 15 }, (_, i) => 1 + i * 4));
    for (let i = 61; i <= 190; i++) bus.record(log(`m${i}`, `k${i % 4}`));
    // seqs 91..190 held: k1 is 93, 97, ..., 189
    expect(bus.related('k1').map((e) => e.seq)).toEqual(Array.from({ length: 25 }, (_, i) => 93 + i * 4));
    expect(bus.chain('k1')?.hops).toHaveLength(25);
  });

  it('hands subscribers and trace.batch the events as columns that read back as the events it holds, every kind', async () => {
    vi.useFakeTimers();
    const bus = new TraceBus({ textLimit: 32 });
    const batches: TraceBatch[] = [];
    bus.subscribe((b) => batches.push(JSON.parse(JSON.stringify(b)) as TraceBatch), { intervalMs: 50 });
    const call = '{"meta":{"type":1,"uuid":"u1"},"payload":{"uri":"a.b","args":"é"}}';
    bus.recordFrame('server', 'c1', 'in', call, 'CALL', 'u1', 'u1', 'a.b', undefined, performance.now());
    bus.recordFrame('client', 'c2', 'out', 'hi', undefined, undefined, undefined, undefined, undefined);
    bus.recordFrame('server', 'c1', 'in', 'nope', undefined, undefined, undefined, undefined, undefined);
    bus.recordFrame('proxy', 'p1', 'out', '{}', 'RES', 'r1', 'u1', 'a.b', 'ch', undefined, 'ws://up/');
    bus.recordRedis('server', 'EVALSHA push', 'juggler:calls:{a.b}', 160, 0.5, 'u1', undefined);
    bus.recordRedis('callee', 'BRPOP', 'k', 0, 3, undefined, 'connection lost');
    bus.recordCallee('demo', 'a.b', 2, 'error', 'boom', 'u1', 1.5);
    bus.record({ kind: 'sync', peerId: 'p', replica: 'remote', revision: 2, patch: [{ op: 'remove', path: '/x' }], size: 20 });
    bus.record({ kind: 'conn', proto: 'juggler', side: 'server', connId: 'c1', state: 'closed', code: 1000 });
    bus.record(log('hello', 'u1'));
    // a redis watch command: fields the columns do not have, carried whole
    bus.record({ kind: 'redis', role: 'watch', command: 'GET', key: 'k', size: 1, durationMs: 0, client: '127.0.0.1:5', db: 0 });
    await vi.advanceTimersByTimeAsync(50);
    const held = JSON.parse(JSON.stringify(bus.events())) as TraceEvent[];
    expect(new Set(held.map((e) => e.kind))).toEqual(new Set(TRACE_KINDS));
    expect(batches).toHaveLength(1);
    expect(batches[0]!.whole.map(([i]) => i)).toEqual([10]);
    expect(batchEvents(batches[0]!)).toEqual(held);
    const paged = JSON.parse(JSON.stringify(bus.batch({ fromSeq: 3, limit: 5 }))) as TraceBatch;
    expect(batchEvents(paged)).toEqual(held.slice(2, 7));
  });

  it('load() shows a recorded session: seq, t and wall kept, recording off, drops derived from missing seqs', () => {
    const src = new TraceBus();
    for (let i = 0; i < 5; i++) src.record(log(`m${i}`, 'k'));
    const evs = src.events().slice(2);
    const bus = new TraceBus();
    bus.record(log('old'));
    expect(bus.load(evs)).toBe(3);
    expect(bus.events().map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(bus.related('k').map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(bus.stats()).toMatchObject({ enabled: false, held: 3, recorded: 5, dropped: 2 });
    expect(bus.now()).toBe(evs[2]!.t);
  });
});

describe('TraceBus correlation index', () => {
  it('stays fast when one corr has most events (a client reusing one uuid) and follows evictions', () => {
    const bus = new TraceBus({ capacity: 50_000 });
    const t0 = performance.now();
    for (let i = 0; i < 200_000; i++) bus.record(log(`m${i}`, i % 10 === 0 ? 'other' : 'same'));
    // a quadratic eviction takes minutes here; linear takes well under a second
    expect(performance.now() - t0).toBeLessThan(5000);
    const same = bus.related('same');
    expect(same).toHaveLength(45_000);
    expect(same[0]!.seq).toBe(150_002);
    expect(bus.related('other').map((e) => e.seq)).toEqual(Array.from({ length: 5000 }, (_, i) => 150_001 + i * 10));
  });
});
