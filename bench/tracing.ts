// Tracing overhead: the same load against the Studio host's server with the trace bus on, then off,
// then on again, in one run (so the machine's state is the same). Prints results/s and the ratio.
//   npx tsx bench/tracing.ts [--seconds 5] [--connections 50]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoad } from '../src/embedded-server/cli/load';
import { StudioHost } from '../src/embedded-server/host/studio-host';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const seconds = Number(arg('seconds', '5'));
const connections = Number(arg('connections', '50'));

async function main(): Promise<void> {
  const host = await StudioHost.start({ dataDir: mkdtempSync(join(tmpdir(), 'bench-tracing-')), demoWorkers: 50 });
  const rows: { tracing: boolean; throughput: number; p50: number; p99: number; events: number }[] = [];
  try {
    for (const tracing of [true, false, true, false]) {
      host.trace.clear();
      host.trace.enabled = tracing;
      const before = host.trace.stats().recorded;
      const r = await runLoad({
        addr: host.server.url,
        connections,
        durationMs: seconds * 1000,
        rateMs: -1,
        uri: 'test.echo',
        uris: ['test.echo'],
        payload: 'hello',
        timeoutMs: 5000,
      });
      rows.push({
        tracing,
        throughput: r.throughput,
        p50: r.latencyMs.median,
        p99: r.latencyMs.p99,
        events: host.trace.stats().recorded - before,
      });
    }
  } finally {
    await host.close();
  }
  console.log(`\nTracing overhead: test.echo back-to-back, ${connections} connections, ${seconds} s per run, host in this process`);
  console.log('tracing  results/s  p50 ms  p99 ms  trace events');
  for (const r of rows) {
    console.log(
      `${(r.tracing ? 'on' : 'off').padEnd(7)}  ${r.throughput.toFixed(0).padStart(9)}  ${r.p50.toFixed(2).padStart(6)}  ${r.p99.toFixed(2).padStart(6)}  ${String(r.events).padStart(12)}`,
    );
  }
  const on = rows.filter((r) => r.tracing).reduce((s, r) => s + r.throughput, 0) / 2;
  const off = rows.filter((r) => !r.tracing).reduce((s, r) => s + r.throughput, 0) / 2;
  console.log(`\ntracing on / off throughput: ${(on / off).toFixed(3)} (cost ${((1 - on / off) * 100).toFixed(1)}%)`);
  console.log(`reproduce: npx tsx bench/tracing.ts --seconds ${seconds} --connections ${connections}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
