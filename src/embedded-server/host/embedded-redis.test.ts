import { existsSync } from 'node:fs';
import Redis from 'ioredis';
import { expect, test } from 'vitest';
import { findRedisServer, launchRedisServer, startEmbeddedRedis } from './embedded-redis';

test('an embedded redis starts on a free loopback port, pauses, resumes and stops', async () => {
  const r = await startEmbeddedRedis();
  const c = new Redis(r.url, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 1 });
  c.on('error', () => undefined);
  try {
    expect(r.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(r.url).not.toContain(':6379');
    await c.connect();
    expect(await c.ping()).toBe('PONG');
    await r.pause();
    expect(r.running).toBe(false);
    await expect(c.ping()).rejects.toThrow();
    await r.resume();
    await new Promise((res) => setTimeout(res, 200));
    expect(await c.ping()).toBe('PONG');
  } finally {
    c.disconnect();
    await r.stop();
  }
  expect(r.running).toBe(false);
});

test('without a redis-server binary the error says how to install one or what to pass instead', async () => {
  expect(findRedisServer({ PATH: '/nonexistent' })).toBeUndefined();
  await expect(startEmbeddedRedis({ bin: '/nonexistent/redis-server' })).rejects.toThrow(
    /apt-get install -y redis-server.*--redis redis:\/\//,
  );
});

test('the launcher kills and starts again on the same port, and dispose removes its directory', async () => {
  const r = await launchRedisServer({ extraArgs: ['--maxclients', '100'] });
  const c = new Redis(r.url, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 1 });
  c.on('error', () => undefined);
  try {
    expect(existsSync(r.dir)).toBe(true);
    await c.connect();
    expect(await c.config('GET', 'maxclients')).toEqual(['maxclients', '100']);
    await r.kill(true);
    expect(r.running).toBe(false);
    await r.start();
    await new Promise((res) => setTimeout(res, 200));
    expect(await c.ping()).toBe('PONG');
  } finally {
    c.disconnect();
    await r.dispose();
  }
  expect(r.running).toBe(false);
  expect(existsSync(r.dir)).toBe(false);
});
