// Server memory per idle connection: `juggler server` in its own process on a private redis, then
// 1,000 and 5,000 websocket clients (subprotocol juggler.0) that connect and send nothing. The server's
// resident memory (VmRSS) and, through bench/memory-report.cjs, its heap after a collection are read
// before and after each step; the growth divided by the connections open is the cost of one. The
// growth from one step to the next (1,000 → 5,000) is the steadier figure: one-time costs (compiled
// code, heap growth, pages freed by the warm-up and reused) stay out of it.
// Target (issue 6): under 10 kB per idle connection. For scale, measured the same way on the 2-core
// machine: a plain net.Server socket costs 2.8 kB, an upgraded http socket 4.1 kB, a bare `ws`
// WebSocketServer connection 6.9 kB (2.5 kB of heap); juggler's own state adds about 1 kB to the last.
//   npm run build:node && npx tsx bench/idle-memory.ts [--conns 1000,5000] [--settle 2] [--warmup 500]
import { join } from 'node:path';
import WebSocket from 'ws';
import { startEmbeddedRedis } from '../src/embedded-server/host/embedded-redis';
import { loadAverage, mib, requireOpenFiles, rssBytes } from './proc-stats';
import { type ServerProcess, startServerProcess } from './server-process';
import { fmt, summarise } from './summary';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const steps = arg('conns', '1000,5000').split(',').map(Number);
const settleMs = Number(arg('settle', '2')) * 1000;
const warmup = Number(arg('warmup', '500'));
const TARGET_BYTES = 10_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const kB = (bytes: number) => `${(bytes / 1000).toFixed(1)} kB`;

interface Sample {
  conns: number;
  rss: number;
  heapUsed: number;
  /** The V8 heap reserved, used or not (it grows in large steps: shown, not divided per connection). */
  heapTotal: number;
  /** Memory outside the V8 heap that V8 knows of: Buffers, ArrayBuffers. */
  external: number;
}

/** Settles, has the server collect garbage and report its heap, and reads its RSS. */
async function sample(server: ServerProcess, conns: number): Promise<Sample> {
  await sleep(settleMs);
  const report = server.next(/memory (\{[^\n]*\})\n/);
  server.child.kill('SIGUSR2');
  const m = JSON.parse((await report)[1]!) as NodeJS.MemoryUsage;
  await sleep(200);
  return { conns, rss: rssBytes(server.pid), heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external };
}

/** Opens `n` idle clients, `parallel` handshakes at a time. */
async function openIdle(url: string, n: number, parallel = 200): Promise<WebSocket[]> {
  const out: WebSocket[] = [];
  for (let i = 0; i < n; i += parallel) {
    const batch = Array.from(
      { length: Math.min(parallel, n - i) },
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(url, ['juggler.0'], { perMessageDeflate: false });
          ws.once('open', () => resolve(ws));
          ws.once('error', reject);
        }),
    );
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

async function closeAll(clients: WebSocket[]): Promise<void> {
  await Promise.all(
    clients.map(
      (ws) =>
        new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.close();
        }),
    ),
  );
}

async function main(): Promise<void> {
  requireOpenFiles(Math.max(...steps), 'pass fewer with --conns');
  const redis = await startEmbeddedRedis();
  const server = await startServerProcess(redis.url, {
    nodeArgs: ['--expose-gc', '-r', join(__dirname, 'memory-report.cjs')],
    args: ['--max-connections', '0'],
  });
  const clients: WebSocket[] = [];
  const rows: Sample[] = [];
  try {
    // a first round of connections compiles and warms the accept path, so the baseline is not charged
    // to the connections measured
    if (warmup > 0) await closeAll(await openIdle(server.url, warmup));
    const base = await sample(server, 0);
    rows.push(base);
    for (const target of steps) {
      clients.push(...(await openIdle(server.url, target - clients.length)));
      rows.push(await sample(server, clients.length));
    }
    await closeAll(clients.splice(0));
    const after = await sample(server, 0);

    console.log(`\nServer memory per idle juggler.0 connection (juggler server pid ${server.pid}, clients in another process)`);
    console.log('connections  rss        heap total  heap used  external   rss/conn   heap used/conn  external/conn  step rss/conn');
    rows.forEach((r, i) => {
      const per = (v: number, b: number) => (r.conns ? kB((v - b) / r.conns) : '');
      const prev = rows[i - 1];
      const step = prev ? kB((r.rss - prev.rss) / (r.conns - prev.conns)) : '';
      console.log(
        `${fmt(r.conns).padStart(11)}  ${mib(r.rss).padEnd(9)}  ${mib(r.heapTotal).padEnd(10)}  ${mib(r.heapUsed).padEnd(9)}  ${mib(r.external).padEnd(9)}  ${per(r.rss, base.rss).padEnd(9)}  ${per(r.heapUsed, base.heapUsed).padEnd(14)}  ${per(r.external, base.external).padEnd(13)}  ${step}`,
      );
    });
    console.log(
      `${'all closed'.padStart(11)}  ${mib(after.rss).padEnd(9)}  ${mib(after.heapTotal).padEnd(10)}  ${mib(after.heapUsed).padEnd(9)}  ${mib(after.external)}`,
    );
    const figures = rows
      .filter((r) => r.conns > 0)
      .map((r) => {
        const per = (r.rss - base.rss) / r.conns;
        return {
          name: `server memory (RSS) per idle connection (${fmt(r.conns)} conns)`,
          value: kB(per),
          target: `< ${kB(TARGET_BYTES)}`,
          met: per < TARGET_BYTES,
        };
      });
    const [a, b] = rows.slice(-2);
    if (rows.length > 2 && a && b) {
      const per = (b.rss - a.rss) / (b.conns - a.conns);
      console.log(`one more idle connection, from ${fmt(a.conns)} to ${fmt(b.conns)}: ${kB(per)} of RSS`);
      figures.push({
        name: `server memory (RSS) per idle connection, ${fmt(a.conns)} → ${fmt(b.conns)} conns`,
        value: kB(per),
        target: `< ${kB(TARGET_BYTES)}`,
        met: per < TARGET_BYTES,
      });
    }
    console.log(`\nload average ${loadAverage()}; target < ${kB(TARGET_BYTES)} of server RSS per idle connection`);
    console.log(
      `reproduce: npm run build:node && flock /tmp/bench.lock npx tsx bench/idle-memory.ts --conns ${steps.join(',')} --settle ${settleMs / 1000} --warmup ${warmup}`,
    );
    summarise('idle-memory', figures);
  } finally {
    for (const ws of clients) ws.terminate();
    await server.stop();
    await redis.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
