// The Studio debugging a juggler system it did not start (issue 12, item 7): the system is its own
// redis-server, `juggler server` and `juggler callee --demo` processes; the Studio is a separate host
// attached to that redis (as `--redis URL` does), with the redis watch on and a recording proxy in front
// of the system's server. A call through the proxy and a call made directly to the server each show as
// one chain (proxy frames and the redis hops of the system's own processes), with the callee that
// answered named; then the system misbehaves (its callee stops, its server goes away, its redis goes
// down) and what the user sees is checked.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { type Harness, startHarness } from '../../../test/bridge-harness';
import { type CliProcess, runCli } from '../../../test/cli-process';
import { type RedisProcess, startRedis } from '../../../test/redis-server';
import type { Chain } from '../../shared/trace/events';
import type { JugglerClient } from '../client/client';
import { connect } from '../client/node';

let redis: RedisProcess;
let server: CliProcess;
let callee: CliProcess;
let serverUrl: string;
let h: Harness;
let direct: JugglerClient;
let proxyUrl: string;
let viaProxy: string;

beforeAll(async () => {
  redis = await startRedis();
  server = runCli(['server', '--addr', '127.0.0.1:0', '--redis', redis.url]);
  serverUrl = (await server.waitFor(/listening on (ws:\/\/\S+)/))[1]!;
  callee = runCli(['callee', '--redis', redis.url, '--demo']);
  await callee.waitFor(/serving .*test\.echo/);
  h = await startHarness({ attachRedisUrl: redis.url });
  await h.bridge.call('watch.start', {});
  proxyUrl = (await h.bridge.call('proxy.start', { upstream: serverUrl })).localUrl;
  viaProxy = (await h.bridge.call('clients.connect', { name: 'via proxy', url: proxyUrl })).clientId;
  direct = await connect(serverUrl);
}, 60_000);

afterAll(async () => {
  await direct?.close();
  await h?.close();
  await Promise.all([server?.stop(), callee?.stop()]);
  await redis?.stop();
});

/** The chain of `uuid` once `until` holds (the watch's lines arrive a little after the frames). */
async function chainOf(uuid: string, until: (c: Chain) => boolean): Promise<Chain> {
  return vi.waitFor(
    async () => {
      const c = await h.bridge.call('trace.chain', { corr: uuid });
      if (!c || !until(c)) throw new Error(`chain so far: ${c?.hops.map((x) => x.label).join(', ')} (${c?.verdict})`);
      return c;
    },
    { timeout: 15_000, interval: 50 },
  );
}

const labels = (c: Chain) => c.hops.map((x) => x.label);
const isBefore = (c: Chain, a: string, b: string) => labels(c).indexOf(a) < labels(c).indexOf(b);

describe('attached to a separately started system', () => {
  test('the Studio is only watching: status names the attached redis and the watch runs on it', async () => {
    const status = await h.bridge.call('host.status');
    expect(status.attached).toMatchObject({ url: redis.url, servingCallees: false });
    expect(await h.bridge.call('watch.status')).toMatchObject({ running: true, url: redis.url });
    // the other watched systems, for the status bar: the proxy and the redis watch
    expect(status.watching).toMatchObject({
      proxies: [{ upstream: serverUrl, open: 1 }],
      syncTargets: [],
      monitor: { url: redis.url, rate: expect.any(Number) },
    });
  });

  test('a call through the proxy: client, proxy and server-side redis hops in one chain, the callee named, verdict ok', async () => {
    const out = await h.bridge.call('clients.call', { clientId: viaProxy, uri: 'test.echo', args: 'through', timeoutMs: 10_000 });
    expect(out).toMatchObject({ ok: true, result: 'through' });
    const chain = await chainOf(out.uuid, (c) => c.verdict === 'ok' && labels(c).includes('server pop result') && !!c.answeredBy);
    for (const hop of [
      'client CALL out',
      'proxy CALL in',
      'server push call',
      'callee pop call',
      'callee push result',
      'server pop result',
      'proxy RES out',
      'client RES in',
    ])
      expect(labels(chain)).toContain(hop);
    expect(isBefore(chain, 'proxy CALL in', 'server push call')).toBe(true);
    expect(isBefore(chain, 'callee pop call', 'callee push result')).toBe(true);
    expect(isBefore(chain, 'server pop result', 'proxy RES out')).toBe(true);
    // the system's own callee answered (a redis client of the callee process), not the Studio's
    expect(chain.answeredBy).toMatch(/127\.0\.0\.1:\d+/);
    expect(chain.notes ?? []).toEqual([]);
  });

  test('a call made directly to the system (no frame passes the Studio) is seen from redis alone, and says so', async () => {
    const uuids: string[] = [];
    const off = direct.on('frame', (f) => {
      if (f.direction === 'out' && f.message?.meta.type === 1) uuids.push(f.message.meta.uuid);
    });
    expect(await direct.call('test.reverse', 'abc', { timeoutMs: 10_000 })).toBe('cba');
    off();
    const chain = await chainOf(uuids[0]!, (c) => c.verdict === 'ok' && !!c.answeredBy);
    expect(labels(chain)).toEqual(
      expect.arrayContaining(['server push call', 'callee pop call', 'callee push result', 'server pop result']),
    );
    expect(chain.notes?.join(' ')).toMatch(/no client frames seen/);
  });

  test('the callee stops: a call expires, and the chain says no callee popped it', async () => {
    await callee.stop();
    const out = await h.bridge.call('clients.call', { clientId: viaProxy, uri: 'test.echo', args: 'nobody home', timeoutMs: 700 });
    expect(out).toMatchObject({ ok: false, error: { code: 'EXPIRED' } });
    expect(out.error?.message).toMatch(/no callee popped it|no callee took it/);
    const chain = await chainOf(out.uuid, (c) => c.verdict === 'expired' && labels(c).includes('server push call'));
    expect(chain.notes?.join(' ')).toMatch(/timeout 700 ms: queued in the call list.*no callee (popped|took) it/);
    expect(chain.answeredBy).toBeUndefined();
  });

  test("the system's server goes away: its clients' connections close, and a new one through the proxy gets 502 with why", async () => {
    await server.stop();
    await vi.waitFor(async () => {
      const c = (await h.bridge.call('clients.list')).find((x) => x.clientId === viaProxy);
      expect(c?.state).toBe('closed');
    });
    await expect(h.bridge.call('clients.connect', { name: 'too late', url: proxyUrl })).rejects.toMatchObject({
      message: expect.stringMatching(/502/),
    });
    const [proxy] = await h.bridge.call('proxy.list');
    expect(proxy?.lastRefusal).toMatchObject({ status: 502, reason: expect.stringMatching(/ECONNREFUSED|cannot reach|refused/i) });
  });

  test("the system's redis goes down: the watch stops and says why; the inspector reports the outage", async () => {
    await redis.stop();
    await vi.waitFor(async () => expect(await h.bridge.call('watch.status')).toMatchObject({ running: false }), { timeout: 15_000 });
    expect((await h.bridge.call('watch.status')).stoppedReason).toBeTruthy();
    await expect(h.bridge.call('redis.snapshot')).rejects.toMatchObject({
      message: expect.stringMatching(/unavailable|ECONNREFUSED|closed|connect/i),
    });
    // the Studio's own stack is not affected
    expect((await h.bridge.call('host.status')).redis.up).toBe(true);
  });
});
