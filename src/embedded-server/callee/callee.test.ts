// The callee runtime against a real redis: invoke and store, expired calls, errors, concurrency.
import Redis from 'ioredis';
import { afterAll, beforeAll, expect, inject, test, vi } from 'vitest';
import { RedisBroker } from '../broker/redis/broker';
import { resultKey, resultTimeoutKey } from '../broker/redis/keys';
import { RawJson } from '../message';
import { Callee, errorResult, type Invocation } from './callee';

const url = inject('redisUrl');
let broker: RedisBroker;
let raw: Redis;
beforeAll(async () => {
  broker = await RedisBroker.connect({ url });
  raw = new Redis(url);
});
afterAll(async () => {
  await broker.close();
  raw.disconnect();
});

const uniq = (p: string) => `${p}.${crypto.randomUUID().slice(0, 8)}`;

async function push(uri: string, args: unknown, ttlMs = 2000) {
  const cp = { conn_uuid: crypto.randomUUID(), msg_uuid: crypto.randomUUID(), uri, args: new RawJson(JSON.stringify(args)) };
  await broker.call(cp, ttlMs);
  return cp;
}

async function popResult(conn: string, timeoutS = 3): Promise<{ payload: Record<string, unknown>; ttl: number } | undefined> {
  const r = await raw.brpop(resultKey(conn), timeoutS);
  if (!r) return undefined;
  const payload = JSON.parse(r[1]);
  return { payload, ttl: await raw.pttl(resultTimeoutKey(conn, payload.msg_uuid)) };
}

test('a call is invoked with its args and its result stored with the time the call had left', async () => {
  const uri = uniq('add');
  const seen: Invocation[] = [];
  const add = (args: unknown) => (args as number[]).reduce((x, y) => x + y, 0);
  const callee = new Callee({ broker, handlers: { [uri]: add }, onInvocation: (i) => seen.push(i) });
  callee.start();
  const cp = await push(uri, [2, 40], 1500);
  const r = await popResult(cp.conn_uuid);
  expect(r?.payload).toEqual({ conn_uuid: cp.conn_uuid, msg_uuid: cp.msg_uuid, uri, args: 42 });
  expect(r!.ttl).toBeGreaterThan(1000);
  expect(r!.ttl).toBeLessThanOrEqual(1500);
  // the callee learns that its result was stored a moment after the reader popped it
  await vi.waitFor(() => expect(seen[0]).toMatchObject({ uri, outcome: 'ok' }));
  expect(callee.uriMetrics.get(uri)).toEqual({ Requests: 1, Succeeded: 1, Failed: 0, Expired: 0 });
  await callee.stop();
});

test('a thrown error becomes {"error":{"message"}}; an error with toJSON keeps its own form', async () => {
  const uri = uniq('fail');
  class Coded extends Error {
    toJSON() {
      return { error: { message: this.message, code: 42 } };
    }
  }
  const callee = new Callee({
    broker,
    handlers: {
      [uri]: (a) => {
        if (a === 'coded') throw new Coded('custom');
        throw new Error('boom');
      },
    },
  });
  callee.start();
  const a = await push(uri, 'plain');
  expect((await popResult(a.conn_uuid))?.payload.args).toEqual({ error: { message: 'boom' } });
  const b = await push(uri, 'coded');
  expect((await popResult(b.conn_uuid))?.payload.args).toEqual({ error: { message: 'custom', code: 42 } });
  await vi.waitFor(() => expect(callee.metrics.Failed).toBe(2));
  await callee.stop();
  expect(errorResult('text')).toEqual({ error: { message: 'text' } });
});

test('a call that expired in redis is not run, and counted', async () => {
  const uri = uniq('late');
  let runs = 0;
  const cp = await push(uri, 1, 10);
  await new Promise((r) => setTimeout(r, 50));
  const callee = new Callee({ broker, handlers: { [uri]: () => runs++ } });
  callee.start();
  await new Promise((r) => setTimeout(r, 200));
  expect(runs).toBe(0);
  await vi.waitFor(() => expect(callee.metrics.Expired).toBe(1));
  expect(await raw.llen(resultKey(cp.conn_uuid))).toBe(0);
  await callee.stop();
});

test('a function slower than the call TTL is aborted and its result is not stored', async () => {
  const uri = uniq('slow');
  let aborted = false;
  const callee = new Callee({
    broker,
    handlers: {
      [uri]: (_a, ctx) =>
        new Promise((resolve) => {
          ctx.signal.addEventListener('abort', () => {
            aborted = true;
            resolve('too late');
          });
        }),
    },
  });
  callee.start();
  const cp = await push(uri, 1, 100);
  await new Promise((r) => setTimeout(r, 300));
  expect(aborted).toBe(true);
  await vi.waitFor(() => expect(callee.metrics.Expired).toBe(1));
  expect(await raw.llen(resultKey(cp.conn_uuid))).toBe(0);
  await callee.stop();
});

test('no more calls run at once than there are workers; the rest wait in redis', async () => {
  const uri = uniq('busy');
  let running = 0;
  let peak = 0;
  const callee = new Callee({
    broker,
    workers: 3,
    handlers: {
      [uri]: async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 50));
        running--;
        return 'done';
      },
    },
  });
  callee.start();
  const cps = await Promise.all(Array.from({ length: 12 }, () => push(uri, 1, 5000)));
  const results = await Promise.all(cps.map((cp) => popResult(cp.conn_uuid, 5)));
  expect(results.every((r) => r?.payload.args === 'done')).toBe(true);
  expect(peak).toBe(3);
  await callee.stop();
});

test('stop() waits for running calls to store their results', async () => {
  const uri = uniq('finish');
  const callee = new Callee({ broker, handlers: { [uri]: () => new Promise((r) => setTimeout(() => r('finished'), 150)) } });
  callee.start();
  const cp = await push(uri, 1);
  await new Promise((r) => setTimeout(r, 50));
  await callee.stop();
  expect((await popResult(cp.conn_uuid, 1))?.payload.args).toBe('finished');
});
