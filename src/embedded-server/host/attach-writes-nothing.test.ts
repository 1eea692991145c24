// Attaching writes nothing (issue 12, item 7): a juggler system the Studio did not start (its own
// redis-server, `juggler server` and `juggler callee --demo` processes) is attached as `--redis` does,
// the Redis view's reads are exercised, and that redis' write commands are counted before and after
// (INFO commandstats): the Studio adds none, holds no blocking pop, and every call made to that
// system is answered by the system's own callee, never by the Studio's.
import Redis from 'ioredis';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Harness, startHarness } from '../../../test/bridge-harness';
import { type CliProcess, runCli } from '../../../test/cli-process';
import { type RedisProcess, startRedis } from '../../../test/redis-server';
import { RawPeer } from '../../../test/stack';

let redis: RedisProcess;
let admin: Redis;
let server: CliProcess;
let callee: CliProcess;
let wsUrl: string;
let h: Harness | undefined;

beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
  server = runCli(['server', '--addr', '127.0.0.1:0', '--redis', redis.url]);
  wsUrl = (await server.waitFor(/listening on (ws:\/\/\S+)/))[1]!;
  callee = runCli(['callee', '--redis', redis.url, '--demo']);
  await callee.waitFor(/serving .*test\.echo/);
}, 60_000);
afterAll(async () => {
  await h?.close();
  await Promise.all([server?.stop(), callee?.stop()]);
  admin?.disconnect();
  await redis?.stop();
});

/** Calls test.echo through the system's server; resolves with the calls' uuids once all are answered. */
async function callSystem(n: number): Promise<string[]> {
  const peer = await RawPeer.connect(wsUrl);
  const ids: string[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const id = crypto.randomUUID();
      ids.push(id);
      peer.send({ meta: { type: 1, uuid: id }, payload: { uri: 'test.echo', timeout: 10e9, args: { i } } });
      expect((await peer.forType(9, id, 15_000)).payload.args).toEqual({ i });
    }
  } finally {
    peer.ws.close();
  }
  return ids;
}

/** calls per command from INFO commandstats (`client|setname` style names for subcommands). */
async function commandCounts(): Promise<Map<string, number>> {
  const info = (await admin.info('commandstats')) as string;
  const counts = new Map<string, number>();
  for (const m of info.matchAll(/^cmdstat_(\S+):calls=(\d+)/gm)) counts.set(m[1]!, Number(m[2]));
  return counts;
}

/** Whether redis says the command may change data (write, may_replicate, or a script that may). */
async function mayWrite(name: string): Promise<boolean> {
  if (/^(eval|evalsha|fcall|script)$/.test(name)) return true;
  const [info] = (await admin.call('COMMAND', 'INFO', name)) as [unknown[] | null];
  if (!info) return true; // unknown to COMMAND INFO: counted as a write, to be safe
  const flags = info[2] as string[];
  return flags.includes('write') || flags.includes('may_replicate');
}

interface ClientEntry {
  id: string;
  addr: string;
  name: string;
  cmd: string;
}

async function clientList(): Promise<ClientEntry[]> {
  const text = (await admin.client('LIST')) as string;
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const f = Object.fromEntries(line.split(' ').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
      return { id: f.id!, addr: f.addr!, name: f.name ?? '', cmd: f.cmd ?? '' };
    });
}

test("attaching the Studio and using the Redis view's reads changes no write count of that redis, and no Studio connection pops", async () => {
  // the system has worked before the Studio comes: its lists and keys exist for the views to show
  await callSystem(5);
  const clientsBefore = new Set((await clientList()).map((c) => c.id));
  const before = await commandCounts();

  h = await startHarness({ attachRedisUrl: redis.url });
  const { bridge } = h;
  expect((await bridge.call('attach.status')).redis).toMatchObject({ url: redis.url, servingCallees: false });

  // what the Redis view does: snapshots every second, the pending calls of an opened URI, a peeked list,
  // a tap on a channel, the target form
  for (let i = 0; i < 3; i++) {
    const snap = await bridge.call('redis.snapshot');
    expect(snap.uris.map((u) => u.uri)).toContain('test.echo');
  }
  await bridge.call('redis.pending', { uri: 'test.echo' });
  await bridge.call('redis.peek', { key: 'juggler:calls:{test.echo}', start: 0, count: 50 });
  const { tapId } = await bridge.call('redis.tap', { channels: ['news'], patterns: ['news.*'] });
  await bridge.call('redis.untap', { tapId });
  await bridge.call('redis.target', { url: redis.url });
  // and the refused writes stay refused
  await expect(bridge.call('fault.expireCall', { uri: 'test.echo', msgUUID: crypto.randomUUID() })).rejects.toMatchObject({
    code: 'READ_ONLY',
  });
  await bridge.call('redis.snapshot');

  const studioClients = (await clientList()).filter((c) => !clientsBefore.has(c.id) && c.addr !== '');
  // the admin connection of this test was there before; what is new is the Studio's
  expect(studioClients.length).toBeGreaterThan(0);
  for (const c of studioClients) expect(c.cmd, `${c.addr} ${c.name}`).not.toMatch(/^(brpop|blmpop|blpop|brpoplpush|blmove)$/);

  const after = await commandCounts();
  const changed = [...after].filter(([name, n]) => n !== (before.get(name) ?? 0)).map(([name]) => name);
  const writes: string[] = [];
  for (const name of changed) if (await mayWrite(name)) writes.push(name);
  expect(writes).toEqual([]);
  for (const name of ['set', 'lpush', 'rpush', 'del', 'eval', 'evalsha', 'expire', 'pexpire', 'hset', 'blmpop', 'brpop', 'rpop'])
    expect(after.get(name) ?? 0, name).toBe(before.get(name) ?? 0);
}, 60_000);

test("calls made to the attached system are all answered by its own callee, never by the Studio's", async () => {
  if (!h) h = await startHarness({ attachRedisUrl: redis.url });
  const ownBefore = h.host.demoCallee.metrics.Requests ?? 0;
  const ids = await callSystem(20);
  const out = callee.stdout();
  for (const id of ids) expect(out).toContain(id);
  expect(h.host.demoCallee.metrics.Requests ?? 0).toBe(ownBefore);
  const echo = (await h.bridge.call('callees.list')).find((c) => c.uri === 'test.echo')!;
  expect(echo.metrics.invocations).toBe(0);
});
