// Hostile data-sync peers (issue 11, items 3 and 7), measured on a real SyncServer in this process:
// 1. the event-loop block of the largest patch a peer may send (maxPatchOperations operations: prepends at
//    /arr/0, then inserts in the middle), seen by another connection's pings;
// 2. the memory held while N connections send 0.7 segments that never end, reconnecting when closed,
//    with the default caps (64 Mi per message, 60 s, 128 Mi across connections).
// Prints figures and the command that reproduces them; asserts nothing.
//   npx tsx bench/sync-hostile.ts [--connections 36] [--seconds 20]
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { SyncServer } from '../src/embedded-server/sync/ws-server';
import { applyPatch, DEFAULT_MAX_PATCH_OPERATIONS } from '../src/shared/json-patch/patch';
import { buildFrame, Opcode, RawWebSocket } from '../test/raw-ws';
import { fmt, summarise } from './summary';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const CONNECTIONS = arg('connections', 36);
const SECONDS = arg('seconds', 20);
const MiB = 2 ** 20;

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.on('error', () => {}); // a refused or cut attacker just tries again
  });
}

/** Sends `frame` from a new connection and measures the longest event-loop stall until it is applied. */
async function blockWhileApplied(frame: string, server: SyncServer) {
  const applied = new Promise<void>((resolve) => server.on('connection', (c) => c.on('remoteChange' as never, () => resolve())));
  const attacker = await open(server.url);
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const t0 = performance.now();
  attacker.send(frame);
  await applied;
  const ms = performance.now() - t0;
  // the histogram learns of a stall when its timer fires late, after the stall: let it fire
  await new Promise((r) => setTimeout(r, 50));
  h.disable();
  attacker.close();
  return { maxBlockMs: h.max / 1e6, totalMs: ms };
}

async function largestPatch(): Promise<
  { label: string; maxBlockMs: number; totalMs: number; parseMs: number; applyMs: number; mib: number }[]
> {
  const out = [];
  const n = DEFAULT_MAX_PATCH_OPERATIONS - 1;
  for (const [label, path] of [
    ['prepends at /arr/0', () => '/arr/0'],
    ['inserts in the middle', (i: number) => `/arr/${Math.floor(i / 2)}`],
  ] as const) {
    const server = await SyncServer.listen({ generation: 'seed' });
    const ops = Array.from({ length: n }, (_, i) => `{"op":"add","path":"${path(i)}","value":${i}}`);
    const frame = `{"type":"DATA","payload":[{"op":"replace","path":"","value":{"arr":[]}},${ops.join(',')}]}`;
    const r = await blockWhileApplied(frame, server);
    // the parts of the block, best of 3: parsing the frame, and applying its patch
    let parseMs = Number.POSITIVE_INFINITY;
    let applyMs = Number.POSITIVE_INFINITY;
    for (let k = 0; k < 3; k++) {
      let t = performance.now();
      const payload = (JSON.parse(frame) as { payload: unknown }).payload;
      parseMs = Math.min(parseMs, performance.now() - t);
      t = performance.now();
      applyPatch(null, payload);
      applyMs = Math.min(applyMs, performance.now() - t);
    }
    out.push({ label: `${fmt(n + 1)} operations, ${label}`, ...r, parseMs, applyMs, mib: frame.length / MiB });
    await server.close();
  }
  return out;
}

/**
 * `segments`: 0.7 `1` frames of 64 KiB that never end the message. `frame`: one websocket frame that
 * declares 190 MB and sends 64 KiB chunks of it, never the end (any generation; seed here).
 */
async function unfinishedFlood(kind: 'segments' | 'frame') {
  const server = await SyncServer.listen({ generation: kind === 'segments' ? '0.7' : 'seed', pingDelay: null });
  const segment = `1${'x'.repeat(64 * 1024)}`;
  const chunk = Buffer.alloc(64 * 1024, 0x78);
  const closes = new Map<string, number>();
  let stop = false;
  let sent = 0;
  const count = (code: number, reason: string) => {
    const key = `${code} ${reason.split(':')[0]}`;
    closes.set(key, (closes.get(key) ?? 0) + 1);
  };
  const floodSegments = async () => {
    const ws = await open(server.url).catch(() => undefined);
    if (!ws) return new Promise((r) => setTimeout(r, 50));
    return new Promise<void>((resolve) => {
      ws.on('close', (code, reason) => {
        count(code, reason.toString());
        resolve();
      });
      const pump = () => {
        while (!stop && ws.readyState === WebSocket.OPEN && ws.bufferedAmount < 1 * MiB) {
          ws.send(segment);
          sent += segment.length;
        }
        if (!stop && ws.readyState === WebSocket.OPEN) setTimeout(pump, 5);
        else if (stop) ws.terminate();
      };
      pump();
    });
  };
  const floodFrame = async () => {
    const raw = await RawWebSocket.open(server.port, '/ws').catch(() => undefined);
    if (!raw) return new Promise((r) => setTimeout(r, 50));
    raw.write(buildFrame({ opcode: Opcode.text, payload: Buffer.alloc(0), lengthOverride: 190_000_000n }).subarray(0, 14));
    const pump = () => {
      while (!stop && !raw.isEnded && raw.socket.writableLength < 1 * MiB) {
        raw.write(chunk);
        sent += chunk.length;
      }
      if (!stop && !raw.isEnded && raw.closeFrame === undefined) setTimeout(pump, 5);
      else raw.destroy();
    };
    pump();
    const { code, reason } = await raw.ended;
    count(code, reason);
  };
  const attack = async () => {
    while (!stop) await (kind === 'segments' ? floodSegments() : floodFrame());
  };
  const base = process.memoryUsage();
  let peakHeap = base.heapUsed;
  let peakRss = base.rss;
  let peakHeld = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakRss = Math.max(peakRss, m.rss);
    peakHeld = Math.max(peakHeld, server.unfinished.used);
  }, 100);
  const attackers = Array.from({ length: CONNECTIONS }, attack);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  stop = true;
  clearInterval(sampler);
  await server.close();
  await Promise.allSettled(attackers);
  return { base, peakHeap, peakRss, peakHeld, sent, closes };
}

async function main(): Promise<void> {
  console.log(`juggler data sync against hostile peers (node ${process.version})\n`);
  console.log(`largest allowed patch (maxPatchOperations ${fmt(DEFAULT_MAX_PATCH_OPERATIONS)}), one seed DATA frame:`);
  const patches = await largestPatch();
  for (const p of patches)
    console.log(
      `  ${p.label} (${p.mib.toFixed(1)} MiB): longest event-loop block ${fmt(p.maxBlockMs)} ms, received to applied ${fmt(p.totalMs)} ms; alone: JSON.parse ${fmt(p.parseMs)} ms, applyPatch ${fmt(p.applyMs)} ms`,
    );
  const floods = [];
  for (const kind of ['segments', 'frame'] as const) {
    const f = await unfinishedFlood(kind);
    floods.push({ kind, ...f });
    const what = kind === 'segments' ? 'unfinished 0.7 segments of 64 KiB' : 'one 190 MB frame each, never finished, in 64 KiB chunks';
    console.log(`\n${CONNECTIONS} connections sending ${what} for ${SECONDS} s (${fmt(f.sent / MiB)} MiB sent), reconnecting when closed:`);
    console.log(
      `  heap ${fmt(f.base.heapUsed / MiB)} MiB before, peak ${fmt(f.peakHeap / MiB)} MiB; RSS ${fmt(f.base.rss / MiB)} → peak ${fmt(f.peakRss / MiB)} MiB`,
    );
    console.log(`  peak held by unfinished messages: ${fmt(f.peakHeld / MiB)} Mi (maxUnfinishedTotal 128 Mi)`);
    console.log(`  closes: ${[...f.closes.entries()].map(([k, v]) => `${k} ×${v}`).join(', ')}`);
  }
  console.log(`\nreproduce: npx tsx bench/sync-hostile.ts --connections ${CONNECTIONS} --seconds ${SECONDS}`);
  summarise('sync-hostile', [
    ...patches.map((p) => ({ name: `event-loop block, ${p.label}`, value: `${fmt(p.maxBlockMs)} ms` })),
    ...floods.map((f) => ({
      name: `peak heap / RSS, ${CONNECTIONS} connections of unfinished ${f.kind === 'segments' ? '0.7 segments' : 'frames'} for ${SECONDS} s`,
      value: `${fmt(f.peakHeap / MiB)} / ${fmt(f.peakRss / MiB)} MiB`,
    })),
  ]);
  process.exit(0);
}

void main();
