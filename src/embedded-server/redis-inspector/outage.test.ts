// Redis down: the inspector says so at once, with the URL but never its password, and works again
// once redis is back.
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { freePort, type RedisProcess, startRedis } from '../../../test/redis-server';
import { InspectorError } from './errors';
import { RedisInspector } from './inspector';

let redis: RedisProcess;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

test('connecting to a redis that is not there fails with UNAVAILABLE, the password redacted', async () => {
  const port = await freePort();
  const t0 = performance.now();
  const err = await RedisInspector.connect({ url: `redis://:s3cret@127.0.0.1:${port}`, connectTimeoutMs: 2000 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InspectorError);
  expect((err as InspectorError).code).toBe('UNAVAILABLE');
  expect((err as Error).message).toContain(`redis://:***@127.0.0.1:${port}`);
  expect((err as Error).message).not.toContain('s3cret');
  expect(performance.now() - t0).toBeLessThan(2500);
});

test('a snapshot while redis is down fails at once with UNAVAILABLE; after the restart it works again', async () => {
  const inspector = await RedisInspector.connect({ url: redis.url, reconnectMaxDelayMs: 100 });
  try {
    expect((await inspector.snapshot()).issues).toEqual([]);
    await redis.stop();
    const t0 = performance.now();
    await expect(inspector.snapshot()).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining(redis.url) });
    await expect(inspector.peekList('juggler:calls:{x}')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(performance.now() - t0).toBeLessThan(1000);
    await redis.start();
    await vi.waitFor(async () => expect((await inspector.snapshot()).issues).toEqual([]), { timeout: 5000, interval: 100 });
  } finally {
    await inspector.close();
  }
});

test('a closed inspector says CLOSED', async () => {
  const inspector = await RedisInspector.connect({ url: redis.url });
  await inspector.close();
  await expect(inspector.snapshot()).rejects.toMatchObject({ code: 'CLOSED' });
});

test('a redis that stops answering gives TIMEOUT after commandTimeoutMs instead of hanging', async () => {
  // answers the connection setup (CLIENT SETNAME/SETINFO, INFO), then nothing: a redis stuck or paused
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    let infoDone = false;
    s.on('data', (d) => {
      for (const cmd of d
        .toString()
        .split(/\*\d+\r\n/)
        .slice(1)) {
        if (infoDone) return;
        if (/^\$4\r\ninfo\r\n/i.test(cmd)) {
          infoDone = true;
          const body = '# Server\r\nloading:0\r\n';
          s.write(`$${body.length}\r\n${body}\r\n`);
        } else s.write('+OK\r\n');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const inspector = await RedisInspector.connect({ url: `redis://127.0.0.1:${port}`, commandTimeoutMs: 300 });
  try {
    const t0 = performance.now();
    await expect(inspector.snapshot()).rejects.toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining('commandTimeoutMs') });
    expect(performance.now() - t0).toBeLessThan(2000);
  } finally {
    await inspector.close().catch(() => undefined);
    for (const s of sockets) s.destroy();
    server.close();
  }
});
