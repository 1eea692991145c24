// Trace bus benchmark: time and heap to hold 1,000,000 events recorded through the real adapters (a
// realistic mix: the 10 hops of 100,000 CALLs), the cost per event of record() (an event object) and of
// the column writers the adapters use, with tracing on and off, the frame-head scan against JSON.parse,
// chain() on a full bus, and export/import of the whole session. Prints figures and the command that
// reproduces them, and hands the headline figures to the bench summary; asserts nothing.
//   npx tsx bench/trace.ts            (re-runs itself as: node --expose-gc --import tsx bench/trace.ts)
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Message, newUUID } from '../src/embedded-server/message';
import type { FrameEvent } from '../src/embedded-server/server/server';
import { brokerOnOp, calleeOnInvocation, serverHooks } from '../src/embedded-server/trace/adapters';
import { readFrameHead } from '../src/embedded-server/trace/frame-head';
import { exportToFile, importSession } from '../src/embedded-server/trace/session-file';
import { TraceBus } from '../src/embedded-server/trace/trace-bus';
import { summarise } from './summary';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  // heap figures need a full GC before each reading
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', __filename, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const EVENTS = 1_000_000;
const HOPS = 10;
const CALLS = EVENTS / HOPS;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
const ns = (ms: number, n: number) => `${((ms * 1e6) / n).toFixed(0)} ns`;

/** JS heap plus ArrayBuffers: the bus keeps its numeric columns in typed arrays, outside heapUsed. */
function heapUsed(): number {
  gc!();
  gc!();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * Feeds the 10 hops of one CALL through the adapters, as the server, brokers and callee would: frames
 * come with the message the server decoded or encoded (its args are raw JSON text there too).
 */
function feeder(bus: TraceBus) {
  const hooks = serverHooks(bus);
  const serverOp = brokerOnOp(bus, 'server');
  const calleeOp = brokerOnOp(bus, 'callee');
  const run = calleeOnInvocation(bus, 'demo');
  const connId = newUUID();
  const serverId = newUUID();
  return (i: number) => {
    const m = newUUID();
    const ack = newUUID();
    const res = newUUID();
    const at = performance.now();
    const args = `{"n":${i},"s":"hello"}`;
    const frame = (direction: 'in' | 'out', text: string, type: 1 | 8 | 9, uuid: string, payload: object): FrameEvent => ({
      connId,
      direction,
      text,
      type,
      uuid,
      message: { meta: { type, uuid }, payload } as unknown as Message,
      at,
    });
    hooks.onFrame!(
      frame('in', `{"meta":{"type":1,"uuid":"${m}"},"payload":{"uri":"test.echo","timeout":1000000000,"args":${args}}}`, 1, m, {
        uri: 'test.echo',
        timeout: 1e9,
        args,
      }),
    );
    serverOp({ command: 'EVALSHA push', key: 'juggler:calls:{test.echo}', bytes: 160, durationMs: 0.2, msgUUID: m });
    hooks.onFrame!(
      frame('out', `{"meta":{"type":8,"uuid":"${ack}"},"payload":{"for":"${m}","for_type":1,"uri":"test.echo"}}\n`, 8, ack, {
        for: m,
        for_type: 1,
        uri: 'test.echo',
      }),
    );
    calleeOp({ command: 'BRPOP', key: 'juggler:calls:{test.echo}', bytes: 160, durationMs: 3, msgUUID: m });
    calleeOp({ command: 'EVALSHA pttl-del', key: `juggler:calls:timeout:{test.echo}:${m}`, bytes: 0, durationMs: 0.2, msgUUID: m });
    calleeOp({ command: 'EVALSHA push', key: `juggler:results:{${serverId}}`, bytes: 160, durationMs: 0.2, msgUUID: m });
    run({ uri: 'test.echo', msgUUID: m, poppedAt: at, startedAt: at, durationMs: 0.05, outcome: 'ok' });
    serverOp({ command: 'BRPOP', key: `juggler:results:{${serverId}}`, bytes: 160, durationMs: 2, msgUUID: m });
    serverOp({ command: 'EVALSHA pttl-del', key: `juggler:results:timeout:{${serverId}}:${m}`, bytes: 0, durationMs: 0.2, msgUUID: m });
    hooks.onFrame!(
      frame('out', `{"meta":{"type":9,"uuid":"${res}"},"payload":{"for":"${m}","uri":"test.echo","args":${args}}}\n`, 9, res, {
        for: m,
        uri: 'test.echo',
        args,
      }),
    );
    return m;
  };
}

function time(_label: string, fn: () => void): number {
  const t0 = performance.now();
  fn();
  const ms = performance.now() - t0;
  return ms;
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${EVENTS.toLocaleString('en')} events = ${CALLS.toLocaleString('en')} CALLs × ${HOPS} hops`);

  // 1. record() alone, tracing on and off, on a full ring (first, on a clean heap)
  const small = new TraceBus({ capacity: 1_000_000 });
  console.log(
    `(load average now: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${cpus().length} cores; figures scale with it)`,
  );
  const N = 2_000_000;
  const rec = () => {
    for (let i = 0; i < N; i++)
      small.record({ kind: 'redis', role: 'server', command: 'BRPOP', key: 'k', size: 1, durationMs: 0, corr: undefined });
  };
  rec(); // warm up and fill
  const onMs = time('on', rec);
  small.enabled = false;
  const offMs = time('off', rec);
  console.log(
    `record() on a full ring: enabled ${ns(onMs, N)}/event, disabled ${ns(offMs, N)}/event (enabled includes building the input object)`,
  );
  // the column writer the redis adapter uses: no event object
  const recRedis = () => {
    for (let i = 0; i < N; i++) small.recordRedis('server', 'BRPOP', 'k', 1, 0, undefined, undefined);
  };
  small.enabled = true;
  recRedis();
  const colMs = time('columns', recRedis);
  console.log(`recordRedis() on a full ring: ${ns(colMs, N)}/event`);
  const hooks = serverHooks(small);
  const u = newUUID();
  const ev: FrameEvent = {
    connId: 'c',
    direction: 'out',
    text: `{"meta":{"type":9,"uuid":"${u}"},"payload":{"for":"${u}","uri":"test.echo","args":{"n":1}}}\n`,
    type: 9,
    uuid: u,
    message: { meta: { type: 9, uuid: u }, payload: { for: u, uri: 'test.echo', args: '{"n":1}' } } as unknown as Message,
    at: 0,
  };
  const hook = () => {
    for (let i = 0; i < N; i++) hooks.onFrame!(ev);
  };
  small.enabled = true;
  hook();
  const hookOn = time('hook on', hook);
  small.enabled = false;
  const hookOff = time('hook off', hook);
  console.log(
    `serverHooks onFrame (RES, ${ev.text.length} B, with its message): enabled ${ns(hookOn, N)}/frame, disabled ${ns(hookOff, N)}/frame`,
  );

  // 2. frame head: scan vs JSON.parse
  for (const size of [150, 64 * 1024, 1024 * 1024]) {
    const args = JSON.stringify({ data: 'x'.repeat(Math.max(0, size - 130)) });
    const text = `{"meta":{"type":9,"uuid":"${u}"},"payload":{"for":"${u}","uri":"test.echo","args":${args}}}\n`;
    const n = size > 100_000 ? 200 : size > 1000 ? 5_000 : 500_000;
    const scanMs = time('scan', () => {
      for (let i = 0; i < n; i++) readFrameHead(text);
    });
    const parseMs = time('parse', () => {
      for (let i = 0; i < n; i++) JSON.parse(text);
    });
    console.log(
      `frame head of a ${mb(text.length).replace(' MiB', '')} MiB RES: scan ${((scanMs * 1e3) / n).toFixed(2)} µs, JSON.parse ${((parseMs * 1e3) / n).toFixed(2)} µs`,
    );
  }
  small.clear(); // not part of the heap figure below
  // 3. hold 1M events through the adapters
  const base = heapUsed();
  const bus = new TraceBus();
  const feed = feeder(bus);
  let last = '';
  const fillMs = time('fill', () => {
    for (let i = 0; i < CALLS; i++) last = feed(i);
  });
  const held = heapUsed() - base;
  const s = bus.stats();
  console.log(`hold 1M events via adapters: ${fillMs.toFixed(0)} ms (${ns(fillMs, EVENTS)}/event incl. building the inputs and uuids)`);
  console.log(`  heap for 1M events: ${mb(held)} (${(held / EVENTS).toFixed(0)} B/event); held ${s.held}, dropped ${s.dropped}`);

  // 4. past capacity: every record evicts
  const evictMs = time('evict', () => {
    for (let i = 0; i < CALLS / 2; i++) feed(i);
  });
  console.log(
    `record with eviction (ring full): ${ns(evictMs, EVENTS / 2)}/event; held ${bus.stats().held}, dropped ${bus.stats().dropped}`,
  );
  const heldAfterEvict = heapUsed() - base;
  console.log(`  heap after 1.5M recorded (1M held): ${mb(heldAfterEvict)}`);

  // 5. queries on a full bus; the first chain() builds the corr index (the bus fills it lazily)
  const indexMs = time('index', () => bus.chain(last));
  const heldWithIndex = heapUsed() - base;
  console.log(`first chain() on a full bus (builds the corr index): ${indexMs.toFixed(0)} ms; heap with the index: ${mb(heldWithIndex)}`);
  let chainHops = 0;
  const chainMs = time('chain', () => {
    for (let i = 0; i < 1000; i++) chainHops = bus.chain(last)?.hops.length ?? 0;
  });
  console.log(
    `chain(corr) on a full bus: ${chainMs.toFixed(1)} µs per chain (${chainHops} hops; 1000 chains took ${chainMs.toFixed(0)} ms)`,
  );
  const first = bus.events({ limit: 1 })[0]!.seq;
  const pageMs = time('page', () => {
    for (let i = 0; i < 100; i++) bus.events({ fromSeq: first + 500_000 + i * 1000, limit: 1000 });
  });
  console.log(
    `events({fromSeq, limit: 1000}): ${(pageMs / 100).toFixed(2)} ms; with kinds ['callee'] over all: ${time('k', () => bus.events({ kinds: ['callee'], limit: 1e9 })).toFixed(0)} ms`,
  );

  // 6. export and import of the whole session
  const file = join(tmpdir(), `trace-bench-${process.pid}.ndjson`);
  const t0 = performance.now();
  const count = await exportToFile(bus, file);
  const exportMs = performance.now() - t0;
  await bus.close();
  bus.clear(); // the import below and the micro-benchmarks run without the first million on the heap
  const t1 = performance.now();
  const importedCount = (await importSession({ file })).count;
  const importMs = performance.now() - t1;
  console.log(
    `export ${count.toLocaleString('en')} events to NDJSON: ${exportMs.toFixed(0)} ms; import (validated): ${importMs.toFixed(0)} ms (${importedCount} events)`,
  );
  await rm(file, { force: true });

  console.log('\ncommand: npx tsx bench/trace.ts   (runs node --expose-gc --import tsx bench/trace.ts)');
  summarise('trace', [
    { name: 'heap per held event (1M held, via the adapters)', value: `${(held / EVENTS).toFixed(0)} B` },
    { name: 'recording per event via the adapters, ring full (incl. building inputs)', value: ns(evictMs, EVENTS / 2) },
    { name: 'recordRedis() per event, ring full', value: ns(colMs, N) },
  ]);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
