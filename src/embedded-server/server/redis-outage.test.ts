// A redis outage: requests get NACKs with a clear reason while redis is down, and service resumes by
// itself once it is back. This file owns its redis-server so that it can stop and restart it.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RedisProcess, startRedis } from '../../../test/redis-server';
import { RawPeer, type Stack, startStack, type WireFrame } from '../../../test/stack';

let redis: RedisProcess;
let stack: Stack;
beforeAll(async () => {
  redis = await startRedis();
  stack = await startStack({ redis: { url: redis.url, reconnectMaxDelayMs: 200 } });
});
afterAll(async () => {
  await stack?.close();
  await redis?.stop();
});

const call = (uri: string, args: unknown) => ({ meta: { type: 1, uuid: crypto.randomUUID() }, payload: { uri, timeout: 3e9, args } });

async function echoWorks(p: RawPeer): Promise<boolean> {
  const c = call('test.echo', 'ping');
  p.send(c);
  const r = await p.next((m) => m.payload?.for === c.meta.uuid && (m.meta.type === 9 || m.meta.type === 7), 4000);
  return r.meta.type === 9;
}

test('redis down: CALL, PUB and SUB are NACKed with a reason; back up: service resumes by itself', async () => {
  const p = await RawPeer.connect(stack.url);
  const sub = crypto.randomUUID();
  p.send({ meta: { type: 3, uuid: sub }, payload: { channel: 'weather', pattern: false } });
  await p.forType(8, sub);
  expect(await echoWorks(p)).toBe(true);

  await redis.stop(true);
  await new Promise((r) => setTimeout(r, 100));

  const c = call('test.echo', 'lost?');
  p.send(c);
  const nack = await p.forType(7, c.meta.uuid);
  expect(nack.payload).toMatchObject({ for_type: 1, uri: 'test.echo', code: 500, message: expect.stringMatching(/redis unavailable/) });
  const pub = crypto.randomUUID();
  p.send({ meta: { type: 2, uuid: pub }, payload: { channel: 'weather', args: 1 } });
  expect((await p.forType(7, pub)).payload).toMatchObject({ for_type: 2, code: 500 });
  const sub2 = crypto.randomUUID();
  p.send({ meta: { type: 3, uuid: sub2 }, payload: { channel: 'other', pattern: false } });
  expect((await p.forType(7, sub2)).payload).toMatchObject({ for_type: 3, code: 500 });

  await redis.start();
  const back = performance.now();
  let recovered = false;
  while (performance.now() - back < 15_000) {
    if (await echoWorks(p).catch(() => false)) {
      recovered = true;
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  // by itself, with no reconnect by the client (about 1 s on a quiet machine: ioredis' retry backoff;
  // how long is the machine's, so only that it resumes is pinned here)
  expect(recovered).toBe(true);

  // the subscription made before the outage is restored by the subscriber connection
  const pub2 = crypto.randomUUID();
  const deadline = performance.now() + 2000;
  let ev: WireFrame | undefined;
  while (!ev && performance.now() < deadline) {
    const id = crypto.randomUUID();
    p.send({ meta: { type: 2, uuid: id }, payload: { channel: 'weather', args: 2 } });
    ev = await p.forType(10, id, 300).catch(() => undefined);
  }
  expect(ev?.payload).toMatchObject({ channel: 'weather', args: 2 });
  expect(pub2).toBeTruthy();
  // the connection stayed open through the outage
  expect(p.ws.readyState).toBe(p.ws.OPEN);
  p.close();
});
