// Attaching a redis the Studio did not start (issue 12, item 1): the inspector shows it, the Studio's
// own stack stays on its own redis, the faults that would write to it are refused, and callees serve it
// only after the switch with confirm.
import Redis from 'ioredis';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { type Harness, startHarness } from '../../../test/bridge-harness';
import { type RedisProcess, startRedis } from '../../../test/redis-server';
import { RawPeer, type Stack, startStack } from '../../../test/stack';

let h: Harness;
let foreign: RedisProcess;
let raw: Redis;
let system: Stack;
beforeAll(async () => {
  foreign = await startRedis();
  raw = new Redis(foreign.url);
  // the "user's system": a server on the foreign redis with no callee of its own
  system = await startStack({ redis: { url: foreign.url }, callee: false });
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
  await system?.close();
  raw?.disconnect();
  await foreign?.stop();
});

/** A call through the foreign system's server; resolves with its RES, or undefined when none comes in `ms`. */
async function callForeign(args: unknown, ms: number): Promise<unknown> {
  const peer = await RawPeer.connect(system.url);
  try {
    const id = crypto.randomUUID();
    peer.send({ meta: { type: 1, uuid: id }, payload: { uri: 'test.echo', timeout: ms * 1e6, args } });
    const res = await peer.forType(9, id, ms + 500).catch(() => undefined);
    return res?.payload.args;
  } finally {
    peer.ws.close();
  }
}

test('an attached redis is shown by the inspector and the status, and the Studio keeps serving on its own redis', async () => {
  await raw.lpush('juggler:calls:{app.only.there}', JSON.stringify({ conn_uuid: 'c', msg_uuid: 'm', uri: 'app.only.there', args: 1 }));
  const changes: unknown[] = [];
  const off = h.bridge.on('attach.changed', (s) => changes.push(s));
  const s = await h.bridge.call('attach.redis', { url: foreign.url });
  expect(s.redis).toMatchObject({ url: foreign.url, cluster: false, servingCallees: false });
  expect(s.own.embedded).toBe(true);
  await vi.waitFor(() => expect(changes).toHaveLength(1));
  expect((await h.bridge.call('host.status')).attached).toMatchObject({ url: foreign.url, servingCallees: false });

  const snap = await h.bridge.call('redis.snapshot');
  expect(snap.uris.map((u) => u.uri)).toContain('app.only.there');

  // the Studio's own server and demo callee still work, on the Studio's own redis
  const { clientId } = await h.bridge.call('clients.connect', { name: 'attached-own' });
  const r = await h.bridge.call('clients.call', { clientId, uri: 'test.echo', args: 'own', timeoutMs: 5000 });
  expect(r).toMatchObject({ ok: true, result: 'own' });
  await h.bridge.call('clients.disconnect', { clientId });

  const d = await h.bridge.call('attach.detach');
  expect(d.redis).toBeNull();
  expect((await h.bridge.call('host.status')).attached).toBeUndefined();
  expect((await h.bridge.call('redis.snapshot')).uris.map((u) => u.uri)).not.toContain('app.only.there');
  off();
  await raw.del('juggler:calls:{app.only.there}');
});

test('on an attached redis the faults that write are refused with READ_ONLY, and allowed again after detaching', async () => {
  await h.bridge.call('attach.redis', { url: foreign.url });
  try {
    await expect(h.bridge.call('fault.expireCall', { uri: 'test.echo', msgUUID: crypto.randomUUID() })).rejects.toMatchObject({
      code: 'READ_ONLY',
      message: expect.stringMatching(/only watches it/),
    });
    await expect(h.bridge.call('fault.redis', { action: 'pause' })).rejects.toMatchObject({ code: 'READ_ONLY' });
  } finally {
    await h.bridge.call('attach.detach');
  }
  expect(await h.bridge.call('fault.expireCall', { uri: 'test.echo', msgUUID: crypto.randomUUID() })).toEqual({ expired: false });
});

test('redis.target to another redis attaches it, to the own one or null detaches, and an unreachable one changes nothing', async () => {
  const t = await h.bridge.call('redis.target', { url: foreign.url });
  expect(t.url).toBe(foreign.url);
  expect((await h.bridge.call('attach.status')).redis?.url).toBe(foreign.url);
  const info = await h.bridge.call('host.info');
  await h.bridge.call('redis.target', { url: info.redis.url });
  expect((await h.bridge.call('attach.status')).redis).toBeNull();

  await expect(h.bridge.call('attach.redis', { url: 'redis://127.0.0.1:1' })).rejects.toMatchObject({ code: 'FAILED' });
  expect((await h.bridge.call('attach.status')).redis).toBeNull();
  // the inspector still reads the own redis
  await expect(h.bridge.call('redis.snapshot')).resolves.toMatchObject({ redis: { url: info.redis.url } });
  await expect(h.bridge.call('attach.redis', {} as never)).rejects.toMatchObject({ code: 'BAD_PARAMS' });
  await expect(h.bridge.call('attach.redis', { url: 'not a redis url' })).rejects.toMatchObject({ code: 'FAILED' });
  expect((await h.bridge.call('attach.status')).redis).toBeNull();
});

test("the Studio's callees take an attached system's calls only after the switch with confirm, and stop when switched off", async () => {
  await h.bridge.call('attach.redis', { url: foreign.url });
  try {
    // attached, watching only: nobody serves test.echo there
    expect(await callForeign('unserved', 800)).toBeUndefined();

    await expect(h.bridge.call('callees.serveOnAttached', { on: true })).rejects.toMatchObject({
      code: 'CONFIRM_REQUIRED',
      message: expect.stringMatching(/take that system's calls/),
    });
    const on = await h.bridge.call('callees.serveOnAttached', { on: true, confirm: true });
    expect(on.redis?.servingCallees).toBe(true);
    expect((await h.bridge.call('host.status')).attached?.servingCallees).toBe(true);
    expect(await callForeign('served', 5000)).toBe('served');
    // choosing the attached redis again (the Redis view's selector) leaves them serving
    expect((await h.bridge.call('attach.redis', { url: foreign.url })).redis?.servingCallees).toBe(true);

    const off = await h.bridge.call('callees.serveOnAttached', { on: false });
    expect(off.redis?.servingCallees).toBe(false);
    expect(await callForeign('unserved again', 800)).toBeUndefined();
  } finally {
    await h.bridge.call('attach.detach');
    await raw.del('juggler:calls:{test.echo}');
  }
  await expect(h.bridge.call('callees.serveOnAttached', { on: true, confirm: true })).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
});
