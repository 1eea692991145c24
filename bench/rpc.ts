// RPC round-trip benchmark: `juggler server` + `juggler callee --demo` + `juggler load` as separate
// processes on a private redis-server. Throughput at several connection counts (the next call as soon
// as the previous result arrives), then latency at half of the best rate (calls paced per connection),
// and redis-benchmark's LPUSH/RPOP on the same redis as the ceiling. Prints figures and the command;
// asserts nothing.
//   npx tsx bench/rpc.ts [--seconds 5] [--connections 1,10,100,1000] [--pace-ms 10] [--cpu-prof DIR]
// --cpu-prof DIR writes a V8 CPU profile of the server, the callee and the load process to DIR.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { LoadReport } from '../src/embedded-server/cli/load';
import { startEmbeddedRedis } from '../src/embedded-server/host/embedded-redis';
import { runLoadProcessWithPid } from './load-process';
import { cpuSeconds, loadAverage, writeSyscalls } from './proc-stats';
import { fmt, summarise } from './summary';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const seconds = Number(arg('seconds', '5'));
const connections = arg('connections', '1,10,100,1000').split(',').map(Number);
const profDir = arg('cpu-prof', '');
const execArgv = profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [];
const bin = join(__dirname, '..', 'bin', 'juggler.js');

function startProc(args: string[], ready: RegExp): Promise<{ child: ChildProcess; out: () => string }> {
  const child = spawn(process.execPath, [...execArgv, bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (ready.test(out)) resolve({ child, out: () => out });
    });
    child.stderr!.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.once('exit', (code) => reject(new Error(`juggler ${args[0]} exited with ${code}:\n${out}`)));
  });
}

async function stop(p: { child: ChildProcess }): Promise<void> {
  if (p.child.exitCode !== null) return;
  const exited = new Promise((r) => p.child.once('exit', r));
  p.child.kill('SIGTERM'); // a graceful exit, so that --cpu-prof writes its profile
  await exited;
}

/** redis-benchmark without pipelining: one command per round trip per client, as the issue sets it. */
function redisBenchmark(port: number): Record<string, number> {
  const csv = execFileSync('redis-benchmark', ['-p', String(port), '-t', 'lpush,rpop', '-c', '50', '-n', '200000', '--csv'], {
    encoding: 'utf8',
  });
  const out: Record<string, number> = {};
  for (const line of csv.split('\n').slice(1)) {
    const cells = line.split(',').map((c) => c.replace(/"/g, ''));
    if (cells[0] && cells[1]) out[cells[0]] = Number(cells[1]);
  }
  return out;
}

/** A /proc reading of a process that may be gone (the load process exits when its run ends): NaN then. */
function read(pid: number | undefined, what: (pid: number) => number): number {
  if (!pid) return Number.NaN;
  try {
    return what(pid);
  } catch {
    return Number.NaN;
  }
}
const cpuMs = (pid: number | undefined) => read(pid, cpuSeconds) * 1000;
const writes = (pid: number | undefined) => read(pid, writeSyscalls);

const ms = (v: number, d = 2) => v.toFixed(d).padStart(7);

async function main(): Promise<void> {
  const redis = await startEmbeddedRedis();
  const server = await startProc(['server', '--addr', '127.0.0.1:0', '--redis', redis.url], /listening on (ws:\/\/\S+)/);
  const url = /listening on (ws:\/\/\S+)/.exec(server.out())![1]!;
  const callee = await startProc(['callee', '--redis', redis.url, '--demo', '--quiet', '--workers', '100'], /serving/);
  const pids = { server: server.child.pid, callee: callee.child.pid, redis: redis.pid };
  // CPU per round trip, by process: steadier than throughput when other work shares the machine
  const cpu: Map<LoadReport, Record<keyof typeof pids | 'load', number>> = new Map();
  // and the socket writes per round trip: on loopback each is a syscall that also does the receiver's work
  const syscw: Map<LoadReport, Record<keyof typeof pids, number>> = new Map();
  const load = async (o: { connections: number; rateMs?: number }) => {
    // a pause between runs: the server and callee finish closing the previous run's connections (1,000
    // of them after the last back-to-back run) before the next is measured
    await new Promise((r) => setTimeout(r, 2000));
    const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMs(pid)]));
    const wBefore = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, writes(pid)]));
    const run = runLoadProcessWithPid(url, { ...o, seconds, execArgv });
    // the load process's CPU, sampled while it runs (it is gone when its report arrives)
    let loadCpu = 0;
    const sampler = setInterval(() => {
      const v = cpuMs(run.pid);
      if (!Number.isNaN(v)) loadCpu = v;
    }, 100);
    const r = await run.done.finally(() => clearInterval(sampler));
    const n = Math.max(1, r.results);
    syscw.set(
      r,
      Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, (writes(pid) - wBefore[k]!) / n])) as Record<keyof typeof pids, number>,
    );
    cpu.set(r, {
      ...Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, ((cpuMs(pid) - before[k]!) * 1000) / n])),
      load: (loadCpu * 1000) / n,
    } as Record<keyof typeof pids | 'load', number>);
    return r;
  };
  try {
    await load({ connections: 10 }); // warm-up (JIT, redis script cache), not counted
    const rows: LoadReport[] = [];
    for (const c of connections) rows.push(await load({ connections: c }));
    const best = rows.reduce((a, b) => (b.throughput > a.throughput ? b : a));
    // half of the best rate, each connection calling every --pace-ms (default 10: node's timers fire on
    // whole milliseconds, so a shorter pace would run fast), over as many connections as that takes
    const paceMs = Number(arg('pace-ms', '10'));
    const paceConns = Math.max(1, Math.round((best.throughput / 2) * (paceMs / 1000)));
    const rateMs = paceMs;
    const half = await load({ connections: paceConns, rateMs });
    const ceiling = redisBenchmark(redis.port);
    const lpush = ceiling.LPUSH ?? Number.NaN;

    console.log(
      `\nRPC round trips (CALL → ACK → RES), test.echo, ${seconds} s per run; server, callee, load and redis-server on ${cpus().length} cores`,
    );
    console.log(
      'connections  pace         results/s   p50 ms   p90 ms   p99 ms   max ms  NACK  expired  % of LPUSH   CPU µs per round trip: server callee redis load   writes per round trip: server callee redis',
    );
    const line = (r: LoadReport, pace: string) => {
      const l = r.latencyMs;
      const c = cpu.get(r)!;
      const w = syscw.get(r)!;
      console.log(
        `${String(r.connections).padStart(11)}  ${pace.padEnd(11)}  ${r.throughput.toFixed(0).padStart(9)}  ${ms(l.median)}  ${ms(l.p90)}  ${ms(l.p99)}  ${ms(l.max, 1)}  ${String(r.nacks).padStart(4)}  ${String(r.expired).padStart(7)}  ${((100 * r.throughput) / lpush).toFixed(1).padStart(10)}   ${[c.server, c.callee, c.redis, c.load].map((x) => x.toFixed(0).padStart(6)).join(' ')}   ${[w.server, w.callee, w.redis].map((x) => x.toFixed(2).padStart(6)).join(' ')}`,
      );
    };
    for (const r of rows) line(r, 'back-to-back');
    line(half, `${rateMs.toFixed(1)} ms`);
    console.log(`(the last row: each connection calls every ${rateMs.toFixed(1)} ms, half of the best rate ${fmt(best.throughput)}/s)`);
    console.log(
      `\nredis-benchmark -t lpush,rpop -c 50 -n 200000 (no pipelining) on the same redis: LPUSH ${fmt(lpush)}/s, RPOP ${fmt(ceiling.RPOP ?? Number.NaN)}/s`,
    );
    const ratio = best.throughput / lpush;
    console.log(`best RPC round trips / LPUSH: ${(100 * ratio).toFixed(1)}%`);
    console.log(`load average ${loadAverage()}`);
    console.log(
      `\nreproduce: npm run build:node && npx tsx bench/rpc.ts --seconds ${seconds} --connections ${connections.join(',')} --pace-ms ${paceMs}`,
    );
    const l = half.latencyMs;
    summarise('rpc', [
      ...rows.map((r) => ({ name: `round trips/s, ${r.connections} connections`, value: `${fmt(r.throughput)}/s` })),
      { name: 'redis-benchmark LPUSH -c 50, same redis', value: `${fmt(lpush)}/s` },
      {
        name: `best round trips / LPUSH (${best.connections} conns)`,
        value: `${(100 * ratio).toFixed(1)}%`,
        target: '>= 15%',
        met: ratio >= 0.15,
      },
      {
        name: `p50 at half the best rate (${fmt(half.throughput)}/s)`,
        value: `${l.median.toFixed(2)} ms`,
        target: '< 2 ms',
        met: l.median < 2,
      },
      { name: 'p99 at half the best rate', value: `${l.p99.toFixed(2)} ms`, target: '< 10 ms', met: l.p99 < 10 },
    ]);
  } finally {
    await Promise.all([stop(server), stop(callee)]);
    await redis.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
