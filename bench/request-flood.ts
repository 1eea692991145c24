// A request flood: one client pipelines PUBs of 1 KB as fast as TCP takes them, while another makes
// calls one after the other. The server stops reading the flooder's socket while it has more than
// readQueueLimit (default 256) unanswered requests, so the flood waits in TCP buffers, not in the heap,
// and the other client keeps its latency. --unbounded lifts the limit to show the heap without it.
//   npx tsx bench/request-flood.ts [--pubs 100000] [--unbounded]
import { connect as netConnect, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RedisBroker } from '../src/embedded-server/broker/redis/broker';
import { Callee } from '../src/embedded-server/callee/callee';
import { connect } from '../src/embedded-server/client/node';
import { startEmbeddedRedis } from '../src/embedded-server/host/embedded-redis';
import { JugglerServer } from '../src/embedded-server/server/server';
import { LatencyHistogram } from './latency-histogram';
import { fmt, summarise } from './summary';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const argNum = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
};
const pubs = argNum('pubs', 100_000);
const unbounded = process.argv.includes('--unbounded');
const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
const heldHeap = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

/** A bare websocket client that writes pre-masked frames under TCP backpressure and only counts what comes back. */
async function openFlooder(url: string): Promise<{ socket: Socket; received: () => number }> {
  const u = new URL(url);
  const socket = netConnect(Number(u.port), u.hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(
    `GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64')}\r\n` +
      'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: juggler.0\r\n\r\n',
  );
  let buf: Buffer = Buffer.alloc(0);
  let upgraded = false;
  let frames = 0;
  socket.on('data', (b: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, b]) : b;
    if (!upgraded) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      upgraded = true;
      buf = buf.subarray(end + 4);
    }
    // server frames are unmasked; ACKs are small, so 7-bit and 16-bit lengths are all there is
    for (;;) {
      if (buf.length < 2) break;
      let len = buf[1]! & 0x7f;
      let off = 2;
      if (len === 126) {
        if (buf.length < 4) break;
        len = buf.readUInt16BE(2);
        off = 4;
      }
      if (buf.length < off + len) break;
      buf = buf.subarray(off + len);
      frames++;
    }
  });
  return { socket, received: () => frames };
}

/** `n` PUB frames of about 1 KB, masked with a zero key (payload unchanged), in one buffer. */
function pubFrames(n: number): Buffer {
  const filler = 'x'.repeat(1000);
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const p = Buffer.from(JSON.stringify({ meta: { type: 2, uuid: crypto.randomUUID() }, payload: { channel: 'flood', args: filler } }));
    out.push(Buffer.from([0x81, 0x80 | 126, p.length >> 8, p.length & 0xff, 0, 0, 0, 0]), p);
  }
  return Buffer.concat(out);
}

async function main(): Promise<void> {
  const redis = await startEmbeddedRedis();
  const broker = await RedisBroker.connect({ url: redis.url });
  const server = new JugglerServer({ broker, options: unbounded ? { readQueueLimit: 1e12, readQueueBytes: 1e15 } : {} });
  const url = await server.listen({ port: 0 });
  const calleeBroker = await RedisBroker.connect({ url: redis.url });
  const callee = new Callee({ broker: calleeBroker, handlers: { 'bench.echo': (a) => a }, workers: 4 });
  callee.start();
  const other = await connect(url, { callTimeoutMs: 120_000 });
  try {
    // the other client alone, for its latency without a flood
    const quiet = new LatencyHistogram();
    for (let i = 0; i < 300; i++) {
      const t = performance.now();
      await other.call('bench.echo', i);
      quiet.add(performance.now() - t);
    }
    const base = heldHeap();
    const flooder = await openFlooder(url);
    let peakHeld = base;
    let peakQueued = 0;
    const during = new LatencyHistogram();
    let writing = true;
    const t0 = performance.now();
    // the flood, written in slices as the socket drains (the flooder's own buffers stay small)
    const flood = (async () => {
      for (let sent = 0; sent < pubs; sent += 1000) {
        if (!flooder.socket.write(pubFrames(Math.min(1000, pubs - sent)))) await new Promise((r) => flooder.socket.once('drain', r));
      }
      writing = false;
    })();
    let lastSample = 0;
    while (writing || flooder.received() < pubs) {
      const t = performance.now();
      await other.call('bench.echo', 1);
      during.add(performance.now() - t);
      peakQueued = Math.max(peakQueued, server.metrics.QueuedRequests);
      if (performance.now() - lastSample > 1000) {
        lastSample = performance.now();
        peakHeld = Math.max(peakHeld, heldHeap());
      }
    }
    await flood;
    const floodMs = performance.now() - t0;
    flooder.socket.destroy();
    await new Promise((r) => setTimeout(r, 500));
    const after = heldHeap();
    const p = (h: LatencyHistogram, q: number) => `${h.percentile(q).toFixed(2)} ms`;
    const mode = unbounded ? 'no read-queue limit' : `read-queue limit ${server.options.readQueueLimit} requests`;
    console.log(`\nRequest flood: ${fmt(pubs)} pipelined PUBs of 1 KB on one connection (${mode}), another client calling meanwhile`);
    console.log(
      `flood answered in ${(floodMs / 1000).toFixed(1)} s (${fmt(pubs / (floodMs / 1000))} PUB/s); read pauses ${server.metrics.ReadPauses}`,
    );
    console.log(`requests queued in the server at most (sampled): ${fmt(peakQueued)}`);
    console.log(`heap held (after gc): before ${mib(base)}, peak during ${mib(peakHeld)}, after ${mib(after)}`);
    console.log(
      `other client's call latency: alone p50 ${p(quiet, 0.5)} p99 ${p(quiet, 0.99)}; during the flood p50 ${p(during, 0.5)} p99 ${p(during, 0.99)} (${fmt(during.count)} calls)`,
    );
    console.log(`reproduce: npx tsx bench/request-flood.ts --pubs ${pubs}${unbounded ? ' --unbounded' : ''}`);
    summarise('request-flood', [
      { name: `heap held during a flood of ${fmt(pubs)} 1 KB PUBs (before → peak)`, value: `${mib(base)} → ${mib(peakHeld)}` },
      { name: "other client's call p50 / p99 during the flood", value: `${p(during, 0.5)} / ${p(during, 0.99)}` },
    ]);
  } finally {
    await other.close();
    await server.close();
    await callee.stop();
    await calleeBroker.close();
    await broker.close();
    await redis.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
