// Latency the recording proxy adds per frame: the same paced load of test.echo calls (5,000 frames/s:
// CALL in, ACK and RES out, 1,667 calls/s) run directly against `juggler server` and through the proxy,
// interleaved. The added latency per frame is the difference of the round trips divided by the frames
// on a round trip's path through the proxy: 2 (the CALL and the RES; the ACK passes too, but nobody
// waits for it). Two proxies: `juggler proxy --quiet` as its own process, and a proxy in this process
// tracing into a TraceBus as the Studio's does.
//   npx tsx bench/proxy.ts [--seconds 3] [--rounds 5] [--frames-per-s 5000] [--connections 10]
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { LoadReport } from '../src/embedded-server/cli/load';
import { startEmbeddedRedis } from '../src/embedded-server/host/embedded-redis';
import { JugglerProxy } from '../src/embedded-server/proxy';
import { proxyHooks } from '../src/embedded-server/trace/adapters';
import { TraceBus } from '../src/embedded-server/trace/trace-bus';
import { runLoadProcess } from './load-process';
import { cpuSeconds, loadAverage } from './proc-stats';
import { startServerProcess } from './server-process';
import { type Figure, summarise } from './summary';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const seconds = Number(arg('seconds', '3'));
const rounds = Number(arg('rounds', '5'));
const framesPerS = Number(arg('frames-per-s', '5000'));
const connections = Number(arg('connections', '10'));
/** Frames of one call: CALL, ACK, RES. */
const FRAMES_PER_CALL = 3;
/** Frames a caller waits on per round trip: CALL and RES. */
const FRAMES_ON_PATH = 2;
const rateMs = (connections * FRAMES_PER_CALL * 1000) / framesPerS;
const bin = join(__dirname, '..', 'bin', 'juggler.js');

function startProc(args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = ready.exec(out);
      if (m) resolve({ child, match: m });
    });
    child.stderr!.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.once('exit', (code) => reject(new Error(`juggler ${args[0]} exited with ${code}:\n${out}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const redis = await startEmbeddedRedis();
  const server = await startServerProcess(redis.url);
  const callee = await startProc(['callee', '--redis', redis.url, '--demo', '--quiet', '--workers', '100'], /serving/);
  const cliProxy = await startProc(['proxy', '--listen', '127.0.0.1:0', '--upstream', server.url, '--quiet'], /listening on (ws:\/\/\S+)/);
  const bus = new TraceBus();
  const traced = new JugglerProxy({ upstream: server.url }, proxyHooks(bus, server.url));
  const tracedUrl = await traced.listen();
  const targets = [
    { name: 'direct', url: server.url },
    { name: 'juggler proxy (process)', url: cliProxy.match[1]! },
    { name: 'proxy traced (in-process)', url: tracedUrl },
  ];
  const results = new Map<string, LoadReport[]>(targets.map((t) => [t.name, []]));
  try {
    // warm-up: JIT and connections of every path
    for (const t of targets) await runLoadProcess(t.url, { connections, seconds: 1, rateMs });
    // CPU time of the proxy process over its measured runs: what a frame costs it, whatever the
    // machine's load does to the latencies
    let proxyCpuS = 0;
    let proxyFrames = 0;
    for (let r = 0; r < rounds; r++) {
      for (const t of targets) {
        await sleep(1000);
        const cpu0 = cpuSeconds(cliProxy.child.pid!);
        const report = await runLoadProcess(t.url, { connections, seconds, rateMs });
        if (t.url === cliProxy.match[1]) {
          proxyCpuS += cpuSeconds(cliProxy.child.pid!) - cpu0;
          proxyFrames += report.calls + report.acks + report.results + report.nacks;
        }
        results.get(t.name)!.push(report);
      }
    }
    const cpuUsPerFrame = (proxyCpuS * 1e6) / Math.max(1, proxyFrames);
    const directRuns = results.get('direct')!;
    // each proxied run against the direct run of its round (they ran seconds apart): the median of
    // those differences resists the load other processes put on the machine better than a
    // difference of medians
    const added = (rs: LoadReport[], pick: (r: LoadReport) => number) =>
      median(rs.map((x, i) => (pick(x) - pick(directRuns[i]!)) / FRAMES_ON_PATH));
    const summary = targets.map((t) => {
      const rs = results.get(t.name)!;
      return {
        name: t.name,
        throughput: median(rs.map((x) => x.throughput)),
        p50: median(rs.map((x) => x.latencyMs.median)),
        p99: median(rs.map((x) => x.latencyMs.p99)),
        add50: added(rs, (x) => x.latencyMs.median),
        add99: added(rs, (x) => x.latencyMs.p99),
        expired: rs.reduce((s, x) => s + x.expired + x.nacks + x.failed, 0),
      };
    });
    const direct = summary[0]!;
    console.log(
      `\nProxy latency: test.echo at ${framesPerS.toLocaleString('en')} frames/s (${connections} connections, a call every ${rateMs.toFixed(1)} ms each), ${seconds} s per run, median of ${rounds} interleaved runs`,
    );
    console.log('path                         results/s  RTT p50 ms  RTT p99 ms  added per frame p50 ms  p99 ms  lost');
    for (const s of summary) {
      console.log(
        `${s.name.padEnd(27)}  ${s.throughput.toFixed(0).padStart(9)}  ${s.p50.toFixed(3).padStart(10)}  ${s.p99.toFixed(3).padStart(10)}  ${(s === direct ? '–' : s.add50.toFixed(3)).padStart(22)}  ${(s === direct ? '–' : s.add99.toFixed(3)).padStart(6)}  ${String(s.expired).padStart(4)}`,
      );
    }
    console.log(
      `juggler proxy process: ${cpuUsPerFrame.toFixed(1)} µs CPU per frame forwarded (${proxyFrames.toLocaleString('en')} frames, /proc CPU time at 100 Hz)`,
    );
    console.log(`load average (1, 5, 15 min): ${loadAverage()}: other processes on the machine widen the spread`);
    console.log(`trace bus of the traced proxy: ${bus.stats().recorded.toLocaleString('en')} events recorded`);
    console.log(
      `\nreproduce: npm run build:node && npx tsx bench/proxy.ts --seconds ${seconds} --rounds ${rounds} --frames-per-s ${framesPerS} --connections ${connections}`,
    );
    const figures: Figure[] = summary.slice(1).map((s) => ({
      name: `latency added per frame p50 (p99), ${s.name}, ${framesPerS.toLocaleString('en')} frames/s`,
      value: `${s.add50.toFixed(3)} ms (${s.add99.toFixed(3)} ms)`,
      target: '< 0.3 ms p50',
      met: s.add50 < 0.3,
    }));
    figures.push({ name: 'juggler proxy process CPU per frame forwarded', value: `${cpuUsPerFrame.toFixed(1)} µs` });
    summarise('proxy', figures);
  } finally {
    await traced.close();
    await bus.close();
    await Promise.all([stop(cliProxy.child), stop(callee.child)]);
    await server.stop();
    await redis.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
