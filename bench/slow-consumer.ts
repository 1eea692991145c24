// Memory per slow consumer: websocket clients that subscribe and then stop reading, while a publisher
// floods their channel. Each connection's write queue is bounded (writeQueueLimit, default 8 MiB): past
// it the server closes that connection, so memory stays bounded and returns when they are gone.
//   npx tsx bench/slow-consumer.ts [--consumers 20] [--mb 32]
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import WebSocket from 'ws';
import { RedisBroker } from '../src/embedded-server/broker/redis/broker';
import { startEmbeddedRedis } from '../src/embedded-server/host/embedded-redis';
import { JugglerServer } from '../src/embedded-server/server/server';
import { summarise } from './summary';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : Number(def);
};
const consumers = arg('consumers', '20');
const floodMb = arg('mb', '32');

const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
function mem(): { heap: number; rss: number; external: number } {
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss, external: m.external + m.arrayBuffers };
}

async function main(): Promise<void> {
  const redis = await startEmbeddedRedis();
  const broker = await RedisBroker.connect({ url: redis.url });
  const server = new JugglerServer({ broker });
  const url = await server.listen({ port: 0 });
  const open = (): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(url, ['juggler.0']);
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  const frame = (type: number, payload: object) => JSON.stringify({ meta: { type, uuid: crypto.randomUUID() }, payload });
  try {
    const base = mem();
    const slow: WebSocket[] = [];
    for (let i = 0; i < consumers; i++) {
      const ws = await open();
      ws.send(frame(3, { channel: 'flood', pattern: false }));
      await new Promise((r) => ws.once('message', r)); // the ACK
      (ws as unknown as { _socket: { pause(): void } })._socket.pause();
      slow.push(ws);
    }
    const publisher = await open();
    const chunk = 'x'.repeat(64 * 1024);
    const count = Math.ceil((floodMb * 1048576) / chunk.length);
    let peak = mem();
    for (let i = 0; i < count; i++) {
      publisher.send(frame(2, { channel: 'flood', args: chunk }));
      if (i % 16 === 0) {
        await new Promise((r) => setTimeout(r, 5));
        const m = process.memoryUsage();
        if (m.rss > peak.rss) peak = { heap: m.heapUsed, rss: m.rss, external: m.external + m.arrayBuffers };
      }
    }
    // wait until the server has handled the whole flood (its write counter stops moving)
    for (let last = -1; last !== server.metrics.MsgsWrite; ) {
      last = server.metrics.MsgsWrite;
      await new Promise((r) => setTimeout(r, 1000));
      const m = process.memoryUsage();
      if (m.rss > peak.rss) peak = { heap: m.heapUsed, rss: m.rss, external: m.external + m.arrayBuffers };
    }
    const closed = consumers - ([...server.connections].length - 1);
    const during = mem();
    for (const ws of slow) ws.terminate();
    publisher.close();
    await new Promise((r) => setTimeout(r, 500));
    const after = mem();
    console.log(`\nSlow consumers: ${consumers} subscribers stop reading, ${floodMb} MiB published to them (64 KiB events)`);
    console.log(
      `closed by the server for a full write queue: ${closed} of ${consumers} (limit ${mib(server.options.writeQueueLimit)} each)`,
    );
    console.log('               heap       rss        external+buffers');
    for (const [label, m] of [
      ['baseline', base],
      ['peak', peak],
      ['after flood', during],
      ['after close', after],
    ] as const) {
      console.log(`${label.padEnd(13)}  ${mib(m.heap).padEnd(9)}  ${mib(m.rss).padEnd(9)}  ${mib(m.external)}`);
    }
    console.log(`peak growth per slow consumer: ${mib((peak.rss - base.rss) / consumers)} rss`);
    console.log(`reproduce: npx tsx bench/slow-consumer.ts --consumers ${consumers} --mb ${floodMb}`);
    summarise('slow-consumer', [
      {
        name: `slow consumers closed for a full write queue`,
        value: `${closed} of ${consumers}`,
        target: 'all',
        met: closed === consumers,
      },
      { name: 'peak rss growth per slow consumer', value: mib((peak.rss - base.rss) / consumers) },
      // rss stays high after a flood (the allocator keeps its pages); the heap says whether memory was let go
      { name: 'heap after they are closed / at baseline', value: `${mib(after.heap)} / ${mib(base.heap)}` },
    ]);
  } finally {
    await server.close();
    await broker.close();
    await redis.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
