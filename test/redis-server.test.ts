import Redis from 'ioredis';
import { expect, inject, test } from 'vitest';

test('the shared test redis answers and is not the session redis on 6379', async () => {
  const url = inject('redisUrl');
  expect(url).not.toContain(':6379');
  const r = new Redis(url);
  try {
    expect(await r.ping()).toBe('PONG');
  } finally {
    r.disconnect();
  }
});
