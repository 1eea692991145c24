import { describe, expect, test } from 'vitest';
import type { BridgeEvents, ClientInfo } from '../../../../shared/bridge/contract';
import type { TraceEvent, TraceStats } from '../../../../shared/trace/events';
import { toBatch } from '../../../../shared/trace/trace-batch';
import type { BridgeLike } from '../../bridge/bridge-like';
import { frame, ManualScheduler, mixed } from './test-events';
import { TraceFeed } from './trace-feed';
import { TraceView } from './trace-view';

/** A host with `held` events (seq 1..n) answering the calls the feed makes. */
function fakeHost(held: TraceEvent[]) {
  const listeners = new Map<string, (p: unknown) => void>();
  const calls: { method: string; params: unknown }[] = [];
  let clients: ClientInfo[] = [];
  const stats = (): TraceStats => ({
    enabled: true,
    capacity: 1_000_000,
    held: held.length,
    recorded: held.at(-1)?.seq ?? 0,
    dropped: 0,
    spilled: 0,
  });
  /** Runs while a trace.batch call is answered: lets a test push live events mid-load. */
  let duringEvents: (() => void) | undefined;
  const handlers: Record<string, (p: never) => unknown> = {
    'trace.stats': () => stats(),
    'trace.follow': (p: { maxBatch: number | null }) => p,
    'trace.batch': (p: { fromSeq: number; limit: number }) => {
      duringEvents?.();
      duringEvents = undefined;
      return toBatch(held.filter((e) => e.seq >= p.fromSeq).slice(0, p.limit));
    },
    'trace.import': () => {
      held = mixed(7);
      return { count: 7 };
    },
    'clients.list': () => clients,
    'clients.connect': (p: { name: string }) => {
      const c: ClientInfo = { clientId: 'c1', name: p.name, url: 'ws://x', state: 'open', subscriptions: [], pendingCalls: 0 };
      clients = [c];
      return c;
    },
    'clients.resend': () => ({ uuid: 'new', ok: true, latencyMs: 1.5, result: 'x' }),
  };
  const client = {
    call: async (method: string, params?: unknown) => {
      calls.push({ method, params });
      const h = handlers[method];
      if (!h) throw new Error(`unexpected ${method}`);
      return h(params as never);
    },
    on: (event: string, l: (p: unknown) => void) => {
      listeners.set(event, l);
      return () => listeners.delete(event);
    },
  } as unknown as BridgeLike;
  return {
    client,
    calls,
    emit: <E extends keyof BridgeEvents>(event: E, payload: BridgeEvents[E]) => listeners.get(event)?.(payload),
    during: (f: () => void) => {
      duringEvents = f;
    },
    push: (events: TraceEvent[]) => held.push(...events),
  };
}

function seqs(view: TraceView): number[] {
  const out: number[] = [];
  for (let i = 0; i < view.store.getState().rows; i++) out.push(view.eventAt(i)!.seq);
  return out;
}

describe('trace feed', () => {
  test('loads the most recent events in pages, then the live batches that came meanwhile, without duplicates', async () => {
    const host = fakeHost(mixed(250));
    const sched = new ManualScheduler();
    const view = new TraceView({ scheduler: sched, minPublishMs: 0 });
    const feed = new TraceFeed(host.client, view, { initialLimit: 100, pageSize: 40 });
    // while the first page is answered, events 251..260 are recorded and sent live
    host.during(() => {
      const live = mixed(10, 251);
      host.push(live);
      host.emit('trace', toBatch(live));
    });
    feed.start();
    await expect.poll(() => view.store.getState().loading).toBe(false);
    sched.drain();
    expect(seqs(view)).toEqual(Array.from({ length: 110 }, (_, i) => 151 + i));
    const pages = host.calls.filter((c) => c.method === 'trace.batch');
    expect(pages[0]?.params).toEqual({ fromSeq: 151, limit: 40 });
    // live from now on
    host.emit('trace', toBatch([frame({ seq: 261 })]));
    sched.drain();
    expect(view.store.getState().rows).toBe(111);
    feed.stop();
  });

  test('tells the host to send only the newest of a flood while the view follows, and every event while paused or filtered', async () => {
    const host = fakeHost(mixed(5));
    const view = new TraceView({ scheduler: new ManualScheduler(), minPublishMs: 0 });
    const feed = new TraceFeed(host.client, view, { followBatch: 300 });
    const follows = () => host.calls.filter((c) => c.method === 'trace.follow').map((c) => c.params);
    feed.start();
    await expect.poll(() => view.store.getState().loading).toBe(false);
    view.pause();
    view.resume();
    view.setFilter({ search: 'x' });
    view.setFilter({ search: '' });
    expect(follows()).toEqual([{ maxBatch: 300 }, { maxBatch: null }, { maxBatch: 300 }, { maxBatch: null }, { maxBatch: 300 }]);
    feed.stop();
  });

  test('an import replaces what the view shows with the session and says so', async () => {
    const host = fakeHost(mixed(30));
    const sched = new ManualScheduler();
    const view = new TraceView({ scheduler: sched, minPublishMs: 0 });
    const feed = new TraceFeed(host.client, view);
    feed.start();
    await expect.poll(() => view.store.getState().loading).toBe(false);
    expect(await feed.importSession('{}', 'session.ndjson')).toBe(7);
    sched.drain();
    expect(seqs(view)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(view.store.getState().imported).toEqual({ count: 7, file: 'session.ndjson' });
  });

  test('resend connects a playground client when none is open, and reports the outcome', async () => {
    const host = fakeHost(mixed(2));
    const view = new TraceView({ scheduler: new ManualScheduler(), minPublishMs: 0 });
    const feed = new TraceFeed(host.client, view);
    const out = await feed.resend(2);
    expect(out).toMatchObject({ ok: true });
    expect(host.calls.map((c) => c.method)).toEqual(['clients.list', 'clients.connect', 'clients.resend']);
    expect(host.calls[2]?.params).toEqual({ clientId: 'c1', seq: 2 });
    expect(view.store.getState().notice).toMatchObject({ tone: 'ok', text: expect.stringContaining('ok in 1.5 ms') });
    await feed.resend(2);
    expect(host.calls.filter((c) => c.method === 'clients.connect')).toHaveLength(1);
  });

  test('a failed action is shown to the user', async () => {
    const host = fakeHost([]);
    const view = new TraceView({ scheduler: new ManualScheduler(), minPublishMs: 0 });
    const feed = new TraceFeed(host.client, view);
    await feed.clear();
    expect(view.store.getState().notice).toMatchObject({ tone: 'err', text: expect.stringContaining('clearing the trace failed') });
  });
});
