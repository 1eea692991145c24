// A frozen redis (SIGSTOP): its connections stay open and nothing is answered. Requests must get
// NACK 500 within the redis command timeout (or their own call timeout, if shorter) instead of
// waiting for redis, a call NACKed that way must never run once redis runs again, and service must
// resume by itself after SIGCONT. This file owns its redis-server so that it can freeze it.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type RedisProcess, startRedis } from '../../../test/redis-server';
import { RawPeer, type Stack, startStack } from '../../../test/stack';

const COMMAND_TIMEOUT_MS = 1000;
let redis: RedisProcess;
let stack: Stack;
const ran: unknown[] = [];
beforeAll(async () => {
  redis = await startRedis();
  stack = await startStack({
    redis: { url: redis.url, reconnectMaxDelayMs: 200, commandTimeoutMs: COMMAND_TIMEOUT_MS },
    callee: {
      'freeze.echo': (a) => {
        ran.push(a);
        return a;
      },
    },
  });
});
afterAll(async () => {
  redis?.thaw();
  await stack?.close();
  await redis?.stop();
});

const call = (args: unknown, timeoutMs: number) => ({
  meta: { type: 1, uuid: crypto.randomUUID() },
  payload: { uri: 'freeze.echo', timeout: timeoutMs * 1e6, args },
});

async function echoWorks(p: RawPeer, args: unknown): Promise<boolean> {
  const c = call(args, 3000);
  p.send(c);
  const ack = await p.next((m) => m.payload?.for === c.meta.uuid && (m.meta.type === 8 || m.meta.type === 7), 4000);
  if (ack.meta.type !== 8) return false;
  const res = await p.forType(9, c.meta.uuid, 4000);
  return res.payload.args === args;
}

test('frozen redis: NACK 500 within the command timeout; NACKed calls never run after SIGCONT; service resumes', async () => {
  const p = await RawPeer.connect(stack.url);
  expect(await echoWorks(p, 'before')).toBe(true);

  redis.freeze();
  const frozenAt = performance.now();
  const short = call('short-timeout', 300);
  const long = call('long-timeout', 30_000);
  const pub = { meta: { type: 2, uuid: crypto.randomUUID() }, payload: { channel: 'frozen', args: 1 } };
  p.send(short);
  p.send(long);
  p.send(pub);

  // the short call's own timeout passes first: it is deleted behind its push; the NACK comes at the command timeout
  const nackShort = await p.forType(7, short.meta.uuid, 15_000);
  const shortMs = performance.now() - frozenAt;
  const timeoutNack = {
    for_type: 1,
    code: 500,
    message: expect.stringMatching(new RegExp(`redis did not answer within ${COMMAND_TIMEOUT_MS} ms.*--redis-timeout`)),
  };
  expect(nackShort.payload).toMatchObject(timeoutNack);
  // requests of one connection are processed in order: the long call's push starts after the short one's NACK
  const nackLong = await p.forType(7, long.meta.uuid, 15_000);
  const longMs = performance.now() - frozenAt;
  expect(nackLong.payload).toMatchObject(timeoutNack);
  const nackPub = await p.forType(7, pub.meta.uuid, 15_000);
  expect(nackPub.payload).toMatchObject({ for_type: 2, code: 500, message: expect.stringMatching(/did not answer/) });
  // redis is still frozen (thawed only below): the NACKs came from the timeouts, not from redis
  console.log(
    `frozen redis: NACK 500 after ${shortMs.toFixed(0)} ms and ${longMs.toFixed(0)} ms (command timeout ${COMMAND_TIMEOUT_MS} ms, requests of one connection in turn)`,
  );

  redis.thaw();

  // service resumes by itself; the calls pushed before this one were popped before it
  const back = performance.now();
  let recovered = false;
  while (!recovered && performance.now() - back < 10_000) {
    recovered = await echoWorks(p, `after-${crypto.randomUUID()}`).catch(() => false);
    if (!recovered) await new Promise((r) => setTimeout(r, 100));
  }
  expect(recovered).toBe(true);
  expect(ran).not.toContain('short-timeout');
  expect(ran).not.toContain('long-timeout');
  expect(stack.calleeBroker!.metrics.ExpiredCalls).toBeGreaterThanOrEqual(2);
  expect(p.ws.readyState).toBe(p.ws.OPEN);
  p.close();
}, 60_000);

test('without a command timeout, a call whose push redis runs after the call timeout is ACKed but never run', async () => {
  const patient = await startStack({
    redis: { url: redis.url, reconnectMaxDelayMs: 200, commandTimeoutMs: 0 },
    callee: false,
  });
  try {
    const p = await RawPeer.connect(patient.url);
    redis.freeze();
    const late = call('late', 300);
    p.send(late);
    await new Promise((r) => setTimeout(r, 1500));
    redis.thaw();
    // the push runs now, 1.5 s late, with its full TTL; the DEL sent at its deadline runs right behind it
    expect((await p.forType(8, late.meta.uuid, 5000)).meta.type).toBe(8);
    expect(await echoWorks(p, 'after-late')).toBe(true);
    expect(ran).not.toContain('late');
    p.close();
  } finally {
    redis.thaw();
    await patient.close();
  }
}, 30_000);
