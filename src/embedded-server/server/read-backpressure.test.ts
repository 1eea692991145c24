// Read backpressure: a client that pipelines requests faster than they are answered gets its socket
// paused once its unanswered requests pass the read-queue limit, so the flood waits in TCP buffers
// (its own cost) instead of the server's heap, and other clients keep being served.
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { RawWebSocket } from '../../../test/raw-ws';
import { type Stack, startStack } from '../../../test/stack';
import type { JugglerClient } from '../client/client';
import { connect } from '../client/node';
import type { Connection } from './connection';

const LIMIT = 64;
const FLOOD = 20_000;
const redisUrl = inject('redisUrl');
let stack: Stack;
let control: JugglerClient;

beforeAll(async () => {
  stack = await startStack({ redis: { url: redisUrl }, server: { readQueueLimit: LIMIT } });
  control = await connect(stack.url, { callTimeoutMs: 20_000 });
});
afterAll(async () => {
  await control?.close();
  await stack?.close();
});

/** `n` PUB frames of about 1 KB, masked as a client sends them, in one buffer. */
function pubFlood(n: number, channel: string): { bytes: Buffer; uuids: string[] } {
  const uuids: string[] = [];
  const frames: string[] = [];
  const filler = 'x'.repeat(1000);
  for (let i = 0; i < n; i++) {
    const id = crypto.randomUUID();
    uuids.push(id);
    frames.push(JSON.stringify({ meta: { type: 2, uuid: id }, payload: { channel, args: filler } }));
  }
  // one frame each: a 2-byte header + 2-byte extended length + 4-byte mask (all zero: payload unchanged)
  const bytes = Buffer.concat(
    frames.map((f) => {
      const p = Buffer.from(f);
      const head = Buffer.from([0x81, 0x80 | 126, p.length >> 8, p.length & 0xff, 0, 0, 0, 0]);
      return Buffer.concat([head, p]);
    }),
  );
  return { bytes, uuids };
}

test('a pipelining flood pauses that connection at the read-queue limit; others are served; every request is answered in order', async () => {
  const port = Number(new URL(stack.url).port);
  const before = new Set(stack.server.connections);
  const flooder = await RawWebSocket.open(port, '/ws', { 'Sec-WebSocket-Protocol': 'juggler.0' });
  let conn: Connection | undefined;
  while (!conn) {
    conn = [...stack.server.connections].find((c) => !before.has(c));
    if (!conn) await new Promise((r) => setTimeout(r, 10));
  }
  const pauses0 = stack.server.metrics.ReadPauses;

  const { bytes, uuids } = pubFlood(FLOOD, `flood.${crypto.randomUUID()}`);
  flooder.write(bytes);

  // while the flood is being worked through, another client's calls are answered
  let served = 0;
  while (flooder.messages.length < FLOOD / 2) {
    expect(await control.call('test.echo', served)).toBe(served);
    served++;
  }
  expect(served).toBeGreaterThan(0);

  expect(await flooder.waitUntil(() => flooder.messages.length >= FLOOD, 120_000)).toBe(true);
  const acks = flooder.messages.map((m) => JSON.parse(m) as { meta: { type: number }; payload: { for: string } });
  expect(acks.every((m) => m.meta.type === 8)).toBe(true);
  expect(acks.map((m) => m.payload.for)).toEqual(uuids);

  expect(stack.server.metrics.ReadPauses).toBeGreaterThan(pauses0);
  // the limit, plus the frames of the TCP chunk being parsed when the socket was paused (≤ 64 KiB of 1 KB frames)
  expect(conn.queuedPeak).toBeGreaterThanOrEqual(LIMIT);
  expect(conn.queuedPeak).toBeLessThan(LIMIT + 200);
  expect(conn.queued).toBe(0);
  expect(conn.readPaused).toBe(false);
  flooder.destroy();
}, 180_000);
