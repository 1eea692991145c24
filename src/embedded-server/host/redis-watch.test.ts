// The `watch.*` bridge methods on a real Studio host (its own embedded redis): start on the redis the
// inspector shows, status events, the Studio's own calls seen by both its broker and the watch shown
// once per hop with the callee named, a second start refused, stop.
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { type Harness, startHarness } from '../../../test/bridge-harness';
import type { WatchStatus } from '../../shared/bridge/contract';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 30_000);
afterAll(async () => {
  await h?.close();
});

test('watch.start on the inspected redis, status events, one hop per operation seen twice, the demo callee named, watch.stop', async () => {
  const statuses: WatchStatus[] = [];
  const off = h.bridge.on('watch.status', (s) => statuses.push(s));
  expect(await h.bridge.call('watch.status')).toMatchObject({ running: false, commands: 0 });
  const started = await h.bridge.call('watch.start', { limitMs: 60_000 });
  expect(started).toMatchObject({ running: true, limitMs: 60_000, url: h.host.info().redis.url });
  await expect(h.bridge.call('watch.start', {})).rejects.toMatchObject({
    code: 'FAILED',
    message: expect.stringMatching(/already running/),
  });
  await expect(h.bridge.call('watch.start', { limitMs: -5 })).rejects.toMatchObject({ code: 'BAD_PARAMS' });
  const { clientId } = await h.bridge.call('clients.connect', { name: 'watched' });
  const out = await h.bridge.call('clients.call', { clientId, uri: 'test.echo', args: 'seen twice', timeoutMs: 5000 });
  const corr = out.uuid;
  expect(corr).toBeTruthy();
  const chain = await vi.waitFor(
    async () => {
      const c = await h.bridge.call('trace.chain', { corr });
      if (!c?.hops.some((x) => x.alsoWatched && x.label === 'pop call'))
        throw new Error(`not yet: ${c?.hops.map((x) => x.label).join(', ')}`);
      return c;
    },
    { timeout: 10_000, interval: 50 },
  );
  const labels = chain.hops.map((x) => x.label);
  // our broker's hops, each once, none doubled by the watch
  for (const l of ['push call', 'pop call', 'check call TTL', 'push result', 'pop result', 'check result TTL'])
    expect(
      labels.filter((x) => x === l || x.endsWith(` ${l}`)),
      l,
    ).toHaveLength(1);
  expect(chain.verdict).toBe('ok');
  expect(chain.answeredBy).toMatch(/name=juggler:studio-demo:calls:.*\(callee demo\)$/);
  await vi.waitFor(() => expect(statuses.some((s) => s.running && s.commands > 0)).toBe(true), { timeout: 5000 });
  const stopped = await h.bridge.call('watch.stop');
  expect(stopped).toMatchObject({ running: false, stoppedReason: 'stopped by the user' });
  await vi.waitFor(() => expect(statuses.at(-1)?.running).toBe(false), { timeout: 5000 });
  off();
});
