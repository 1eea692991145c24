// The Go server and callee's MONITOR recording replayed through the watch's translation onto a trace
// bus: a call by a Go client through a Go server to a Go callee shows its waterfall and its callee.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { recordWatchedOps } from '../host/redis-watch';
import { TraceBus } from '../trace/trace-bus';
import { parseMonitorLine } from './monitor-line';
import { Translator, type WatchedOp } from './translate';

const goRecording = join(__dirname, '..', '..', '..', '..', 'shared', 'conformance', 'go-redis-monitor.txt');

it('a Go call replayed from the recording: six hops in order, the Go callee named, verdict ok; the unserved call expired', () => {
  const bus = new TraceBus();
  const names: Record<string, string> = { '127.0.0.1:46188': 'go-callee' };
  const tr = new Translator({ nameOf: (a) => names[a] });
  const lines = readFileSync(goRecording, 'latin1')
    .split('\n')
    .filter((l) => l !== '');
  const first = parseMonitorLine(lines[0]!).timeMs;
  // the recording's time placed at the bus's start
  const base = performance.now() - 1_000_000;
  const at = (timeMs: number) => base + (timeMs - first);
  const ops: WatchedOp[] = [];
  for (const l of lines) tr.translate(parseMonitorLine(l), ops);
  tr.flush(ops);
  recordWatchedOps(bus, '127.0.0.1:6379', ops, at);
  const c = bus.chain('77988a3d-3217-4b99-bf07-fdc7e7f47c7e')!;
  expect(c.hops.map((h) => h.label)).toEqual([
    'server push call',
    'callee pop call',
    'callee check call TTL',
    'callee push result',
    'server pop result',
    'server check result TTL',
  ]);
  expect(c.hops.every((h) => h.event.kind === 'redis' && h.event.node === '127.0.0.1:6379')).toBe(true);
  expect(c.answeredBy).toBe('127.0.0.1:46188 name=go-callee');
  expect(c.verdict).toBe('ok');
  expect(c.totalMs).toBeGreaterThan(1);
  expect(c.totalMs).toBeLessThan(5);
  // the call to test.delay that returned the Go callee's error
  expect(bus.chain('178f2f4b-2b6c-427b-ba8c-0a1b881dd3e3')!.verdict).toBe('error-result');
  const unserved = bus.chain('0656d229-cc06-41a3-801c-fd9ac7597578')!;
  expect(unserved.verdict).toBe('expired');
  expect(unserved.notes?.join(' ')).toMatch(/timeout 300 ms: queued in the call list \d+ ms, no callee popped it/);
});
