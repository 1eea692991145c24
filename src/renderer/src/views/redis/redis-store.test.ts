import { describe, expect, test } from 'vitest';
import type { RedisTapMessage } from '../../../../shared/bridge/contract';
import type { BridgeLike } from '../../bridge/bridge-like';
import { formatMs } from '../../lib/format-ms';
import { startRedisFeed } from './redis-feed';
import { createRedisStore, redactUrl, splitList, TAP_KEEP, ttlLeft } from './redis-store';

/** A bridge that answers from a table and lets the test fire events. */
function fakeBridge(answers: Record<string, (p: unknown) => unknown>) {
  const calls: { method: string; params: unknown }[] = [];
  const listeners = new Map<string, (p: unknown) => void>();
  const bridge = {
    call: async (method: string, params?: unknown) => {
      calls.push({ method, params });
      const a = answers[method];
      if (!a) throw new Error(`no answer for ${method}`);
      return a(params);
    },
    on: (event: string, l: (p: unknown) => void) => {
      listeners.set(event, l);
      return () => listeners.delete(event);
    },
  } as unknown as BridgeLike;
  return { bridge, calls, emit: (event: string, p: unknown) => listeners.get(event)?.(p) };
}

const pendingOf = (ttlMs: number) => ({
  uri: 'test.echo',
  length: 1,
  calls: [{ index: 0, msgUUID: 'm1', connUUID: 'c1', args: { text: '"hi"', bytes: 4 }, ttlMs, ageMs: 100 }],
  malformed: [],
  truncated: false,
});

describe('TTL countdown between refreshes', () => {
  test('a TTL read at fetchedAt counts down with the local clock', () => {
    expect(ttlLeft(5000, 1000, 1000)).toBe(5000);
    expect(ttlLeft(5000, 1000, 1250)).toBe(4750);
    expect(ttlLeft(5000, 1000, 3000)).toBe(3000);
  });

  test('it stops at 0 and never runs backwards when the clock is behind the fetch', () => {
    expect(ttlLeft(500, 1000, 9000)).toBe(0);
    expect(ttlLeft(500, 1000, 900)).toBe(500);
  });

  test('no TTL stays unknown', () => {
    expect(ttlLeft(undefined, 0, 10)).toBeUndefined();
  });

  test('each pending call refresh restarts the countdown from the new reading', async () => {
    let clock = 10_000;
    let ttl = 30_000;
    const { bridge } = fakeBridge({ 'redis.pending': () => pendingOf(ttl), 'redis.snapshot': () => ({}) });
    const store = createRedisStore(bridge, () => clock);
    await store.getState().togglePending('test.echo');
    const first = store.getState().pending['test.echo']!;
    expect(first.fetchedAt).toBe(10_000);
    clock = 10_400;
    const a = ttlLeft(first.data!.calls[0]!.ttlMs, first.fetchedAt, clock);
    expect(a).toBe(29_600);
    clock = 11_000;
    ttl = 29_000;
    await store.getState().refresh();
    const second = store.getState().pending['test.echo']!;
    const b = ttlLeft(second.data!.calls[0]!.ttlMs, second.fetchedAt, clock + 100);
    expect(b).toBe(28_900);
    expect(b!).toBeLessThan(a!);
  });
});

describe('redis store', () => {
  test('refresh keeps the snapshot and its time; a failed refresh keeps the old one and says why', async () => {
    let fail = false;
    const { bridge } = fakeBridge({
      'redis.snapshot': () => {
        if (fail) throw new Error('redis is not reachable');
        return { takenAt: 1, uris: [] };
      },
    });
    const store = createRedisStore(bridge, () => 42);
    await store.getState().refresh();
    expect(store.getState()).toMatchObject({ lastRefresh: 42, refreshing: false, error: undefined });
    fail = true;
    await store.getState().refresh();
    expect(store.getState().snapshot).toMatchObject({ takenAt: 1 });
    expect(store.getState().error).toMatch(/not reachable/);
  });

  test('closing a URI drops its pending calls and stops refreshing them', async () => {
    const { bridge, calls } = fakeBridge({ 'redis.pending': () => pendingOf(1000), 'redis.snapshot': () => ({}) });
    const store = createRedisStore(bridge);
    await store.getState().togglePending('test.echo');
    await store.getState().togglePending('test.echo');
    expect(store.getState().pending).toEqual({});
    await store.getState().refresh();
    expect(calls.filter((c) => c.method === 'redis.pending')).toHaveLength(1);
  });

  test('letting a TTL lapse calls fault.expireCall and reports the outcome', async () => {
    const { bridge, calls } = fakeBridge({ 'fault.expireCall': () => ({ expired: false }), 'redis.snapshot': () => ({}) });
    const store = createRedisStore(bridge);
    await store.getState().expireCall('test.echo', 'm1');
    expect(calls[0]).toEqual({ method: 'fault.expireCall', params: { uri: 'test.echo', msgUUID: 'm1' } });
    expect(store.getState().notice).toEqual({ text: expect.stringMatching(/no longer pending/), error: false });
  });

  test('a failed action is reported, not thrown', async () => {
    const { bridge } = fakeBridge({});
    const store = createRedisStore(bridge);
    await store.getState().pauseRedis(true);
    expect(store.getState().notice?.error).toBe(true);
    expect(store.getState().busy).toBe(false);
  });

  test('tap messages arrive newest first and only the latest TAP_KEEP are kept', async () => {
    const { bridge, emit } = fakeBridge({ 'redis.tap': () => ({ tapId: 'tap-1' }) });
    const store = createRedisStore(bridge);
    startRedisFeed(bridge, store);
    await store.getState().tap(['news'], []);
    expect(store.getState().taps).toEqual([{ tapId: 'tap-1', channels: ['news'], patterns: [] }]);
    for (let i = 0; i < TAP_KEEP + 5; i++) {
      const m: RedisTapMessage = {
        tapId: 'tap-1',
        channel: { text: 'news', bytes: 4 },
        payload: { text: String(i), bytes: 1 },
        receivedAt: i,
      };
      emit('redis.tap', m);
    }
    const msgs = store.getState().tapMessages;
    expect(msgs).toHaveLength(TAP_KEEP);
    expect(msgs[0]!.receivedAt).toBe(TAP_KEEP + 4);
  });

  test('retargeting forgets what belonged to the previous redis', async () => {
    const { bridge } = fakeBridge({
      'redis.target': () => ({ url: 'redis://:***@other:6379', cluster: false }),
      'redis.snapshot': () => ({ takenAt: 2 }),
      'redis.tap': () => ({ tapId: 'tap-1' }),
    });
    const store = createRedisStore(bridge);
    await store.getState().tap(['x'], []);
    await store.getState().setTarget('redis://:secret@other:6379', false);
    expect(store.getState().taps).toEqual([]);
    expect(store.getState().notice?.text).not.toMatch(/secret/);
  });

  test('attaching a redis says the Studio only watches it, forgets the previous taps, and detaching goes back to the own one', async () => {
    const own = { url: 'redis://127.0.0.1:7000', embedded: true };
    const { bridge, calls } = fakeBridge({
      'attach.redis': () => ({ own, redis: { url: 'redis://:***@other:6379', cluster: false, since: 1, servingCallees: false } }),
      'attach.detach': () => ({ own, redis: null }),
      'redis.snapshot': () => ({ takenAt: 2 }),
      'redis.tap': () => ({ tapId: 'tap-1' }),
    });
    const store = createRedisStore(bridge);
    await store.getState().tap(['x'], []);
    await store.getState().attach('redis://:secret@other:6379', false);
    expect(calls.find((c) => c.method === 'attach.redis')?.params).toEqual({ url: 'redis://:secret@other:6379', cluster: false });
    expect(store.getState().taps).toEqual([]);
    expect(store.getState().notice).toEqual({
      text: 'attached redis://:***@other:6379: watching only, nothing is written to it',
      error: false,
    });
    await store.getState().detach();
    expect(store.getState().notice?.text).toBe("inspecting the Studio's own redis redis://127.0.0.1:7000");
  });
});

describe('formatting', () => {
  test('passwords never show', () => {
    expect(redactUrl('redis://user:secret@host:6379/0')).not.toMatch(/secret/);
    expect(redactUrl('redis://:secret@host:6379')).not.toMatch(/secret/);
    expect(redactUrl('not a url :secret@x')).not.toMatch(/secret/);
    expect(redactUrl('redis://host:6379')).toBe('redis://host:6379');
  });

  test('durations', () => {
    expect(formatMs(340)).toBe('340 ms');
    expect(formatMs(1234)).toBe('1.2 s');
    expect(formatMs(184_000)).toBe('3 min 4 s');
    expect(formatMs(undefined)).toBe('—');
  });

  test('lists typed in a field', () => {
    expect(splitList(' a, b  c,,')).toEqual(['a', 'b', 'c']);
  });
});

test('a key that is not UTF-8 text is peeked by its exact bytes (the snapshot key object)', async () => {
  const sent: unknown[] = [];
  const bridge = {
    call: async (method: string, params: unknown) => {
      sent.push({ method, params });
      return { key: { text: 'juggler:calls:{\\xff}', bytes: 17 }, kind: 'calls', length: 0, from: 'newest', start: 0, entries: [] };
    },
    on: () => () => undefined,
  };
  const store = createRedisStore(bridge as never);
  const ref = { text: 'juggler:calls:{\\xff}', base64: 'anVnZ2xlcjpjYWxsczp7/30=', bytes: 17 };
  await store.getState().peekList(ref.text, 0, ref);
  expect(sent).toEqual([{ method: 'redis.peek', params: { key: ref, start: 0, count: expect.any(Number) } }]);
  expect(store.getState().peek?.ref).toEqual(ref);
});
