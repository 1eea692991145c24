import { describe, expect, test } from 'vitest';
import type { WatchStatus } from '../../../../shared/bridge/contract';
import type { BridgeLike } from '../../bridge/bridge-like';
import { startWatchFeed } from './redis-feed';
import { createWatchStore } from './watch-store';

const running: WatchStatus = {
  running: true,
  nodes: [{ node: '127.0.0.1:7000', commands: 10, dropped: 0, queued: 0 }],
  commands: 10,
  rate: 5,
  dropped: 0,
  parseErrors: 0,
  ops: 4,
  limitMs: 300_000,
  startedAt: 1,
  remainingMs: 299_000,
  url: 'redis://127.0.0.1:7000',
};

function fakeBridge() {
  const calls: { method: string; params: unknown }[] = [];
  let listener: ((s: WatchStatus) => void) | undefined;
  const bridge = {
    call: async (method: string, params?: unknown) => {
      calls.push({ method, params });
      if (method === 'watch.start') return running;
      if (method === 'watch.stop') return { ...running, running: false, stoppedReason: 'stopped by the user' };
      throw Object.assign(new Error('watch.start: a watch is already running'), { code: 'FAILED' });
    },
    on: (_e: string, l: (s: WatchStatus) => void) => {
      listener = l;
      return () => undefined;
    },
  } as unknown as BridgeLike;
  return { bridge, calls, emit: (s: WatchStatus) => listener?.(s) };
}

describe('watch store', () => {
  test('starting takes a confirmation after the warning, with the limit in minutes (default 5)', async () => {
    const f = fakeBridge();
    const s = createWatchStore(f.bridge);
    s.getState().ask();
    expect(s.getState().confirming).toBe(true);
    expect(f.calls).toEqual([]);
    await s.getState().confirm();
    expect(f.calls).toEqual([{ method: 'watch.start', params: { limitMs: 300_000 } }]);
    expect(s.getState().status?.running).toBe(true);
  });

  test('a cancelled warning starts nothing; a bad limit is said, not sent', async () => {
    const f = fakeBridge();
    const s = createWatchStore(f.bridge);
    s.getState().ask();
    s.getState().cancel();
    s.getState().setLimitMin(-1);
    await s.getState().confirm();
    expect(f.calls).toEqual([]);
    expect(s.getState().error).toMatch(/time limit/);
  });

  test('status events update the live rate; stop says why it stopped; errors are kept for the user', async () => {
    const f = fakeBridge();
    const s = createWatchStore(f.bridge);
    startWatchFeed(f.bridge, s);
    f.emit({ ...running, rate: 1234 });
    expect(s.getState().status?.rate).toBe(1234);
    await s.getState().stop();
    expect(s.getState().status).toMatchObject({ running: false, stoppedReason: 'stopped by the user' });
    await s.getState().refresh();
    expect(s.getState().error).toMatch(/already running/);
  });
});
