import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { expect, inject, test } from 'vitest';
import { StudioHost } from './studio-host';
import { startStudioStack } from './studio-stack';

const redisUrl = inject('redisUrl');

async function studioClients(raw: Redis): Promise<string[]> {
  const list = (await raw.client('LIST')) as string;
  return [...list.matchAll(/ name=(studio-\S+)/g)].map((m) => m[1]!);
}

test('a part that fails to start stops those started before it: no broker connection is left', async () => {
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  const port = (busy.address() as { port: number }).port;
  const raw = new Redis(redisUrl);
  try {
    const before = await studioClients(raw);
    await expect(
      startStudioStack({ studioRedisUrl: redisUrl, serverPort: port, dataDir: mkdtempSync(join(tmpdir(), 'studio-stack-')) }),
    ).rejects.toThrow(/EADDRINUSE/);
    expect(await studioClients(raw)).toEqual(before);
  } finally {
    raw.disconnect();
    busy.close();
  }
});

test("the host is built from a stack and hears what its parts report through the stack's events", async () => {
  const stack = await startStudioStack({ studioRedisUrl: redisUrl, dataDir: mkdtempSync(join(tmpdir(), 'studio-stack-')) });
  const host = new StudioHost({ studioRedisUrl: redisUrl }, stack);
  try {
    expect(host.server).toBe(stack.server);
    expect(host.status().redis.up).toBe(true);
    stack.events.raise('health', false, 'connection refused');
    expect(host.status().redis).toMatchObject({ up: false, lastError: 'connection refused' });
    host.calleeDelayMs = 25;
    expect(stack.faults.calleeDelayMs).toBe(25);
  } finally {
    await host.close();
  }
});
