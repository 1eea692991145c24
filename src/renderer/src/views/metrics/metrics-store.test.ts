import { describe, expect, test } from 'vitest';
import type { LoadParams, LoadProgressEvent, MetricsSample } from '../../../../shared/bridge/contract';
import type { BridgeLike } from '../../bridge/bridge-like';
import { loadParams } from './load-form';
import { startMetricsFeed } from './metrics-feed';
import { createMetricsStore, isRunning, WINDOW_MS } from './metrics-store';
import { counterRate, deriveRates, trimWindow } from './rates';

function sample(
  at: number,
  server: Record<string, number>,
  broker: Record<string, number> = {},
  callees: Record<string, number> = {},
): MetricsSample {
  return { at, server, broker, callees };
}

describe('rates from cumulative counters', () => {
  test('the difference over the seconds between two samples', () => {
    const r = deriveRates(
      sample(
        1000,
        { MsgsCALL: 10, MsgsACK: 10, MsgsRES: 8, MsgsNACK: 0, MsgsEVNT: 4, ActiveConns: 3 },
        { ExpiredCalls: 0, ExpiredResults: 1 },
        { Expired: 2 },
      ),
      sample(
        3000,
        { MsgsCALL: 110, MsgsACK: 100, MsgsRES: 98, MsgsNACK: 10, MsgsEVNT: 4, ActiveConns: 5 },
        { ExpiredCalls: 1, ExpiredResults: 1 },
        { Expired: 5 },
      ),
    )!;
    expect(r).toEqual({
      at: 3000,
      calls: 50,
      acks: 45,
      nacks: 5,
      results: 45,
      events: 0,
      expiredCalls: 2,
      expiredResults: 0,
      activeConns: 5,
    });
  });

  test("expired calls/s comes from the server's CallsTimedOut when the host counts it (calls nobody popped too)", () => {
    const r = deriveRates(
      sample(0, { MsgsCALL: 0, CallsTimedOut: 0 }, { ExpiredCalls: 0 }, { Expired: 0 }),
      sample(1000, { MsgsCALL: 4, CallsTimedOut: 3 }, { ExpiredCalls: 0 }, { Expired: 1 }),
    )!;
    expect(r.expiredCalls).toBe(3);
  });

  test('a counter that went down (host restarted) gives no rate, not a negative one', () => {
    expect(counterRate(100, 5, 1)).toBeNull();
    const r = deriveRates(sample(0, { MsgsCALL: 100 }), sample(1000, { MsgsCALL: 5 }))!;
    expect(r.calls).toBeNull();
  });

  test('a missing counter or no time between samples gives nothing', () => {
    expect(counterRate(undefined, 5, 1)).toBeNull();
    expect(deriveRates(sample(1000, {}), sample(1000, {}))).toBeUndefined();
    expect(deriveRates(sample(0, {}), sample(1000, {}))!.calls).toBeNull();
  });

  test('the window keeps the points within its length of the newest', () => {
    const pts = [0, 1000, 2000, 3000].map((at) => ({ at }));
    expect(trimWindow(pts, 1500)).toEqual([{ at: 2000 }, { at: 3000 }]);
    expect(trimWindow([], 10)).toEqual([]);
  });
});

const params: LoadParams = { connections: 4, rateMs: -1, durationMs: 2000, uri: 'test.echo', payload: 'x', timeoutMs: 5000 };
const latency = { count: 0, min: 0, median: 0, p75: 0, p90: 0, p99: 0, max: 0, mean: 0 };
function progress(p: Partial<LoadProgressEvent>): LoadProgressEvent {
  return {
    loadId: 'load-1',
    state: 'running',
    params,
    elapsedMs: 0,
    calls: 0,
    acks: 0,
    nacks: 0,
    results: 0,
    errorResults: 0,
    expired: 0,
    failed: 0,
    throughput: 0,
    latencyMs: latency,
    ...p,
  };
}

function fakeBridge() {
  const listeners = new Map<string, (p: unknown) => void>();
  const calls: { method: string; params: unknown }[] = [];
  const bridge = {
    call: async (method: string, p?: unknown) => {
      calls.push({ method, params: p });
      if (method === 'metrics.sample') return sample(0, { MsgsCALL: 0 });
      if (method === 'load.start') return { loadId: 'load-1' };
      if (method === 'load.stop') return { loadId: 'load-1' };
      throw new Error(method);
    },
    on: (e: string, l: (p: unknown) => void) => {
      listeners.set(e, l);
      return () => listeners.delete(e);
    },
  } as unknown as BridgeLike;
  return { bridge, calls, emit: (e: string, p: unknown) => listeners.get(e)?.(p) };
}

describe('metrics store', () => {
  test('metrics events become rate points over a rolling window', async () => {
    const { bridge, emit } = fakeBridge();
    const store = createMetricsStore(bridge);
    startMetricsFeed(bridge, store);
    await Promise.resolve();
    for (let i = 1; i <= 400; i++) emit('metrics', sample(i * 1000, { MsgsCALL: i * 10, ActiveConns: 1 }));
    const pts = store.getState().points;
    expect(pts.at(-1)).toMatchObject({ at: 400_000, calls: 10 });
    expect(pts.at(-1)!.at - pts[0]!.at).toBeLessThanOrEqual(WINDOW_MS);
    expect(pts.length).toBe(WINDOW_MS / 1000 + 1);
    // a repeated sample adds nothing
    emit('metrics', sample(400_000, { MsgsCALL: 0 }));
    expect(store.getState().points.length).toBe(WINDOW_MS / 1000 + 1);
  });

  test('a load run: progress points while running, the report at the end, even when the first event beats the answer', async () => {
    const { bridge, emit } = fakeBridge();
    const store = createMetricsStore(bridge);
    startMetricsFeed(bridge, store);
    emit('load.progress', progress({}));
    await store.getState().startLoad(params);
    expect(isRunning(store.getState().load)).toBe(true);
    emit(
      'load.progress',
      progress({ elapsedMs: 500, results: 100, throughput: 200, latencyMs: { ...latency, median: 1, p90: 2, p99: 3 } }),
    );
    emit('load.progress', progress({ elapsedMs: 1000, results: 250, nacks: 1, throughput: 300 }));
    const run = store.getState().load!;
    expect(run.points.map((p) => [p.elapsedS, p.throughput, p.results])).toEqual([
      [0.5, 200, 100],
      [1, 300, 250],
    ]);
    expect(run.points[0]).toMatchObject({ p50: 1, p90: 2, p99: 3 });
    emit('load.progress', progress({ state: 'done', elapsedMs: 2000, results: 600, throughput: 300 }));
    expect(store.getState().load!.final).toMatchObject({ state: 'done', results: 600 });
    expect(store.getState().load!.points).toHaveLength(2);
    expect(isRunning(store.getState().load)).toBe(false);
  });

  test('a new run starts new series', () => {
    const { bridge, emit } = fakeBridge();
    const store = createMetricsStore(bridge);
    startMetricsFeed(bridge, store);
    emit('load.progress', progress({ elapsedMs: 500 }));
    emit('load.progress', progress({ loadId: 'load-2', elapsedMs: 100 }));
    expect(store.getState().load).toMatchObject({ loadId: 'load-2' });
    expect(store.getState().load!.points).toHaveLength(1);
  });

  test('stop asks the host to stop the running run only', async () => {
    const { bridge, calls, emit } = fakeBridge();
    const store = createMetricsStore(bridge);
    startMetricsFeed(bridge, store);
    await store.getState().stopLoad();
    expect(calls.some((c) => c.method === 'load.stop')).toBe(false);
    emit('load.progress', progress({}));
    await store.getState().stopLoad();
    expect(calls.find((c) => c.method === 'load.stop')?.params).toEqual({ loadId: 'load-1' });
    expect(store.getState().stopping).toBe(true);
    emit('load.progress', progress({ state: 'stopped' }));
    expect(store.getState().stopping).toBe(false);
  });
});

test('the load form: numbers in range, -1 for back-to-back', () => {
  const f = { connections: '4', rateMs: '-1', durationMs: '2000', uri: 'test.echo', payload: 'p', timeoutMs: '5000' };
  expect(loadParams(f).params).toEqual({ connections: 4, rateMs: -1, durationMs: 2000, uri: 'test.echo', payload: 'p', timeoutMs: 5000 });
  expect(loadParams({ ...f, connections: '0' }).error).toMatch(/connections/);
  expect(loadParams({ ...f, rateMs: '-5' }).error).toMatch(/rate/);
  expect(loadParams({ ...f, uri: ' ' }).error).toMatch(/URI/);
});
