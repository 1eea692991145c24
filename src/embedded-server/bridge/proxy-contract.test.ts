// The proxy.* part of the bridge contract, driven through the web-mode websocket against a real Studio
// host: a proxy to the Studio's own server, a Studio client pointed at its local URL, the call traced
// as proxy frames with the call's corr, counts in proxy.list and proxy.changed, errors by code.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { type Harness, startHarness } from '../../../test/bridge-harness';
import { freePort } from '../../../test/redis-server';
import type { ProxyInfo } from '../../shared/bridge/contract';
import type { TraceEvent } from '../../shared/trace/events';
import { batchEvents } from '../../shared/trace/trace-batch';

let h: Harness;
const traced: TraceEvent[] = [];
const changes: ProxyInfo[][] = [];

beforeAll(async () => {
  h = await startHarness();
  h.bridge.on('trace', (batch) => traced.push(...batchEvents(batch)));
  h.bridge.on('proxy.changed', (list) => changes.push(list));
}, 30_000);
afterAll(async () => {
  await h?.close();
});

describe('proxy', () => {
  test('proxy.start to the Studio server gives a local URL; a client through it makes a call traced as proxy frames; proxy.stop ends it', async () => {
    const { server } = await h.bridge.call('host.info');
    const p = await h.bridge.call('proxy.start', { upstream: server.url, headers: { 'X-Debug': '1' } });
    expect(p).toMatchObject({
      upstream: server.url,
      localUrl: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/),
      headers: ['X-Debug'],
    });
    expect(changes.at(-1)?.map((x) => x.id)).toContain(p.id);

    const client = await h.bridge.call('clients.connect', { name: 'via-proxy', url: p.localUrl });
    const out = await h.bridge.call('clients.call', { clientId: client.clientId, uri: 'test.echo', args: { through: 'proxy' } });
    expect(out).toMatchObject({ ok: true, result: { through: 'proxy' } });
    await vi.waitFor(() =>
      expect(
        traced
          .filter((e) => e.kind === 'frame' && e.side === 'proxy' && e.corr === out.uuid)
          .map((e) => e.kind === 'frame' && `${e.type} ${e.dir}`),
      ).toEqual(['CALL in', 'ACK out', 'RES out']),
    );
    const chain = await h.bridge.call('trace.chain', { corr: out.uuid });
    expect(chain!.hops.some((x) => x.event.kind === 'frame' && x.event.side === 'proxy')).toBe(true);
    await vi.waitFor(async () => {
      const [info] = await h.bridge.call('proxy.list');
      expect(info).toMatchObject({ id: p.id, connections: { total: 1, open: 1 }, frames: { in: 1, out: 2 } });
    });
    await vi.waitFor(() => expect(changes.at(-1)?.find((x) => x.id === p.id)?.frames.out).toBe(2));

    await h.bridge.call('clients.disconnect', { clientId: client.clientId });
    expect(await h.bridge.call('proxy.stop', { id: p.id })).toEqual([]);
    expect(changes.at(-1)).toEqual([]);
  });

  test('an upstream that is down: the client is refused with 502 and proxy.list says why', async () => {
    const port = await freePort();
    const p = await h.bridge.call('proxy.start', { upstream: `ws://127.0.0.1:${port}/ws` });
    await expect(h.bridge.call('clients.connect', { name: 'to-nowhere', url: p.localUrl })).rejects.toMatchObject({
      message: expect.stringMatching(/502/),
    });
    await vi.waitFor(async () => {
      const info = (await h.bridge.call('proxy.list')).find((x) => x.id === p.id)!;
      expect(info.connections.refused).toBeGreaterThanOrEqual(1);
      expect(info.lastRefusal).toMatchObject({ status: 502, reason: expect.stringMatching(/unreachable: .*ECONNREFUSED/) });
    });
    await h.bridge.call('proxy.stop', { id: p.id });
  });

  test('several proxies run at once, each with its own local URL', async () => {
    const { server } = await h.bridge.call('host.info');
    const a = await h.bridge.call('proxy.start', { upstream: server.url });
    const b = await h.bridge.call('proxy.start', { upstream: server.url.replace(/\/ws$/, '') });
    expect(a.localUrl).not.toBe(b.localUrl);
    expect((await h.bridge.call('proxy.list')).map((x) => x.id)).toEqual([a.id, b.id]);
    await h.bridge.call('proxy.stop', { id: a.id });
    await h.bridge.call('proxy.stop', { id: b.id });
  });

  test('a bad upstream, header or listen address is BAD_PARAMS; an unknown proxy is NOT_FOUND', async () => {
    await expect(h.bridge.call('proxy.start', { upstream: 'http://x/ws' })).rejects.toMatchObject({
      code: 'BAD_PARAMS',
      message: expect.stringMatching(/ws:\/\/ or wss:\/\//),
    });
    await expect(h.bridge.call('proxy.start', { upstream: 'ws://127.0.0.1:1/ws', headers: { 'Bad Name': 'x' } })).rejects.toMatchObject({
      code: 'BAD_PARAMS',
    });
    await expect(h.bridge.call('proxy.start', { upstream: 'ws://127.0.0.1:1/ws', headers: { A: 1 } as never })).rejects.toMatchObject({
      code: 'BAD_PARAMS',
    });
    await expect(h.bridge.call('proxy.start', { upstream: 'ws://127.0.0.1:1/ws', listen: 'nonsense' })).rejects.toMatchObject({
      code: 'BAD_PARAMS',
    });
    await expect(h.bridge.call('proxy.stop', { id: 'px999' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await h.bridge.call('proxy.list')).toEqual([]);
  });
});
