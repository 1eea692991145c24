// The inspector writes nothing: every command it sends during a snapshot, peeks, pendingCalls and a
// tap (seen with MONITOR on a redis of its own) is a read, and every key and value is unchanged.
import Redis from 'ioredis';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RedisProcess, startRedis } from '../../../test/redis-server';
import { RedisBroker } from '../broker/redis/broker';
import { callKey, resultKey } from '../broker/redis/keys';
import { Callee } from '../callee/callee';
import { RawJson } from '../message';
import { RedisInspector } from './inspector';

let redis: RedisProcess;
let raw: Redis;
beforeAll(async () => {
  redis = await startRedis();
  raw = new Redis(redis.url);
});
afterAll(async () => {
  raw?.disconnect();
  await redis?.stop();
});

/** Reads, connection setup and pub-sub: what an inspector may send. */
const READS = new Set([
  'scan',
  'llen',
  'lindex',
  'lrange',
  'pttl',
  'get',
  'type',
  'pubsub',
  'client',
  'info',
  'hello',
  'select',
  'ping',
  'quit',
  'subscribe',
  'psubscribe',
]);

/** Every key with its type and value (TTLs left out: they count down by themselves). */
async function contents(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const key of await raw.keys('*')) {
    const type = await raw.type(key);
    const value =
      type === 'list'
        ? await raw.lrange(key, 0, -1)
        : type === 'string'
          ? await raw.get(key)
          : type === 'hash'
            ? await raw.hgetall(key)
            : await raw.smembers(key);
    out.set(key, `${type} ${JSON.stringify(value)}`);
  }
  return out;
}

test('a snapshot, peeks, pendingCalls and a tap send only reads and change nothing', async () => {
  const broker = await RedisBroker.connect({ url: redis.url });
  const calleeBroker = await RedisBroker.connect({ url: redis.url, clientName: 'callee' });
  const callee = new Callee({ broker: calleeBroker, handlers: { 'ro.served': (a) => a } });
  callee.start();
  const sub = new Redis(redis.url);
  const inspector = await RedisInspector.connect({ url: redis.url });
  const mon = new Redis(redis.url);
  try {
    for (let i = 0; i < 3; i++)
      await broker.call({ conn_uuid: 'conn-ro', msg_uuid: `m${i}`, uri: 'ro.pending', args: new RawJson(String(i)) }, 30_000);
    await broker.result({ conn_uuid: 'conn-ro', msg_uuid: 'r1', uri: 'ro.pending', args: new RawJson('"done"') }, 30_000);
    await raw.hset(callKey('ro.hash'), 'f', 'v');
    await raw.lpush(callKey('ro.binary'), Buffer.from([0xff, 0xfe]));
    await sub.subscribe('ro.channel');

    const before = await contents();
    const dbsize = await raw.dbsize();
    const seen: string[][] = [];
    const monitor = await mon.monitor();
    monitor.on('monitor', (_time: string, args: string[]) => seen.push(args));

    const snap = await inspector.snapshot();
    expect(snap.uris.find((u) => u.uri === 'ro.pending')?.pending).toBe(3);
    for (const u of snap.uris) if (u.callList) await inspector.peekList(u.callList.key, { count: 10 });
    await inspector.peekList(resultKey('conn-ro'));
    await inspector.peekList(callKey('ro.hash')).catch(() => undefined);
    expect((await inspector.pendingCalls('ro.pending')).calls).toHaveLength(3);
    const tap = await inspector.tap({ channels: ['ro.channel'], patterns: ['ro.*'] }, () => undefined);
    await tap.close();
    await inspector.close();
    // MONITOR output lags a little behind the commands
    await new Promise((r) => setTimeout(r, 100));
    monitor.disconnect();

    const names = seen.map((a) => a[0]!.toLowerCase());
    expect(names.length).toBeGreaterThan(10);
    expect(names).toContain('scan');
    expect(names.filter((n) => !READS.has(n))).toEqual([]);
    // CLIENT: only LIST, and SETNAME/SETINFO naming its own connection (SETINFO from redis 7.2 on)
    const clientSubs = new Set(seen.filter((a) => a[0]!.toLowerCase() === 'client').map((a) => a[1]!.toLowerCase()));
    expect([...clientSubs].filter((s) => !['list', 'setname', 'setinfo'].includes(s))).toEqual([]);
    expect(await raw.dbsize()).toBe(dbsize);
    expect(await contents()).toEqual(before);
  } finally {
    await inspector.close();
    mon.disconnect();
    sub.disconnect();
    await callee.stop();
    await calleeBroker.close();
    await broker.close();
  }
});
