// Data juggler did not write must not break the inspector: binary values, odd key names, huge lists,
// other types under juggler:*, more keys than the scan bound. A redis of its own, so that the hostile
// keys disturb no other test file.
import Redis from 'ioredis';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RedisProcess, startRedis } from '../../../test/redis-server';
import { RedisBroker } from '../broker/redis/broker';
import { callKey, callTimeoutKey, resultKey } from '../broker/redis/keys';
import type { RedisOp } from '../broker/redis/options';
import { RawJson } from '../message';
import { InspectorError } from './errors';
import { RedisInspector } from './inspector';

let redis: RedisProcess;
let raw: Redis;
let inspector: RedisInspector;
const ops: RedisOp[] = [];

beforeAll(async () => {
  redis = await startRedis();
  raw = new Redis(redis.url);
  inspector = await RedisInspector.connect({ url: redis.url, onOp: (op) => ops.push(op) });
});
afterAll(async () => {
  await inspector?.close();
  raw?.disconnect();
  await redis?.stop();
});

test('binary values are shown escaped with the reason, never thrown', async () => {
  const key = callKey('hostile.binary');
  await raw.lpush(key, Buffer.from([0xc3, 0x28, 0x00, 0xff, 0x41]), 'not json', '[1,2]', '{"msg_uuid":"m"}');
  const page = await inspector.peekList(key, { from: 'oldest' });
  expect(page.length).toBe(4);
  expect(page.entries.map((e) => e.raw?.text)).toEqual(['\\xc3(\\x00\\xffA', 'not json', '[1,2]', '{"msg_uuid":"m"}']);
  expect(page.entries[0]!.error).toMatch(/not UTF-8/);
  expect(page.entries[1]!.error).toMatch(/not valid JSON/);
  expect(page.entries[2]!.error).toMatch(/not a JSON object/);
  expect(page.entries[3]!.error).toMatch(/no string "conn_uuid"/);
  expect(page.entries.every((e) => e.call === undefined && e.ttlMs === undefined)).toBe(true);
  const snap = await inspector.snapshot();
  expect(snap.uris.find((u) => u.uri === 'hostile.binary')).toMatchObject({ pending: 4, noCalleeWaiting: true });
  expect(snap.uris.find((u) => u.uri === 'hostile.binary')?.callList?.oldest?.error).toMatch(/not UTF-8/);
});

test('odd key names (spaces, newlines, braces, unicode, binary, very long) come out whole and can be peeked', async () => {
  const broker = await RedisBroker.connect({ url: redis.url });
  const odd = ['with space', 'new\nline', 'br{ac}es}:x', 'ünïcödé 😀', 'x'.repeat(10_000)];
  try {
    for (const uri of odd) {
      await broker.call({ conn_uuid: 'c', msg_uuid: crypto.randomUUID(), uri, args: new RawJson('1') }, 30_000);
    }
  } finally {
    await broker.close();
  }
  const binaryUri = Buffer.from([0x62, 0xff, 0x0a, 0x7b]);
  const binaryKey = Buffer.concat([Buffer.from('juggler:calls:{'), binaryUri, Buffer.from('}')]);
  await raw.lpush(binaryKey, 'raw entry');

  const snap = await inspector.snapshot();
  for (const uri of odd) {
    const u = snap.uris.find((x) => x.uri === uri.replace('\n', '\\n'));
    expect(u, uri.slice(0, 20)).toMatchObject({ pending: 1, timeoutKeys: 1 });
    expect(u!.callList!.oldest!.ttlMs).toBeGreaterThan(0);
    const page = await inspector.peekList(u!.callList!.key);
    expect(page.entries[0]!.call?.uri).toBe(uri);
    expect(page.entries[0]!.ttlMs).toBeGreaterThan(0);
  }
  // the newline is escaped for display; the exact bytes travel along as base64
  const nl = snap.uris.find((x) => x.uri === 'new\\nline')!;
  expect(Buffer.from(nl.callList!.key.base64!, 'base64').toString()).toBe(callKey('new\nline'));

  const bin = snap.uris.find((x) => x.uri === 'b\\xff\\n{')!;
  expect(bin.pending).toBe(1);
  expect(Buffer.from(bin.callList!.key.base64!, 'base64').equals(binaryKey)).toBe(true);
  const page = await inspector.peekList(bin.callList!.key);
  expect(page.entries[0]!.raw?.text).toBe('raw entry');
});

test('a 200,000-element list is read a page at a time, from either end, without reading the rest', async () => {
  const key = resultKey('hostile-huge');
  const batch = Array.from({ length: 10_000 }, (_, i) => i);
  for (let n = 0; n < 200_000; n += batch.length) {
    await raw.lpush(key, ...batch.map((i) => JSON.stringify({ conn_uuid: 'hostile-huge', msg_uuid: `m${n + i}`, uri: 'u', args: n + i })));
  }
  ops.length = 0;
  const t0 = performance.now();
  const newest = await inspector.peekList(key, { count: 1000 });
  const middle = await inspector.peekList(key, { start: 100_000, count: 1000 });
  const oldest = await inspector.peekList(key, { count: 50, from: 'oldest' });
  const ms = performance.now() - t0;
  expect(newest.length).toBe(200_000);
  expect(newest.entries[0]).toMatchObject({ index: 0, call: { msgUUID: 'm199999' }, expired: true });
  expect(middle.entries[0]).toMatchObject({ index: 100_000, call: { msgUUID: 'm99999' } });
  expect(oldest.entries.map((e) => e.call?.msgUUID).slice(0, 2)).toEqual(['m0', 'm1']);
  expect(oldest.entries[0]!.index).toBe(199_999);
  expect(oldest.oldest?.call?.msgUUID).toBe('m0');
  // three pages of at most 1000 entries, not 200,000
  const lrange = ops.filter((o) => o.command === 'LRANGE');
  expect(lrange).toHaveLength(3);
  expect(lrange.reduce((n, o) => n + o.bytes, 0)).toBeLessThan(2050 * 80);
  console.log(`3 pages of a 200,000-element list: ${ms.toFixed(0)} ms`);

  await expect(inspector.peekList(key, { count: 100_000 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  const snap = await inspector.snapshot();
  expect(snap.results.find((r) => r.conn === 'hostile-huge')).toMatchObject({
    pending: 200_000,
    resultList: { oldest: { msgUUID: 'm0', expired: true } },
  });
});

test('other types under juggler:* are reported as type mismatches, and peeking one says WRONGTYPE', async () => {
  await raw.hset(callKey('hostile.hash'), 'field', 'value');
  await raw.set(resultKey('hostile-string'), 'not a list');
  await raw.sadd('juggler:something:else', 'member');
  await raw.set(callTimeoutKey('hostile.hash', 'm1'), 'not a number');
  const snap = await inspector.snapshot();
  expect(snap.typeMismatches).toEqual(
    expect.arrayContaining([
      { key: { text: callKey('hostile.hash'), bytes: callKey('hostile.hash').length }, expected: 'list', actual: 'hash' },
      { key: { text: resultKey('hostile-string'), bytes: resultKey('hostile-string').length }, expected: 'list', actual: 'string' },
    ]),
  );
  expect(snap.uris.find((u) => u.uri === 'hostile.hash')).toMatchObject({ pending: 0, timeoutKeys: 1, noCalleeWaiting: false });
  expect(snap.otherKeys.sample).toContainEqual({ key: { text: 'juggler:something:else', bytes: 22 }, type: 'set' });
  const err = await inspector.peekList(callKey('hostile.hash')).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InspectorError);
  expect(err).toMatchObject({ code: 'WRONGTYPE', message: expect.stringContaining('is a hash, not a list') });
});

test('past maxKeys the snapshot stops and says truncated', async () => {
  const small = await RedisInspector.connect({ url: redis.url, maxKeys: 5, scanCount: 2 });
  try {
    const snap = await small.snapshot();
    expect(snap.scan).toMatchObject({ keysSeen: 5, maxKeys: 5, truncated: true });
    expect(snap.redis.nodes[0]).toMatchObject({ complete: false, keysSeen: 5 });
  } finally {
    await small.close();
  }
  const all = await inspector.snapshot();
  expect(all.scan.truncated).toBe(false);
  expect(all.redis.nodes[0]!.complete).toBe(true);
});
