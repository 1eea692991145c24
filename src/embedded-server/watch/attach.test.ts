// The redis watch attached to a juggler system the Studio did not start: its own redis-server, and
// `juggler server` and `juggler callee --demo` processes. A client calls the server directly (no
// frame of it passes the Studio); the chains come from the watch alone.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CliProcess, runCli } from '../../../test/cli-process';
import { type RedisProcess, startRedis } from '../../../test/redis-server';
import type { WatchStatus } from '../../shared/bridge/contract';
import type { Chain } from '../../shared/trace/events';
import type { JugglerClient } from '../client/client';
import { connect } from '../client/node';
import { HostRedisWatch } from '../host/redis-watch';
import { TraceBus } from '../trace/trace-bus';

let redis: RedisProcess;
const procs: CliProcess[] = [];
let serverUrl: string;
let bus: TraceBus;
let watch: HostRedisWatch;
let client: JugglerClient;
const statuses: WatchStatus[] = [];
/** uuid of each CALL the client sent, by its uri and args. */
const sent: { uuid: string; uri: string }[] = [];

beforeAll(async () => {
  redis = await startRedis();
  const server = runCli(['server', '--addr', '127.0.0.1:0', '--redis', redis.url]);
  procs.push(server);
  serverUrl = (await server.waitFor(/listening on (ws:\/\/\S+)/))[1]!;
  // one worker: a slow call keeps the next one waiting in its list (see the late-pop test)
  const callee = runCli(['callee', '--redis', redis.url, '--demo', '--workers', '1']);
  procs.push(callee);
  await callee.waitFor(/serving .*test\.echo/);
  bus = new TraceBus();
  watch = new HostRedisWatch(
    bus,
    () => redis.url,
    (s) => statuses.push(s),
    () => undefined,
  );
  await watch.start({});
  client = await connect(serverUrl);
  client.on('frame', (f) => {
    if (f.direction !== 'out') return;
    const m = JSON.parse(f.text) as { meta: { type: number; uuid: string }; payload: { uri?: string } };
    if (m.meta.type === 1) sent.push({ uuid: m.meta.uuid, uri: m.payload.uri ?? '' });
  });
}, 60_000);

afterAll(async () => {
  watch?.close();
  await client?.close();
  await Promise.all(procs.map((p) => p.stop()));
  await bus?.close();
  await redis?.stop();
});

const labels = (c: Chain | undefined) => c?.hops.map((h) => h.label) ?? [];
const IN_ORDER = [
  'server push call',
  'callee pop call',
  'callee check call TTL',
  'callee push result',
  'server pop result',
  'server check result TTL',
];

async function chainOf(uuid: string, until: (c: Chain) => boolean): Promise<Chain> {
  return vi.waitFor(
    () => {
      const c = bus.chain(uuid);
      if (!c || !until(c)) throw new Error(`chain of ${uuid} so far: ${labels(c).join(', ')} (${c?.verdict})`);
      return c;
    },
    { timeout: 10_000, interval: 20 },
  );
}

describe('the watch on a separately started system', () => {
  it('calls to test.echo and test.delay: server push, callee pop, result push, server pop in order, the callee named, verdict ok', async () => {
    expect(await client.call('test.echo', 'hello', { timeoutMs: 5000 })).toBe('hello');
    await client.call('test.delay', 50, { timeoutMs: 5000 });
    for (const { uuid, uri } of sent.filter((s) => s.uri === 'test.echo' || s.uri === 'test.delay')) {
      const c = await chainOf(uuid, (ch) => IN_ORDER.every((l) => labels(ch).includes(l)));
      expect(
        labels(c).filter((l) => IN_ORDER.includes(l)),
        uri,
      ).toEqual(IN_ORDER);
      expect(c.verdict, uri).toBe('ok');
      // the demo callee's pop connection is named after the URIs it serves
      expect(c.answeredBy, uri).toMatch(/^127\.0\.0\.1:\d+ name=juggler:\S*:calls:\S*test\.echo/);
      expect(c.hops.find((h) => h.label === 'callee pop call')?.by).toBe(c.answeredBy);
      expect(c.notes).toContain("no client frames seen: the call did not go through the Studio's server or a proxy");
      expect(c.timeoutMs).toBeGreaterThan(4000);
      if (uri === 'test.delay') {
        // the callee's run, seen only in redis: from its pop to its result push
        const bar = c.hops.find((h) => h.label === 'callee pop call')!.bar!;
        expect(bar.to - bar.from).toBeGreaterThanOrEqual(45);
      }
    }
  });

  it('a call to an unserved URI with a short timeout: expired, naming the timeout and that no callee popped it', async () => {
    await expect(client.call('watch.nobody', null, { timeoutMs: 300 })).rejects.toThrow();
    const uuid = sent.find((s) => s.uri === 'watch.nobody')!.uuid;
    const c = await chainOf(uuid, (ch) => ch.verdict === 'expired');
    expect(labels(c)).toEqual(['server push call']);
    expect(c.timeoutMs).toBe(300);
    expect(c.notes?.join(' ')).toMatch(/timeout 300 ms: queued in the call list \d+ ms, no callee popped it/);
  });

  it('a call the busy callee popped after its TTL: expired, naming the timeout and how late the callee was', async () => {
    const slow = client.call('test.delay', 700, { timeoutMs: 5000 });
    const delayed = sent.at(-1)!;
    expect(delayed.uri).toBe('test.delay');
    // the one worker is busy once the delay call has been popped
    await chainOf(delayed.uuid, (ch) => labels(ch).includes('callee pop call'));
    await expect(client.call('test.echo', 'too late', { timeoutMs: 200 })).rejects.toThrow();
    await slow;
    const uuid = sent.filter((s) => s.uri === 'test.echo').at(-1)!.uuid;
    const c = await chainOf(uuid, (ch) => labels(ch).includes('callee pop call'));
    expect(c.verdict).toBe('expired');
    expect(c.notes?.join(' ')).toMatch(/timeout 200 ms: queued in the call list \d+ ms: the callee popped it \d+ ms after the TTL/);
    expect(labels(c)).not.toContain('callee push result');
  });

  it('reports its status: commands seen, rate, no drops, time left', async () => {
    await vi.waitFor(() => expect(statuses.length).toBeGreaterThan(1), { timeout: 5000 });
    const s = watch.status();
    expect(s).toMatchObject({ running: true, dropped: 0, parseErrors: 0, limitMs: 300_000 });
    expect(s.commands).toBeGreaterThan(10);
    expect(s.ops).toBeGreaterThan(10);
    expect(s.remainingMs).toBeGreaterThan(200_000);
    expect(s.url).toBe(redis.url);
    expect(watch.stop()).toMatchObject({ running: false, stoppedReason: 'stopped by the user' });
  });
});
