// What the recording sync proxy adds (issue 12, item 5): request/response round trips of a 0.7 client
// to a 0.7 server, direct and through the proxy (which forwards, traces nothing here, and decodes both
// directions into its replicas), and state patches per second received through it. All in one process
// (server, proxy and client share one event loop), so the added figure includes the proxy's CPU time.
// Prints figures and the command that reproduces them; asserts nothing.
//   npx tsx bench/sync-proxy.ts [--requests N]
import { WebSocket } from 'ws';
import type { ClientPeer } from '../src/embedded-server/sync/client-peer';
import { connectClient, type WebSocketConstructor } from '../src/embedded-server/sync/ws-client';
import { SyncServer } from '../src/embedded-server/sync/ws-server';
import { SyncProxy } from '../src/embedded-server/sync-proxy/sync-proxy';
import { type Figure, fmt, summarise } from './summary';

const arg = process.argv.indexOf('--requests');
const N = arg >= 0 ? Number(process.argv[arg + 1]) : 5000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function roundTrips(client: ClientPeer): Promise<number[]> {
  const data = { text: 'x'.repeat(100) };
  for (let i = 0; i < 200; i++) await client.send('echo', data); // warm up
  const ms: number[] = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await client.send('echo', data);
    ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b);
}

async function main(): Promise<void> {
  const server = await SyncServer.listen({ generation: '0.7', port: 0, syncDelay: 0, requestHandler: (_c, _n, d) => d });
  const proxy = await SyncProxy.listen({ upstream: server.url, generation: '0.7' });
  const connect = (url: string) =>
    connectClient(url, { WebSocket: WebSocket as unknown as WebSocketConstructor, generation: '0.7', pingDelay: null });
  const direct = await connect(server.url);
  const viaProxy = await connect(proxy.url);
  const d = await roundTrips(direct);
  const p = await roundTrips(viaProxy);

  // state patches through the proxy: each a small change the proxy decodes into both replicas
  const changes = 5000;
  let seen = 0;
  const done = new Promise<void>((resolve) =>
    viaProxy.on('change', () => {
      if (++seen === changes) resolve();
    }),
  );
  const t0 = performance.now();
  for (let i = 1; i <= changes; i++) server.setState({ n: i, items: [i, i + 1, i + 2] });
  await done;
  const patchRate = (changes * 1000) / (performance.now() - t0);

  const rows = [
    ['path', 'median ms', 'p99 ms'],
    ['direct', d[Math.floor(d.length / 2)]!.toFixed(3), percentile(d, 0.99).toFixed(3)],
    ['through the proxy', p[Math.floor(p.length / 2)]!.toFixed(3), percentile(p, 0.99).toFixed(3)],
  ];
  for (const r of rows) console.log(r.map((c) => c.padEnd(18)).join(''));
  const added = (p[Math.floor(p.length / 2)]! - d[Math.floor(d.length / 2)]!) / 2;
  console.log(`\nadded per frame (median round trip difference / 2): ${added.toFixed(3)} ms`);
  console.log(`state patches/s received through the proxy (both replicas decoded): ${fmt(patchRate)}`);
  console.log(`\n${N} round trips of a 100-byte request each way; reproduce: npx tsx bench/sync-proxy.ts --requests ${N}`);
  const figures: Figure[] = [
    { name: 'sync proxy: latency added per frame (0.7 request/response, median)', value: `${(added * 1000).toFixed(0)} µs` },
    { name: 'sync proxy: state patches/s through it, both replicas decoded', value: `${fmt(patchRate)}/s` },
  ];
  summarise('sync-proxy', figures);
  direct.close();
  viaProxy.close();
  await proxy.close();
  await server.close();
}

void main();
