// What the Studio host keeps of its sync peers (issue 11, item 6): the heap retained after 2,000 sync
// connections each sent a DATA frame and closed, and after sixty 4 MB DATA frames on one connection,
// while it is open and once it closed. A real Studio host (embedded redis, trace bus on, no UI
// attached) and real websockets. Before the fix: about 7 kB per closed connection and 253 MiB after the
// big frames. Prints figures and the command; asserts nothing.
//   npx tsx bench/sync-memory.ts [connections] [frames] [frameMiB]
//     (re-runs itself as: node --expose-gc --import tsx bench/sync-memory.ts)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { StudioHost } from '../src/embedded-server/host/studio-host';
import { fmt, summarise } from './summary';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  // heap figures need a full GC before each reading
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', __filename, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const CONNECTIONS = Number(process.argv[2] ?? 2000);
const FRAMES = Number(process.argv[3] ?? 60);
const FRAME_MIB = Number(process.argv[4] ?? 4);
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;

function heapUsed(): number {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

async function until(check: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function open(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

function close(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    ws.once('close', () => resolve());
    ws.close();
  });
}

const data = (value: unknown) => JSON.stringify({ type: 'DATA', payload: [{ op: 'replace', path: '', value }] });

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sync-memory-'));
  const host = await StudioHost.start({ dataDir, demoWorkers: 1 });
  const sync = host.sync;
  const peersHeld = () => sync.overview().peers.length;
  await until(() => peersHeld() === 2, 'the Studio pair');
  // NO_TRACE=1: the trace bus off, to tell what the trace holds (bounded by its event count) from the rest
  if (process.env.NO_TRACE) host.trace.enabled = false;
  const base = heapUsed();
  let half = base;

  // many connections, each with one small DATA (the sample document edited), then closed
  for (let i = 0; i < CONNECTIONS; i += 100) {
    const batch = await Promise.all(Array.from({ length: Math.min(100, CONNECTIONS - i) }, () => open(sync.url)));
    for (const ws of batch) ws.send(data({ todos: [{ id: i, title: 'a todo of a closed connection', done: false }] }));
    await until(() => peersHeld() === 2 + batch.length, 'the batch to connect');
    const target = sync.overview().history.heldChanges + batch.length;
    await until(() => sync.overview().history.heldChanges >= target, 'the batch DATA');
    await Promise.all(batch.map(close));
    await until(() => peersHeld() === 2, 'the closed peers to be forgotten');
    if (i + 100 === Math.floor(CONNECTIONS / 200) * 100) half = heapUsed();
  }
  const afterMany = heapUsed();
  const perConn = (afterMany - base) / CONNECTIONS;
  // the second half alone: warm-up (compiled code, pools) falls in the first
  const perConnLate = (afterMany - half) / (CONNECTIONS - Math.floor(CONNECTIONS / 200) * 100);

  // big frames on one connection
  const ws = await open(sync.url);
  await until(() => peersHeld() === 3, 'the big-frame peer');
  const peerId = sync.overview().peers.at(-1)!.peerId;
  const t0 = Date.now();
  for (let i = 1; i <= FRAMES; i++) {
    ws.send(data({ i, blob: String.fromCharCode(97 + (i % 26)).repeat(FRAME_MIB << 20) }));
    await until(() => sync.peers().find((p) => p.peerId === peerId)!.remoteRevision === i, `frame ${i}`);
  }
  const sendMs = Date.now() - t0;
  const whileOpen = heapUsed();
  const held = sync.overview().history;
  await close(ws);
  await until(() => peersHeld() === 2, 'the big-frame peer to be forgotten');
  const afterBig = heapUsed();

  await host.close();
  rmSync(dataDir, { recursive: true, force: true });

  console.log(`Studio host sync memory (load ${loadavg()[0]!.toFixed(2)}), heap + array buffers after a full GC:`);
  console.log(`  baseline (host started, pair connected)             ${mib(base)}`);
  console.log(
    `  after ${fmt(CONNECTIONS)} connections sent DATA and closed     ${mib(afterMany)}  (+${fmt(perConn)} B per connection; ${fmt(perConnLate)} B in the second half)`,
  );
  console.log(
    `  ${FRAMES} DATA frames of ${FRAME_MIB} MiB on one connection, open     ${mib(whileOpen)}  (+${mib(whileOpen - afterMany)})`,
  );
  console.log(
    `    history held ${fmt(held.heldChanges)} changes, ${mib(held.heldBytes)} of patch text (bound ${mib(held.maxBytes)}); let go ${fmt(held.droppedChanges)} (${mib(held.droppedBytes)})`,
  );
  console.log(`  the same connection closed                          ${mib(afterBig)}  (+${mib(afterBig - afterMany)})`);
  console.log(`  sending the big frames took ${(sendMs / 1000).toFixed(1)} s`);
  console.log(`reproduce: npx tsx bench/sync-memory.ts ${CONNECTIONS} ${FRAMES} ${FRAME_MIB}`);
  summarise('sync-memory', [
    {
      name: `Studio host heap retained per closed sync connection (${fmt(CONNECTIONS)}; second half)`,
      value: `${fmt(perConn)} B (${fmt(perConnLate)} B)`,
      target: 'was 7 kB',
    },
    {
      name: `heap after ${FRAMES} DATA frames of ${FRAME_MIB} MiB: open / closed`,
      value: `${mib(whileOpen - afterMany)} / ${mib(afterBig - afterMany)}`,
      target: 'was 253 MiB closed',
    },
  ]);
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(err);
    process.exit(1);
  },
);
