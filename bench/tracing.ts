// Tracing overhead: `juggler load` (its own process) against the Studio host's server, with the trace
// bus on and then off, alternating in one run so that the machine's state is the same. A first run
// warms up and is not counted. Prints results/s and the ratio, and hands the cost to the bench summary
// (issue 6: under 15% of throughput).
//   npm run build:node && npx tsx bench/tracing.ts [--seconds 5] [--connections 50] [--pairs 3] [--cpu-prof DIR]
// --cpu-prof writes a CPU profile of the host (this process) per counted run to DIR, named
// tracing-<n>-<on|off>.cpuprofile, to compare where the time goes with tracing on and off.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { StudioHost } from '../src/embedded-server/host/studio-host';
import { runLoadProcess } from './load-process';
import { pairedCost } from './paired-runs';
import { summarise } from './summary';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const seconds = Number(arg('seconds', '5'));
const connections = Number(arg('connections', '50'));
const pairs = Number(arg('pairs', '3'));
const profDir = arg('cpu-prof', '');

const load = (url: string) => runLoadProcess(url, { connections, seconds });
const TARGET_COST = 0.15;
const loadAverage = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** Runs `fn` under the V8 profiler when --cpu-prof is given, writing the profile as `name`. */
async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  if (!profDir) return fn();
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) => session.post(method, (err, r) => (err ? reject(err) : resolve(r))));
  await post('Profiler.enable');
  await post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    mkdirSync(profDir, { recursive: true });
    writeFileSync(join(profDir, `${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

async function main(): Promise<void> {
  const host = await StudioHost.start({ dataDir: mkdtempSync(join(tmpdir(), 'bench-tracing-')), demoWorkers: 50 });
  const rows: { tracing: boolean; throughput: number; p50: number; p99: number; events: number }[] = [];
  const loadBefore = loadAverage();
  try {
    host.trace.enabled = true;
    await load(host.server.url); // warm-up, not counted
    for (let i = 0; i < pairs * 2; i++) {
      const tracing = i % 2 === 0;
      host.trace.clear();
      host.trace.enabled = tracing;
      const before = host.trace.stats().recorded;
      const r = await profiled(`tracing-${i + 1}-${tracing ? 'on' : 'off'}`, () => load(host.server.url));
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
  console.log(
    `\nTracing overhead: juggler load, test.echo back-to-back, ${connections} connections, ${seconds} s per run, against the Studio host`,
  );
  console.log('tracing  results/s  p50 ms  p99 ms  trace events');
  for (const r of rows) {
    console.log(
      `${(r.tracing ? 'on' : 'off').padEnd(7)}  ${r.throughput.toFixed(0).padStart(9)}  ${r.p50.toFixed(2).padStart(6)}  ${r.p99.toFixed(2).padStart(6)}  ${String(r.events).padStart(12)}`,
    );
  }
  const { ratio, cost, perPair } = pairedCost(rows, (r) => r.tracing, pairs);
  console.log(`\ntracing on / off throughput: ${ratio.toFixed(3)} (cost ${(cost * 100).toFixed(1)}%)`);
  console.log(`per pair (on / the off after it): ${perPair.map((x) => x.toFixed(3)).join(' ')}`);
  console.log(`load average before: ${loadBefore}, after: ${loadAverage()} (${cpus().length} cores)`);
  summarise('tracing', [
    {
      name: 'tracing on / off RPC throughput',
      value: `cost ${(cost * 100).toFixed(1)}% (ratio ${ratio.toFixed(3)})`,
      target: `< ${TARGET_COST * 100}%`,
      met: cost < TARGET_COST,
    },
  ]);
  console.log(
    `reproduce: npm run build:node && npx tsx bench/tracing.ts --seconds ${seconds} --connections ${connections} --pairs ${pairs}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
