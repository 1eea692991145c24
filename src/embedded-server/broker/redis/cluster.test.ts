// Calls, results and pub-sub on a 3-master Redis Cluster started by this test, and pub-sub on a
// redis separate from the RPC one.
import calculateSlot from 'cluster-key-slot';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RedisCluster, type RedisProcess, startRedis, startRedisCluster } from '../../../../test/redis-server';
import { RawPeer, type Stack, startStack } from '../../../../test/stack';
import { callKey, callTimeoutKey, crossSlotReason, resultKey } from './keys';

describe('redis cluster', () => {
  let cluster: RedisCluster;
  let stack: Stack;
  beforeAll(async () => {
    cluster = await startRedisCluster();
    const n = cluster.nodes[0]!;
    stack = await startStack({
      redis: { url: `redis://${n.host}:${n.port}`, cluster: true },
      callee: {
        'test.echo': (a) => a,
        'cluster.a': (a) => ['a', a],
        'cluster.b': (a) => ['b', a],
        'brace}inside': (a) => ['brace', a],
      },
    });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    await cluster?.stop();
  });

  test('calls whose URI lists and results list live in different slots are answered', async () => {
    const slots = new Set(
      [callKey('cluster.a'), callKey('cluster.b'), callKey('test.echo'), resultKey(stack.server.id)].map((k) => calculateSlot(k)),
    );
    expect(slots.size).toBeGreaterThan(1);
    const p = await RawPeer.connect(stack.url);
    for (const [uri, want] of [
      ['cluster.a', ['a', 1]],
      ['cluster.b', ['b', 1]],
      ['test.echo', 1],
    ] as const) {
      const id = crypto.randomUUID();
      p.send({ meta: { type: 1, uuid: id }, payload: { uri, timeout: 3e9, args: 1 } });
      expect((await p.forType(9, id, 5000)).payload.args).toEqual(want);
    }
    p.close();
  });

  test('a URI starting with "}" gets NACK 400 naming the cause, before anything is written to redis', async () => {
    const p = await RawPeer.connect(stack.url);
    const id = crypto.randomUUID();
    p.send({ meta: { type: 1, uuid: id }, payload: { uri: '}odd', timeout: 3e9, args: 1 } });
    const nack = await p.forType(7, id, 5000);
    expect(nack.payload).toMatchObject({
      for_type: 1,
      code: 400,
      message: expect.stringMatching(/URI "}odd" cannot be used on a redis cluster: it starts with "}".*different cluster slots/),
    });
    for (const n of cluster.nodes) {
      const r = new Redis(n.port, n.host);
      try {
        expect(await r.keys('juggler:calls*}odd*')).toEqual([]);
      } finally {
        r.disconnect();
      }
    }
    // a "}" further in leaves a non-empty tag shared by both keys: served as before
    const ok = crypto.randomUUID();
    p.send({ meta: { type: 1, uuid: ok }, payload: { uri: 'brace}inside', timeout: 3e9, args: 2 } });
    expect((await p.forType(9, ok, 5000)).payload.args).toEqual(['brace', 2]);
    p.close();
  });

  test('channels are not keys: a channel starting with "}" is subscribed and published to as any other', async () => {
    // PUBLISH and SUBSCRIBE (not the sharded SPUBLISH) reach every node whatever the name's slot
    const p = await RawPeer.connect(stack.url);
    const s = crypto.randomUUID();
    p.send({ meta: { type: 3, uuid: s }, payload: { channel: '}odd', pattern: false } });
    await p.forType(8, s, 5000);
    const id = crypto.randomUUID();
    p.send({ meta: { type: 2, uuid: id }, payload: { channel: '}odd', args: 'x' } });
    await p.forType(8, id, 5000);
    expect((await p.forType(10, id, 5000)).payload).toMatchObject({ channel: '}odd', args: 'x' });
    p.close();
  });

  test('the URIs refused are exactly those whose call list and timeout key redis puts in different slots', async () => {
    // redis' own CLUSTER KEYSLOT is the reference (cluster-key-slot reads "{}" differently from redis)
    const n = cluster.nodes[0]!;
    const r = new Redis(n.port, n.host);
    try {
      const odd = [
        '}',
        '}x',
        '}}',
        '{}',
        'a}',
        'a}b',
        '{a}',
        'a{b}c',
        '}{a}',
        'x}{',
        '{',
        '{{',
        'a{}',
        '{}}',
        ' }',
        'é}',
        '}é',
        'test.echo',
      ];
      for (const uri of odd) {
        const list = await r.cluster('KEYSLOT', callKey(uri));
        const timeout = await r.cluster('KEYSLOT', callTimeoutKey(uri, crypto.randomUUID()));
        expect({ uri, refused: crossSlotReason(uri) !== undefined }).toEqual({ uri, refused: list !== timeout });
      }
    } finally {
      r.disconnect();
    }
  });

  test('pub-sub through the cluster reaches channel and pattern subscribers', async () => {
    const sub = await RawPeer.connect(stack.url);
    const pub = await RawPeer.connect(stack.url);
    const s1 = crypto.randomUUID();
    const s2 = crypto.randomUUID();
    sub.send({ meta: { type: 3, uuid: s1 }, payload: { channel: 'c.news', pattern: false } });
    sub.send({ meta: { type: 3, uuid: s2 }, payload: { channel: 'c.*', pattern: true } });
    await sub.forType(8, s1);
    await sub.forType(8, s2);
    const p = crypto.randomUUID();
    pub.send({ meta: { type: 2, uuid: p }, payload: { channel: 'c.news', args: 'hi' } });
    await pub.forType(8, p);
    const a = await sub.forType(10, p);
    const b = await sub.forType(10, p);
    expect([a.payload.pattern, b.payload.pattern].sort()).toEqual(['c.*', undefined].sort());
    sub.close();
    pub.close();
  });
});

describe('separate redis for pub-sub', () => {
  let rpc: RedisProcess;
  let ps: RedisProcess;
  let stack: Stack;
  beforeAll(async () => {
    [rpc, ps] = await Promise.all([startRedis(), startRedis()]);
    stack = await startStack({ redis: { url: rpc.url, pubsubUrl: ps.url } });
  });
  afterAll(async () => {
    await stack?.close();
    await Promise.all([rpc?.stop(), ps?.stop()]);
  });

  test('calls go through the RPC redis, events through the pub-sub redis', async () => {
    const p = await RawPeer.connect(stack.url);
    const s = crypto.randomUUID();
    p.send({ meta: { type: 3, uuid: s }, payload: { channel: 'only-here', pattern: false } });
    await p.forType(8, s);
    const onPs = new Redis(ps.url);
    const onRpc = new Redis(rpc.url);
    try {
      expect(Number((await onPs.pubsub('NUMSUB', 'only-here'))[1])).toBe(1);
      expect(Number((await onRpc.pubsub('NUMSUB', 'only-here'))[1])).toBe(0);
      const id = crypto.randomUUID();
      p.send({ meta: { type: 2, uuid: id }, payload: { channel: 'only-here', args: 1 } });
      expect((await p.forType(10, id)).payload.args).toBe(1);
      const c = crypto.randomUUID();
      p.send({ meta: { type: 1, uuid: c }, payload: { uri: 'test.echo', timeout: 2e9, args: 'rpc' } });
      expect((await p.forType(9, c)).payload.args).toBe('rpc');
    } finally {
      onPs.disconnect();
      onRpc.disconnect();
      p.close();
    }
  });
});
