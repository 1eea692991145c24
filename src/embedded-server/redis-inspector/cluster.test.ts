// The inspector on a 3-master Redis Cluster started by this test: keys are found on every master,
// callees are attributed on the node they block on, lists are peeked and messages tapped through
// the cluster.
import calculateSlot from 'cluster-key-slot';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { type RedisCluster, startRedisCluster } from '../../../test/redis-server';
import { RedisBroker } from '../broker/redis/broker';
import { callKey, resultKey } from '../broker/redis/keys';
import { Callee } from '../callee/callee';
import { RawJson } from '../message';
import { RedisInspector } from './inspector';
import type { TapMessage } from './tap';

let cluster: RedisCluster;
let url: string;
let broker: RedisBroker;
let inspector: RedisInspector;

beforeAll(async () => {
  cluster = await startRedisCluster();
  const n = cluster.nodes[0]!;
  url = `redis://${n.host}:${n.port}`;
  broker = await RedisBroker.connect({ url, cluster: true });
  inspector = await RedisInspector.connect({ url, cluster: true });
}, 60_000);
afterAll(async () => {
  await inspector?.close();
  await broker?.close();
  await cluster?.stop();
});

/** Which master holds a slot, from CLUSTER SLOTS. */
async function slotOwners(): Promise<(slot: number) => string> {
  const c = new Cluster(cluster.nodes);
  try {
    const slots = await c.cluster('SLOTS');
    return (slot) => {
      const r = slots.find(([a, b]) => slot >= a && slot <= b)!;
      return `${r[2]![0]}:${r[2]![1]}`;
    };
  } finally {
    c.disconnect();
  }
}

test('a cluster snapshot finds the keys on every master', async () => {
  const owner = await slotOwners();
  // enough URIs that every master holds some
  const uris = Array.from({ length: 12 }, (_, i) => `cluster.uri.${i}`);
  const masters = new Set(uris.map((u) => owner(calculateSlot(callKey(u)))));
  expect(masters.size).toBe(3);
  for (const uri of uris) await broker.call({ conn_uuid: 'cc', msg_uuid: crypto.randomUUID(), uri, args: new RawJson('1') }, 30_000);
  await broker.result({ conn_uuid: 'cc', msg_uuid: 'r', uri: 'x', args: new RawJson('2') }, 30_000);

  const snap = await inspector.snapshot();
  expect(snap.issues).toEqual([]);
  expect(snap.redis.cluster).toBe(true);
  expect(snap.redis.nodes).toHaveLength(3);
  expect(snap.redis.nodes.every((n) => n.complete && n.keysSeen > 0)).toBe(true);
  for (const uri of uris) {
    const u = snap.uris.find((x) => x.uri === uri);
    expect(u, uri).toMatchObject({ pending: 1, timeoutKeys: 1, noCalleeWaiting: true });
    expect(u!.callList!.oldest!.ttlMs).toBeGreaterThan(0);
  }
  expect(snap.results.find((r) => r.conn === 'cc')).toMatchObject({ pending: 1, timeoutKeys: 1 });

  const page = await inspector.peekList(callKey('cluster.uri.5'));
  expect(page).toMatchObject({ kind: 'calls', length: 1 });
  expect(page.entries[0]!.ttlMs).toBeGreaterThan(0);
  expect((await inspector.pendingCalls('cluster.uri.7')).calls).toHaveLength(1);
  expect((await inspector.peekList(resultKey('cc'))).entries[0]!.call?.args.text).toBe('2');
});

test('a callee on the cluster is attributed to its URIs, whichever node it blocks on', async () => {
  const uris = ['cluster.served.a', 'cluster.served.b', 'cluster.served.c'];
  const calleeBroker = await RedisBroker.connect({ url, cluster: true, clientName: 'callee' });
  const callee = new Callee({ broker: calleeBroker, handlers: Object.fromEntries(uris.map((u) => [u, (a: unknown) => a])) });
  callee.start();
  try {
    await vi.waitFor(
      async () => {
        const snap = await inspector.snapshot();
        for (const uri of uris)
          expect(
            snap.uris.find((x) => x.uri === uri),
            uri,
          ).toMatchObject({ calleesWaiting: 1 });
      },
      { timeout: 5000, interval: 100 },
    );
  } finally {
    await callee.stop();
    await calleeBroker.close();
  }
});

test('the tap receives publications through the cluster, and channels are counted over all nodes', async () => {
  const got: TapMessage[] = [];
  const tap = await inspector.tap({ channels: ['cluster.news'] }, (m) => got.push(m));
  const sub = new Cluster(cluster.nodes);
  try {
    await sub.subscribe('cluster.news');
    const snap = await inspector.snapshot();
    expect(snap.pubsub.channels.find((c) => c.channel.text === 'cluster.news')).toMatchObject({ subscribers: 1, inspectorTaps: 1 });
    await broker.publish('cluster.news', { msg_uuid: 'p1', args: new RawJson('"hi"') });
    await vi.waitFor(() => expect(got[0]).toMatchObject({ channel: { text: 'cluster.news' }, msgUUID: 'p1', args: { text: '"hi"' } }));
  } finally {
    sub.disconnect();
    await tap.close();
  }
});

test('a cluster node inspected as a single redis says that it sees only its own keys', async () => {
  const single = await RedisInspector.connect({ url });
  try {
    const snap = await single.snapshot();
    expect(snap.issues).toContainEqual({ section: 'cluster', message: expect.stringContaining('connect with cluster: true') });
  } finally {
    await single.close();
  }
});
