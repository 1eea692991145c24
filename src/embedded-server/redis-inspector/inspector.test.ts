// The inspector against the shared test redis: pending calls, callees waiting, results, pub-sub and
// the tap. Other test files use the same redis at the same time, so every URI, connection id and
// channel here is random, and assertions look only at those.
import Redis from 'ioredis';
import { afterAll, beforeAll, expect, inject, test, vi } from 'vitest';
import type { CallPayload } from '../broker/broker';
import { RedisBroker } from '../broker/redis/broker';
import { callKey, resultKey } from '../broker/redis/keys';
import type { RedisOp } from '../broker/redis/options';
import { Callee } from '../callee/callee';
import { RawJson } from '../message';
import { RedisInspector } from './inspector';
import type { TapMessage } from './tap';

const url = inject('redisUrl');
let broker: RedisBroker;
let raw: Redis;
let inspector: RedisInspector;
const ops: RedisOp[] = [];

beforeAll(async () => {
  broker = await RedisBroker.connect({ url });
  raw = new Redis(url);
  inspector = await RedisInspector.connect({ url, onOp: (op) => ops.push(op) });
});
afterAll(async () => {
  await inspector.close();
  await broker.close();
  raw.disconnect();
});

const uniq = (p: string) => `${p}.${crypto.randomUUID().slice(0, 8)}`;

async function call(uri: string, args: unknown, ttlMs = 10_000): Promise<CallPayload> {
  const cp = { conn_uuid: crypto.randomUUID(), msg_uuid: crypto.randomUUID(), uri, args: new RawJson(JSON.stringify(args)) };
  await broker.call(cp, ttlMs);
  return cp;
}

test('a pending call shows under its URI with length 1, its TTL counting down and no callee waiting', async () => {
  const uri = uniq('inspect.pending');
  const cp = await call(uri, { n: 1 }, 10_000);
  const snap = await inspector.snapshot();
  const u = snap.uris.find((x) => x.uri === uri);
  expect(u).toMatchObject({ uri, pending: 1, timeoutKeys: 1, calleesWaiting: 0, noCalleeWaiting: true });
  expect(u?.callList?.key.text).toBe(callKey(uri));
  expect(u?.callList?.oldest?.msgUUID).toBe(cp.msg_uuid);
  expect(u?.callList?.oldest?.ttlMs).toBeLessThanOrEqual(10_000);
  expect(u?.callList?.oldest?.ageMs).toBeGreaterThanOrEqual(0);
  expect(snap.scan.truncated).toBe(false);

  const first = await inspector.peekList(callKey(uri));
  await new Promise((r) => setTimeout(r, 60));
  const second = await inspector.peekList(u!.callList!.key);
  expect(first).toMatchObject({ kind: 'calls', length: 1 });
  const [a, b] = [first.entries[0]!, second.entries[0]!];
  expect(a.call).toMatchObject({ msgUUID: cp.msg_uuid, connUUID: cp.conn_uuid, uri, args: { text: '{"n":1}' } });
  expect(b.ttlMs!).toBeLessThan(a.ttlMs!);
  expect(b.ageMs!).toBeGreaterThan(a.ageMs!);
  expect(b.ageMs! + b.ttlMs!).toBe(10_000);
  // peeking consumed nothing
  expect(await raw.llen(callKey(uri))).toBe(1);
  await raw.del(callKey(uri));
});

test('a running Callee is attributed to its URI and the badge goes away', async () => {
  const uri = uniq('inspect.served');
  const other = uniq('inspect.alsoServed');
  await call(uri, 'early');
  let snap = await inspector.snapshot();
  expect(snap.uris.find((x) => x.uri === uri)?.noCalleeWaiting).toBe(true);

  const calleeBroker = await RedisBroker.connect({ url, clientName: 'callee' });
  const callee = new Callee({ broker: calleeBroker, handlers: { [uri]: (a) => a, [other]: (a) => a } });
  callee.start();
  try {
    // the callee takes the early call, then waits in BRPOP on both URIs
    await vi.waitFor(
      async () => {
        snap = await inspector.snapshot();
        expect(snap.uris.find((x) => x.uri === uri)).toMatchObject({ pending: 0, calleesWaiting: 1, noCalleeWaiting: false });
      },
      { timeout: 5000, interval: 50 },
    );
    expect(snap.uris.find((x) => x.uri === other)).toMatchObject({ pending: 0, calleesWaiting: 1, calleesConnected: 1 });
    const names = (await raw.client('LIST')) as string;
    expect(names).toContain(`name=juggler:callee:calls:${uri},${other} `);
  } finally {
    await callee.stop();
    await calleeBroker.close();
  }
  // once it is gone, a new call has nobody waiting again
  await call(uri, 'late');
  snap = await inspector.snapshot();
  expect(snap.uris.find((x) => x.uri === uri)).toMatchObject({ pending: 1, calleesWaiting: 0, noCalleeWaiting: true });
  await raw.del(callKey(uri));
});

test('a blocked BRPOP that does not name its URIs is an unattributed waiter', async () => {
  const name = uniq('go-callee').replace('.', '-');
  const go = new Redis(url, { connectionName: name });
  try {
    const pending = go.brpop(callKey(uniq('inspect.go')), 0).catch(() => undefined);
    await vi.waitFor(
      async () => {
        const snap = await inspector.snapshot();
        expect(snap.waiters.unattributed.map((w) => w.name)).toContain(name);
      },
      { timeout: 3000, interval: 50 },
    );
    go.disconnect();
    await pending;
  } finally {
    go.disconnect();
  }
});

test('result lists and their timeout keys are listed per connection', async () => {
  const conn = crypto.randomUUID();
  for (const n of [1, 2]) {
    await broker.result({ conn_uuid: conn, msg_uuid: crypto.randomUUID(), uri: 'x', args: new RawJson(String(n)) }, 5000);
  }
  const snap = await inspector.snapshot();
  const r = snap.results.find((x) => x.conn === conn);
  expect(r).toMatchObject({ conn, pending: 2, timeoutKeys: 2 });
  expect(r?.resultList?.oldest?.ttlMs).toBeGreaterThan(0);
  const page = await inspector.peekList(resultKey(conn), { from: 'oldest' });
  expect(page.kind).toBe('results');
  expect(page.entries.map((e) => e.call?.args.text)).toEqual(['1', '2']);
  expect(page.entries.map((e) => e.index)).toEqual([1, 0]);
  expect(page.entries.every((e) => (e.ttlMs ?? 0) > 0)).toBe(true);
  await raw.del(resultKey(conn));
});

test('pendingCalls lists every call of a URI oldest first with time left and age', async () => {
  const uri = uniq('inspect.many');
  const sent: CallPayload[] = [];
  for (let i = 0; i < 5; i++) sent.push(await call(uri, i, 20_000));
  const p = await inspector.pendingCalls(uri);
  expect(p).toMatchObject({ uri, length: 5, truncated: false, malformed: [] });
  expect(p.calls.map((c) => c.msgUUID)).toEqual(sent.map((c) => c.msg_uuid));
  expect(p.calls.map((c) => c.args.text)).toEqual(['0', '1', '2', '3', '4']);
  for (const c of p.calls) {
    expect(c.ttlMs).toBeGreaterThan(0);
    expect(c.ttlMs! + c.ageMs!).toBe(20_000);
  }
  await raw.del(callKey(uri));
});

test('channels are listed with their subscriber counts', async () => {
  const ch = uniq('inspect.chan');
  const subs = [new Redis(url), new Redis(url)];
  try {
    for (const s of subs) await s.subscribe(ch);
    const snap = await inspector.snapshot();
    expect(snap.pubsub.channels.find((c) => c.channel.text === ch)).toEqual({
      channel: { text: ch, bytes: ch.length },
      subscribers: 2,
      inspectorTaps: 0,
    });
    expect(snap.pubsub.patterns).toBeGreaterThanOrEqual(0);
  } finally {
    for (const s of subs) s.disconnect();
  }
});

test('the tap receives a PUBLISH, decoded when it is a juggler publication, and is counted apart', async () => {
  const ch = uniq('inspect.tap');
  const got: TapMessage[] = [];
  const tap = await inspector.tap({ channels: [ch], patterns: [`${ch}.*`] }, (m) => got.push(m));
  try {
    const snap = await inspector.snapshot();
    expect(snap.pubsub.channels.find((c) => c.channel.text === ch)).toMatchObject({ subscribers: 0, inspectorTaps: 1 });
    expect(snap.pubsub.inspectorTapPatterns).toBe(1);
    const id = crypto.randomUUID();
    await broker.publish(ch, { msg_uuid: id, args: new RawJson('{"hello":"world"}') });
    await raw.publish(`${ch}.sub`, Buffer.from([0xff, 0x00, 0x41]));
    await vi.waitFor(() => expect(got).toHaveLength(2));
    const before = Date.now();
    expect(got[0]).toMatchObject({ channel: { text: ch }, msgUUID: id, args: { text: '{"hello":"world"}' } });
    expect(got[0]!.pattern).toBeUndefined();
    expect(got[0]!.receivedAt).toBeLessThanOrEqual(before);
    expect(got[1]).toMatchObject({ channel: { text: `${ch}.sub` }, pattern: `${ch}.*`, payload: { text: '\\xff\\x00A', bytes: 3 } });
    expect(got[1]!.error).toMatch(/not UTF-8/);
    expect(ops.some((o) => o.command === 'SUBSCRIBE' && o.key === ch)).toBe(true);
  } finally {
    await tap.close();
  }
  const snap = await inspector.snapshot();
  expect(snap.pubsub.channels.find((c) => c.channel.text === ch)).toBeUndefined();
});

test('every command the inspector sends is reported through onOp', async () => {
  const uri = uniq('inspect.ops');
  await call(uri, 1);
  ops.length = 0;
  await inspector.snapshot();
  const names = new Set(ops.map((o) => o.command));
  for (const c of ['SCAN', 'CLIENT LIST', 'PUBSUB CHANNELS', 'PUBSUB NUMPAT', 'LLEN', 'LINDEX', 'PTTL', 'GET']) expect(names).toContain(c);
  expect(ops.find((o) => o.command === 'SCAN')?.key).toBe('juggler:*');
  expect(ops.find((o) => o.command === 'LLEN' && o.key === callKey(uri))).toBeDefined();
  await raw.del(callKey(uri));
  expect(ops.every((o) => o.durationMs >= 0 && o.bytes >= 0)).toBe(true);
});
