import { describe, expect, test, vi } from 'vitest';
import type { Chain, TraceEvent } from '../../../../shared/trace/events';
import { type TraceBatch, toBatch } from '../../../../shared/trace/trace-batch';
import { CHUNK_SIZE } from './event-log';
import { frame, ManualScheduler, mixed, redisOp } from './test-events';
import { TraceView } from './trace-view';

function setup(o: { capacity?: number; syncScanLimit?: number } = {}) {
  const sched = new ManualScheduler();
  const view = new TraceView({ scheduler: sched, minPublishMs: 0, ...o });
  const rows = () => {
    const out: number[] = [];
    for (let i = 0; i < view.store.getState().rows; i++) out.push(view.eventAt(i)!.seq);
    return out;
  };
  return { sched, view, rows, state: () => view.store.getState() };
}

/** What a filter must show: the seqs of `events` passing `pred`, in order. */
const expected = (events: TraceEvent[], pred: (e: TraceEvent) => boolean) => events.filter(pred).map((e) => e.seq);

describe('trace view store', () => {
  test('batches are published once per frame, not once per batch', () => {
    const { sched, view, state } = setup();
    view.ingest(mixed(10));
    view.ingest(mixed(10, 11));
    expect(state().rows).toBe(0);
    expect(sched.frames).toHaveLength(1);
    sched.paint();
    expect(state()).toMatchObject({ rows: 20, held: 20, matched: 20 });
  });

  test('while events pour in, publishes are spaced by minPublishMs; a trickle shows on the next frame', () => {
    const sched = new ManualScheduler();
    const view = new TraceView({ scheduler: sched, minPublishMs: 100, floodRows: 100 });
    view.ingest(mixed(500));
    sched.paint();
    expect(view.store.getState().rows).toBe(500);
    view.ingest(mixed(500, 501));
    sched.clock += 40;
    sched.paint();
    expect(view.store.getState().rows).toBe(500);
    sched.clock += 70;
    sched.paint();
    expect(view.store.getState().rows).toBe(1000);
    view.ingest(mixed(3, 1001));
    sched.clock += 1;
    sched.paint();
    expect(view.store.getState().rows).toBe(1003);
  });

  test('the host count never trails the view: events seen since the last counters are added to them', () => {
    const { sched, view, state } = setup();
    view.setStats({ enabled: true, capacity: 150, held: 10, recorded: 10, dropped: 0, spilled: 0 });
    view.ingest(mixed(100), { live: true });
    sched.paint();
    expect(state().held).toBe(100);
    expect(state().hostHeld).toBe(100);
    view.ingest(mixed(100, 101), { live: true });
    sched.paint();
    // the host's ring holds at most its capacity
    expect(state().hostHeld).toBe(150);
    view.setStats({ enabled: true, capacity: 150, held: 150, recorded: 200, dropped: 50, spilled: 0 });
    expect(state().hostHeld).toBe(150);
  });

  test('events already held are skipped by seq (initial load overlapping the live stream)', () => {
    const { sched, view, rows } = setup();
    view.ingest(mixed(100));
    view.ingest(mixed(50, 80), { live: true });
    sched.paint();
    expect(rows()).toEqual(Array.from({ length: 129 }, (_, i) => i + 1));
  });

  test('a gap in seq of the live stream is counted as missed, never silent', () => {
    const { sched, view, state } = setup();
    view.ingest(mixed(10), { live: true });
    view.ingest(mixed(5, 16), { live: true });
    sched.paint();
    expect(state().missed).toBe(5);
  });

  test('a filter applies to new batches incrementally and matches a full recompute', () => {
    const { sched, view, rows } = setup();
    const all = mixed(300);
    view.ingest(all.slice(0, 100));
    view.setFilter({ type: 'RES' });
    for (let i = 100; i < 300; i += 37) view.ingest(all.slice(i, i + 37));
    sched.drain();
    const incremental = rows();
    expect(incremental).toEqual(expected(all, (e) => e.kind === 'frame' && e.type === 'RES'));
    // the same filter set again re-scans everything: same rows
    view.setFilter({ type: 'RES' });
    sched.drain();
    expect(rows()).toEqual(incremental);
  });

  test('a large re-scan runs in time slices, showing progress, and ends with the right rows', () => {
    const { sched, view, rows, state } = setup({ syncScanLimit: 1000 });
    sched.tick = 1; // every now() is 1 ms later: a slice of 8 ms scans a few thousand events
    const all = mixed(50_000);
    view.ingest(all);
    sched.paint();
    view.setFilter({ search: 'echo' });
    expect(sched.tasks).toHaveLength(1);
    sched.step();
    sched.paint();
    expect(state().scan).toBeGreaterThan(0);
    expect(state().scan).toBeLessThan(1);
    // new batches during the scan are not filtered ahead of the slices: order is kept
    view.ingest(mixed(1000, 50_001));
    const slices = sched.drain();
    expect(slices).toBeGreaterThan(2);
    expect(state().scan).toBeUndefined();
    const allNow = [...all, ...mixed(1000, 50_001)];
    expect(rows()).toEqual(expected(allNow, (e) => e.kind === 'frame' && e.uri === 'test.echo'));
  });

  test('search by text and by regex; the counts say how much the filter hides', () => {
    const { sched, view, state, rows } = setup();
    view.ingest([
      frame({ seq: 1, text: '{"payload":{"args":"alpha-17"}}' }),
      frame({ seq: 2, text: '{"payload":{"args":"beta-3"}}' }),
      redisOp({ seq: 3, key: 'juggler:calls:{alpha}' }),
    ]);
    view.setFilter({ search: 'ALPHA' });
    sched.drain();
    expect(rows()).toEqual([1, 3]);
    expect(state()).toMatchObject({ rows: 2, held: 3, filtering: true });
    view.setFilter({ search: 'alpha-\\d+$|beta-[0-9]"', regex: true });
    sched.drain();
    expect(rows()).toEqual([2]);
    view.setFilter({ search: '[', regex: true });
    sched.drain();
    expect(state().filterError).toMatch(/regular expression/);
    view.clearFilters();
    sched.drain();
    expect(state()).toMatchObject({ rows: 3, filtering: false, filterError: undefined });
  });

  test('paused, new events are kept but not shown and counted; resume shows them', () => {
    const { sched, view, state, rows } = setup();
    view.ingest(mixed(10));
    view.setFilter({ type: 'CALL' });
    sched.drain();
    expect(rows()).toEqual([2, 4, 6, 8, 10]);
    view.pause();
    view.ingest(mixed(7, 11));
    sched.drain();
    expect(state()).toMatchObject({ paused: true, rows: 5, pausedNew: 7, pausedNewMatching: 3, matched: 8 });
    expect(rows()).toEqual([2, 4, 6, 8, 10]);
    // the filter can change while paused: still cut at the pause
    view.setFilter({ type: 'RES' });
    sched.drain();
    expect(rows()).toEqual([1, 3, 5, 7, 9]);
    view.resume();
    sched.drain();
    expect(state()).toMatchObject({ paused: false, pausedNew: 0 });
    expect(rows()).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17]);
  });

  test('past capacity the oldest events go, counted; filtered rows follow and the list knows how far it shifted', () => {
    const { sched, view, state, rows } = setup({ capacity: CHUNK_SIZE });
    view.setFilter({ type: 'CALL' });
    const all = mixed(CHUNK_SIZE * 3);
    for (let i = 0; i < all.length; i += 1000) view.ingest(all.slice(i, i + 1000));
    sched.drain();
    const s = state();
    expect(s.evicted).toBe(CHUNK_SIZE * 2);
    expect(s.held).toBe(CHUNK_SIZE);
    expect(s.shifted).toBe(CHUNK_SIZE);
    expect(rows()).toEqual(expected(all.slice(CHUNK_SIZE * 2), (e) => e.kind === 'frame' && e.type === 'CALL'));
  });

  test('selecting an event of a request loads its chain, and new hops of it load it again', async () => {
    const { sched, view, state } = setup();
    const asked: string[] = [];
    const chain = (verdict: Chain['verdict']): Chain => ({ corr: 'c1', hops: [], verdict, totalMs: 1 });
    let next: Chain = chain('pending');
    view.setChainLoader(async (corr) => {
      asked.push(corr);
      return next;
    });
    view.ingest([frame({ seq: 1, corr: 'c1' }), redisOp({ seq: 2 })]);
    sched.paint();
    view.select(1);
    expect(state().chain).toMatchObject({ corr: 'c1', state: 'loading' });
    await Promise.resolve();
    await Promise.resolve();
    expect(state().chain).toMatchObject({ state: 'ready', chain: { verdict: 'pending' } });
    next = chain('ok');
    view.ingest([frame({ seq: 3, corr: 'c1', type: 'RES' })]);
    sched.paint();
    await Promise.resolve();
    await Promise.resolve();
    expect(asked).toEqual(['c1', 'c1']);
    expect(state().chain?.chain?.verdict).toBe('ok');
    // an event of no request selects without a chain
    view.select(2);
    expect(state()).toMatchObject({ selectedSeq: 2, chain: undefined });
  });

  test('a RES row gets its latency from its CALL; redis ops and runs their own duration', () => {
    const { view } = setup();
    const call = frame({ seq: 1, t: 100, corr: 'k' });
    const res = frame({ seq: 2, t: 112.5, corr: 'k', type: 'RES' });
    const op = redisOp({ seq: 3, durationMs: 0.25 });
    view.ingest([call, res, op]);
    expect(view.latencyAt(1)).toBe(12.5);
    expect(view.latencyAt(2)).toBe(0.25);
    expect(view.latencyAt(0)).toBeUndefined();
    // filtered, rows move: the latency goes with its event
    view.setFilter({ type: 'RES' });
    expect(view.latencyAt(0)).toBe(12.5);
  });

  test('reset forgets events, selection and counters', () => {
    const { sched, view, state } = setup();
    view.ingest(mixed(10), { live: true });
    view.ingest(mixed(1, 20), { live: true });
    view.select(3);
    view.reset();
    sched.drain();
    expect(state()).toMatchObject({ rows: 0, held: 0, missed: 0, selectedSeq: undefined });
    view.ingest(mixed(3));
    sched.drain();
    expect(state().rows).toBe(3);
  });
});

describe('notices', () => {
  test('a success notice goes away by itself; an error stays until dismissed', () => {
    vi.useFakeTimers();
    try {
      const view = new TraceView({ scheduler: new ManualScheduler(), noticeMs: 1000 });
      view.setNotice({ tone: 'ok', text: 'Exported 5 events.' });
      vi.advanceTimersByTime(999);
      expect(view.store.getState().notice?.text).toBe('Exported 5 events.');
      vi.advanceTimersByTime(1);
      expect(view.store.getState().notice).toBeUndefined();
      view.setNotice({ tone: 'err', text: 'export failed' });
      vi.advanceTimersByTime(60_000);
      expect(view.store.getState().notice?.text).toBe('export failed');
    } finally {
      vi.useRealTimers();
    }
  });

  test('a batch of columns from the bridge shows as the same events would: rows, types, RES latency, whole events', () => {
    const events: TraceEvent[] = [
      ...mixed(6),
      frame({ seq: 7, type: 'CALL', corr: 'k', t: 100 }),
      redisOp({ seq: 8, corr: 'k' }),
      frame({ seq: 9, type: 'RES', dir: 'out', corr: 'k', t: 112.5 }),
      // a watch command carries fields the columns lack: it travels whole
      redisOp({ seq: 10, role: 'watch', client: '127.0.0.1:4 name=w', db: 0 }),
    ];
    const a = setup();
    a.view.ingest(events);
    a.sched.drain();
    const b = setup();
    b.view.ingestBatch(JSON.parse(JSON.stringify(toBatch(events.slice(0, 5)))) as TraceBatch, { live: true });
    b.view.ingestBatch(JSON.parse(JSON.stringify(toBatch(events.slice(3)))) as TraceBatch, { live: true });
    b.sched.drain();
    expect(b.rows()).toEqual(a.rows());
    expect(b.state()).toMatchObject({ held: 10, missed: 0, skipped: 0, types: a.state().types });
    for (let row = 0; row < 10; row++) {
      expect(b.view.eventAt(row)).toEqual(a.view.eventAt(row));
      expect(b.view.latencyAt(row)).toEqual(a.view.latencyAt(row));
    }
    expect(b.view.latencyAt(8)).toBe(12.5);
  });

  test('events the host left out of a live batch for a following view count as skipped, not missed', () => {
    const { sched, view, state } = setup();
    view.ingestBatch(toBatch(mixed(10)), { live: true });
    // the host left out the 20 just before 32 (12..31); 11 was lost on the way
    view.ingestBatch({ ...toBatch(mixed(5, 32)), skipped: 20 }, { live: true });
    sched.drain();
    expect(state()).toMatchObject({ held: 15, skipped: 20, missed: 1 });
  });

  test('skipped events the view already holds (its initial load overlapping a live batch) are neither skipped nor missed', () => {
    const { sched, view, state } = setup();
    view.ingestBatch(toBatch(mixed(100)));
    // live: 151..160, the host left out 91..150, of which 91..100 came with the initial load
    view.ingestBatch({ ...toBatch(mixed(10, 151)), skipped: 60 }, { live: true });
    sched.drain();
    expect(state()).toMatchObject({ held: 110, skipped: 50, missed: 0 });
  });

  test('following a flood, a live batch gives only its newest maxLiveBatch events and the rest are counted as skipped', () => {
    const sched = new ManualScheduler();
    const view = new TraceView({ scheduler: sched, minPublishMs: 0, maxLiveBatch: 100 });
    const state = () => view.store.getState();
    view.ingestBatch(toBatch(mixed(10)), { live: true });
    // seqs 11..260 with 15 and 250 lost on the way
    const flood = mixed(250, 11).filter((e) => e.seq !== 15 && e.seq !== 250);
    view.ingestBatch(toBatch(flood), { live: true });
    sched.drain();
    expect(state()).toMatchObject({ held: 110, skipped: 148, missed: 2 });
    expect(view.eventAt(10)!.seq).toBe(160);
    // paused, the view keeps everything for when it resumes
    view.pause();
    view.ingestBatch(toBatch(mixed(300, 261)), { live: true });
    sched.drain();
    expect(state()).toMatchObject({ held: 410, skipped: 148, missed: 2 });
  });
});
