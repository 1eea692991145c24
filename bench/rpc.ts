// RPC round-trip benchmark: `juggler server` + `juggler callee --demo` + `juggler load` as separate
// processes on a private redis-server. Throughput at several connection counts (the next call as soon
// as the previous result arrives), then latency at half of the best rate (calls paced per connection),
// and redis-benchmark's LPUSH/RPOP on the same redis as the ceiling. Prints figures and the command;
// asserts nothing.
//   npx tsx bench/rpc.ts [--seconds 5] [--connections 1,10,100,1000] [--pace-ms 10] [--cpu-prof DIR]
//                        [--pace-connections N] [--realtime] [--procs 1,2] [--procs-connections 100] [--sched rr,none]
// --cpu-prof DIR writes a V8 CPU profile of the server, the callee and the load process to DIR.
// --procs: then, for each N, `juggler server --procs N` and `juggler callee --procs N` (issue 15): round
// trips/s and CPU per round trip (each side's processes added up, the supervisor's included) at
// --procs-connections, how the connections were spread over the server processes, and what that
// predicts on a machine with more cores. --sched: node:cluster's policy for N > 1 (rr: the supervisor
// hands out connections round-robin, juggler's default; none: the OS, workers accepting on one socket).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadReport } from '../src/embedded-server/cli/load';
import { startEmbeddedRedis } from '../src/embedded-server/host/embedded-redis';
import { LatencyHistogram } from './latency-histogram';
import { runLoadProcessWithPid } from './load-process';
import { cpuSeconds, loadAverage, machineCpuSeconds, schedStat, writeSyscalls } from './proc-stats';
import { fmt, summarise } from './summary';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const seconds = Number(arg('seconds', '5'));
const connections = arg('connections', '1,10,100,1000').split(',').map(Number);
const profDir = arg('cpu-prof', '');
// every process the bench starts measures its own event-loop delay (loop-probe.cjs, written to probeDir)
const probeDir = mkdtempSync(join(tmpdir(), 'juggler-loop-probe-'));
const probeEnv = { JUGGLER_LOOP_PROBE_DIR: probeDir };
const execArgv = [...(profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : []), '--require', join(__dirname, 'loop-probe.cjs')];
const bin = join(__dirname, '..', 'bin', 'juggler.js');
const procsList = arg('procs', '1,2').split(',').filter(Boolean).map(Number);
const procsConns = Number(arg('procs-connections', '100'));
const scheds = arg('sched', 'rr').split(',');
/**
 * --realtime: during the half-rate run only, the benchmark's processes (server, callee, redis and the load
 * process, every thread) run SCHED_FIFO (chrt), ahead of whatever else the machine runs: the latency
 * they give when they have the cores to themselves, to tell the code's tail from the sharing's. Needs
 * root; the half-rate run uses about one of the cores, and Linux keeps 5% for others even then.
 */
const rt = process.argv.includes('--realtime');
function realtime(pids: number[], on: boolean): void {
  for (const pid of pids) {
    try {
      execFileSync('chrt', on ? ['-a', '-f', '-p', '1', String(pid)] : ['-a', '-o', '-p', '0', String(pid)], { stdio: 'ignore' });
    } catch {
      if (on) throw new Error(`--realtime: chrt -f could not raise process ${pid} (it needs root)`);
    }
  }
}
/** Only the --procs table (for comparing --sched policies without the whole run). */
const onlyProcs = process.argv.includes('--only-procs');

function startProc(args: string[], ready: RegExp, env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; out: () => string }> {
  const child = spawn(process.execPath, [...execArgv, bin, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...probeEnv, ...env },
  });
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

interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}
/**
 * The event-loop delay a process measured since the previous call (loop-probe.cjs): SIGUSR2 makes it
 * write its figures and start over. Only for processes started with the probe (a signal it does not
 * handle would end the process).
 */
async function loopDelay(pid: number): Promise<LoopDelay | undefined> {
  const file = join(probeDir, `${pid}.json`);
  if (existsSync(file)) unlinkSync(file);
  try {
    process.kill(pid, 'SIGUSR2');
  } catch {
    return undefined;
  }
  for (let i = 0; i < 150 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 20));
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LoopDelay) : undefined;
}

/** Round trips of PING on a connection of its own, one at a time, every 10 ms: redis's latency as a client sees it. */
function pingRedis(port: number): { stop(): LatencyHistogram } {
  const h = new LatencyHistogram();
  const sock = tcpConnect(port, '127.0.0.1');
  sock.setNoDelay(true);
  let sentAt = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const ping = () => {
    if (stopped) return;
    sentAt = performance.now();
    sock.write('PING\r\n');
  };
  sock.on('data', () => {
    h.add(performance.now() - sentAt);
    timer = setTimeout(ping, 10);
  });
  sock.on('connect', ping);
  sock.on('error', () => undefined);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      sock.destroy();
      return h;
    },
  };
}

/** Calls and µs spent per command, from redis' INFO commandstats (the time redis ran each, not queueing). */
function commandStats(port: number): Map<string, { calls: number; usec: number }> {
  const out = new Map<string, { calls: number; usec: number }>();
  try {
    const text = execFileSync('redis-cli', ['-p', String(port), 'INFO', 'commandstats'], { encoding: 'utf8' });
    for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) out.set(m[1]!, { calls: Number(m[2]), usec: Number(m[3]) });
  } catch {
    // redis-cli missing: the column stays empty
  }
  return out;
}

/** Where a run's time went, beside its latency: see the table "where the time goes". */
interface TimeSpent {
  loop: Partial<Record<'server' | 'callee' | 'load', LoopDelay>>;
  /** Main thread's run-queue wait per round trip (µs), and per time it was run (µs). */
  waitPerRt: Record<Side | 'load', number>;
  waitPerRun: Record<Side | 'load', number>;
  redisPing: { p50: number; p99: number };
  /** µs redis ran each command, for the busiest commands of the run. */
  redisUsecPerCall: [string, number][];
  /** Cores the whole machine kept busy during the run, and how many of them went to other work than this benchmark's. */
  coresBusy: number;
  coresOthers: number;
}

type Side = 'server' | 'callee' | 'redis';
/** The processes of each side: a --procs N server or callee is its supervisor and N workers. */
type Pids = Record<Side, number[]>;
const sum = (pids: number[], f: (pid: number) => number) => pids.reduce((n, pid) => n + f(pid), 0);

/** `juggler server` and `juggler callee --demo`, with --procs N, on `redisUrl`. */
async function startStack(redisUrl: string, redisPid: number | undefined, procs: number, sched?: string) {
  const env = sched ? { NODE_CLUSTER_SCHED_POLICY: sched } : {};
  const p = ['--procs', String(procs)];
  const server = await startProc(['server', ...p, '--addr', '127.0.0.1:0', '--redis', redisUrl], /listening on (ws:\/\/\S+)/, env);
  const url = /listening on (ws:\/\/\S+)/.exec(server.out())![1]!;
  const callee = await startProc(['callee', ...p, '--redis', redisUrl, '--demo', '--quiet', '--workers', '100'], /serving/);
  const workers = (out: string) => (/processes, pids ([\d, ]+)\n/.exec(out)?.[1] ?? '').split(', ').filter(Boolean).map(Number);
  const pids: Pids = {
    server: [server.child.pid!, ...workers(server.out())],
    callee: [callee.child.pid!, ...workers(callee.out())],
    redis: redisPid ? [redisPid] : [],
  };
  return { url, pids, stop: () => Promise.all([stop(server), stop(callee)]) };
}

/** How many connections each server process took (its TotalConns), from the summed /debug/vars. */
async function connsPerProcess(url: string): Promise<Map<number, number>> {
  const vars = (await (await fetch(`${new URL(url).origin.replace('ws:', 'http:')}/debug/vars`)).json()) as {
    juggler: { TotalConns?: number };
    juggler_ts: { Processes?: { Pid: number; TotalConns: number }[] };
  };
  return new Map(vars.juggler_ts.Processes?.map((p) => [p.Pid, p.TotalConns]) ?? [[0, vars.juggler.TotalConns ?? 0]]);
}

const ms = (v: number, d = 2) => v.toFixed(d).padStart(7);

async function main(): Promise<void> {
  const redis = await startEmbeddedRedis();
  let stack = await startStack(redis.url, redis.pid, 1);
  // CPU per round trip, by side: steadier than throughput when other work shares the machine
  const cpu: Map<LoadReport, Record<Side | 'load', number>> = new Map();
  // and the socket writes per round trip: on loopback each is a syscall that also does the receiver's work
  const syscw: Map<LoadReport, Record<Side, number>> = new Map();
  const spent: Map<LoadReport, TimeSpent> = new Map();
  const load = async (o: { connections: number; rateMs?: number; realtime?: boolean }) => {
    const { url, pids } = stack;
    // a pause between runs: the server and callee finish closing the previous run's connections (1,000
    // of them after the last back-to-back run) before the next is measured
    await new Promise((r) => setTimeout(r, 2000));
    // event-loop probes of single-process sides start over (a --procs N side's workers are not probed)
    const probed = (['server', 'callee'] as const).filter((k) => pids[k].length === 1);
    for (const k of probed) await loopDelay(pids[k][0]!);
    const sched = (list: number[]) =>
      list.reduce(
        (a, pid) => {
          const st = read(pid, (p) => schedStat(p).waitNs);
          const sl = read(pid, (p) => schedStat(p).slices);
          return { waitNs: a.waitNs + st, slices: a.slices + sl };
        },
        { waitNs: 0, slices: 0 },
      );
    const sBefore = Object.fromEntries(Object.entries(pids).map(([k, list]) => [k, sched(list)]));
    const cBefore = commandStats(redis.port);
    const pinger = pingRedis(redis.port);
    const machineBefore = machineCpuSeconds();
    const wallBefore = performance.now();
    const before = Object.fromEntries(Object.entries(pids).map(([k, list]) => [k, sum(list, cpuMs)]));
    const wBefore = Object.fromEntries(Object.entries(pids).map(([k, list]) => [k, sum(list, writes)]));
    let loadSchedAtStart = { waitNs: 0, slices: 0 };
    let loadSched = { waitNs: 0, slices: 0 };
    const run = runLoadProcessWithPid(url, {
      ...o,
      seconds,
      execArgv,
      env: probeEnv,
      onStarted: () => {
        // its connections are open: its loop probe and run-queue figures count from here
        if (run.pid) process.kill(run.pid, 'SIGUSR2');
        if (o.realtime && run.pid) realtime([run.pid], true);
        loadSchedAtStart = sched(run.pid ? [run.pid] : []);
      },
    });
    // the load process's CPU, sampled while it runs (it is gone when its report arrives)
    let loadCpu = 0;
    const sampler = setInterval(() => {
      const v = cpuMs(run.pid);
      if (!Number.isNaN(v)) loadCpu = v;
      const st = sched(run.pid ? [run.pid] : []);
      if (!Number.isNaN(st.waitNs)) loadSched = st;
    }, 100);
    const r = await run.done.finally(() => clearInterval(sampler));
    const n = Math.max(1, r.results);
    const ping = pinger.stop();
    const machineCpuMs = (machineCpuSeconds() - machineBefore) * 1000;
    const wallMs = performance.now() - wallBefore;
    const oursMs = Object.entries(pids).reduce((a, [k, list]) => a + sum(list, cpuMs) - before[k]!, 0) + loadCpu;
    const sAfter = Object.fromEntries(Object.entries(pids).map(([k, list]) => [k, sched(list)]));
    const cAfter = commandStats(redis.port);
    const loop: TimeSpent['loop'] = {};
    for (const k of probed) loop[k] = await loopDelay(pids[k][0]!);
    const loadFile = join(probeDir, `${run.pid}.json`);
    if (existsSync(loadFile)) loop.load = JSON.parse(readFileSync(loadFile, 'utf8')) as LoopDelay;
    const waitOf = (k: string, a: { waitNs: number; slices: number }, b: { waitNs: number; slices: number }) =>
      [k, { rt: (b.waitNs - a.waitNs) / 1000 / n, run: (b.waitNs - a.waitNs) / 1000 / Math.max(1, b.slices - a.slices) }] as const;
    const waits = Object.fromEntries([
      ...Object.keys(pids).map((k) => waitOf(k, sBefore[k]!, sAfter[k]!)),
      waitOf('load', loadSchedAtStart, loadSched),
    ]);
    const usec = [...cAfter]
      .map(([cmd, v]) => {
        const b = cBefore.get(cmd) ?? { calls: 0, usec: 0 };
        return [cmd, v.calls - b.calls, v.usec - b.usec] as const;
      })
      // the commands the server and callee send (those their scripts run are counted apart by redis)
      .filter(([cmd, calls]) => calls > 0 && ['evalsha', 'blmpop', 'brpop', 'rpop', 'lpush'].includes(cmd))
      .sort((a, b) => b[1] - a[1])
      .map(([cmd, calls, us]) => [cmd, us / calls] as [string, number]);
    spent.set(r, {
      loop,
      waitPerRt: Object.fromEntries(Object.entries(waits).map(([k, v]) => [k, v.rt])) as TimeSpent['waitPerRt'],
      waitPerRun: Object.fromEntries(Object.entries(waits).map(([k, v]) => [k, v.run])) as TimeSpent['waitPerRun'],
      redisPing: { p50: ping.percentile(0.5), p99: ping.percentile(0.99) },
      redisUsecPerCall: usec,
      coresBusy: machineCpuMs / wallMs,
      coresOthers: Math.max(0, machineCpuMs - oursMs) / wallMs,
    });
    syscw.set(
      r,
      Object.fromEntries(Object.entries(pids).map(([k, list]) => [k, (sum(list, writes) - wBefore[k]!) / n])) as Record<Side, number>,
    );
    cpu.set(r, {
      ...Object.fromEntries(Object.entries(pids).map(([k, list]) => [k, ((sum(list, cpuMs) - before[k]!) * 1000) / n])),
      load: (loadCpu * 1000) / n,
    } as Record<Side | 'load', number>);
    return r;
  };
  try {
    if (!onlyProcs) await mainTable();
    if (procsList.length > 0) await procsTable();
  } finally {
    await stack.stop();
    await redis.stop();
    rmSync(probeDir, { recursive: true, force: true });
  }

  /** --procs N: the same stack with N server and N callee processes, back-to-back at --procs-connections. */
  async function procsTable(): Promise<void> {
    const runs: { procs: number; sched: string; r: LoadReport; spread: number[] }[] = [];
    for (const n of procsList) {
      for (const sched of n > 1 ? scheds : ['']) {
        await stack.stop();
        stack = await startStack(redis.url, redis.pid, n, sched || undefined);
        await load({ connections: 10 }); // warm-up, not counted
        const before = await connsPerProcess(stack.url);
        const r = await load({ connections: procsConns });
        const after = await connsPerProcess(stack.url);
        const spread = [...after].map(([pid, c]) => c - (before.get(pid) ?? 0)).sort((a, b) => b - a);
        runs.push({ procs: n, sched, r, spread });
      }
    }
    console.log(
      `\njuggler server --procs N + juggler callee --procs N, ${procsConns} connections back-to-back, ${seconds} s per run, on ${cpus().length} cores shared with redis and the load process`,
    );
    console.log('procs  sched  results/s   CPU µs per round trip: server callee redis load  total   connections per server process');
    for (const { procs, sched, r, spread } of runs) {
      const c = cpu.get(r)!;
      const total = c.server + c.callee + c.redis + c.load;
      console.log(
        `${String(procs).padStart(5)}  ${(sched || '-').padEnd(5)}  ${r.throughput.toFixed(0).padStart(9)}   ${[c.server, c.callee, c.redis, c.load].map((x) => x.toFixed(0).padStart(6)).join(' ')}  ${total.toFixed(0).padStart(5)}   ${spread.join(' / ')}`,
      );
    }
    console.log(`load average ${loadAverage()}`);
    // what more cores would give: every side but redis scales with its processes; redis runs commands on
    // one thread, so its CPU per round trip bounds the rate whatever N is. Measured here, a round trip
    // costs more with N = 2 than with 1 (each process batches fewer calls per event-loop turn into one
    // redis command and one socket write), so the figures of the largest N are the ones to scale from.
    const most = runs.reduce((a, b) => (b.procs > a.procs ? b : a));
    const c = cpu.get(most.r)!;
    const redisBound = 1e6 / c.redis;
    const needServer = Math.ceil(c.server / c.redis);
    const needCallee = Math.ceil(c.callee / c.redis);
    console.log(
      `\nHere every process shares ${cpus().length} cores, so N > 1 adds no CPU: the rate is about ${cpus().length} cores / total CPU per round trip, whatever N,\n` +
        `and a little lower with N > 1 (more CPU per round trip). On a machine with a core for each process, each side scales\n` +
        `with its processes until redis, one thread, bounds the rate: from the --procs ${most.procs} run, 1 s / ${c.redis.toFixed(0)} µs of redis CPU per\n` +
        `round trip ≈ ${fmt(redisBound)} round trips/s, reached with about ${needServer} server and ${needCallee} callee processes (their CPU per round trip\n` +
        `over redis's) and load generators on cores of their own (${c.load.toFixed(0)} µs per round trip). Beyond that: a Redis Cluster.`,
    );
    console.log(
      `\nreproduce: npm run build:node && npx tsx bench/rpc.ts --only-procs --seconds ${seconds} --procs ${procsList.join(',')} --procs-connections ${procsConns} --sched ${scheds.join(',')}`,
    );
    summarise('rpc', [
      ...runs.map(({ procs, sched, r }) => {
        const c = cpu.get(r)!;
        return {
          name: `--procs ${procs}${sched ? ` (${sched})` : ''}: round trips/s, ${procsConns} conns; CPU µs/round trip server+callee`,
          value: `${fmt(r.throughput)}/s; ${(c.server + c.callee).toFixed(0)} µs`,
        };
      }),
      { name: 'expected on more cores (redis-bound)', value: `${fmt(redisBound)}/s with ${needServer} server, ${needCallee} callee procs` },
    ]);
  }

  async function mainTable(): Promise<void> {
    await load({ connections: 10 }); // warm-up (JIT, redis script cache), not counted
    const rows: LoadReport[] = [];
    for (const c of connections) rows.push(await load({ connections: c }));
    const best = rows.reduce((a, b) => (b.throughput > a.throughput ? b : a));
    // half of the best rate, each connection calling every --pace-ms (default 10: node's timers fire on
    // whole milliseconds, so a shorter pace would run fast), over as many connections as that takes
    const paceMs = Number(arg('pace-ms', '10'));
    // --pace-connections N: a fixed paced load instead, so that two builds compare on identical commands
    const paceConns = Number(arg('pace-connections', '0')) || Math.max(1, Math.round((best.throughput / 2) * (paceMs / 1000)));
    const rateMs = paceMs;
    const stackPids = [...stack.pids.server, ...stack.pids.callee, ...stack.pids.redis];
    if (rt) realtime(stackPids, true);
    const half = await load({ connections: paceConns, rateMs, realtime: rt }).finally(() => rt && realtime(stackPids, false));
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
    console.log(
      `(the last row: each connection calls every ${rateMs.toFixed(1)} ms, half of the best rate ${fmt(best.throughput)}/s${rt ? '; server, callee, redis and load ran SCHED_FIFO, ahead of other work' : ''})`,
    );
    console.log(
      "\nwhere the time goes, per run: each process's event-loop delay (how late a 2 ms timer fired: the loop busy, or the process waiting for a core),\n" +
        "its main thread's wait for a core (µs per round trip / µs each time it was run, /proc/PID/schedstat), redis PING round trips on a\n" +
        'connection of their own every 10 ms, the µs redis ran each command the server and callee send (INFO commandstats),\n' +
        `and how many of the ${cpus().length} cores the machine kept busy during the run, and how many of those went to work other than this benchmark's`,
    );
    console.log(
      'connections  pace         loop delay p50/p99/max ms: server        callee          load   core wait µs per round trip / per run: server     callee      redis       load   redis PING p50/p99 ms   cores busy/others   redis µs per call',
    );
    const spentLine = (r: LoadReport, pace: string) => {
      const t = spent.get(r)!;
      const d = (l: LoopDelay | undefined) => (l ? `${l.p50.toFixed(1)}/${l.p99.toFixed(1)}/${l.max.toFixed(0)}` : '-').padStart(13);
      const w = (k: Side | 'load') => `${t.waitPerRt[k].toFixed(0)}/${t.waitPerRun[k].toFixed(0)}`.padStart(10);
      console.log(
        `${String(r.connections).padStart(11)}  ${pace.padEnd(11)}  ${' '.repeat(13)}${d(t.loop.server)}  ${d(t.loop.callee)}  ${d(t.loop.load)}  ${' '.repeat(27)}${w('server')} ${w('callee')} ${w('redis')} ${w('load')}   ${`${t.redisPing.p50.toFixed(2)}/${t.redisPing.p99.toFixed(2)}`.padStart(20)}   ${`${t.coresBusy.toFixed(2)}/${t.coresOthers.toFixed(2)}`.padStart(17)}   ${t.redisUsecPerCall.map(([c, us]) => `${c} ${us.toFixed(1)}`).join(', ')}`,
      );
    };
    for (const r of rows) spentLine(r, 'back-to-back');
    spentLine(half, `${rateMs.toFixed(1)} ms`);
    console.log(
      `\nredis-benchmark -t lpush,rpop -c 50 -n 200000 (no pipelining) on the same redis: LPUSH ${fmt(lpush)}/s, RPOP ${fmt(ceiling.RPOP ?? Number.NaN)}/s`,
    );
    const ratio = best.throughput / lpush;
    console.log(`best RPC round trips / LPUSH: ${(100 * ratio).toFixed(1)}%`);
    console.log(`load average ${loadAverage()}`);
    console.log(
      `\nreproduce: npm run build:node && npx tsx bench/rpc.ts --seconds ${seconds} --connections ${connections.join(',')} --pace-ms ${paceMs}${arg('pace-connections', '') ? ` --pace-connections ${paceConns}` : ''}${rt ? ' --realtime' : ''}`,
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
        name: `p50 at half the best rate (${fmt(half.throughput)}/s)${rt ? ', SCHED_FIFO' : ''}`,
        value: `${l.median.toFixed(2)} ms`,
        target: '< 2 ms',
        met: l.median < 2,
      },
      { name: 'p99 at half the best rate', value: `${l.p99.toFixed(2)} ms`, target: '< 10 ms', met: l.p99 < 10 },
      ...(['server', 'callee', 'load'] as const).map((k) => {
        const d = spent.get(half)!.loop[k];
        return {
          name: `half rate: ${k} event-loop delay p50/p99/max`,
          value: d ? `${d.p50.toFixed(2)}/${d.p99.toFixed(2)}/${d.max.toFixed(1)} ms` : '-',
        };
      }),
      {
        name: 'half rate: core wait µs per round trip, server/callee/redis/load',
        value: (['server', 'callee', 'redis', 'load'] as const).map((k) => spent.get(half)!.waitPerRt[k].toFixed(0)).join('/'),
      },
      {
        name: 'half rate: cores busy, of them with other work',
        value: `${spent.get(half)!.coresBusy.toFixed(2)}, ${spent.get(half)!.coresOthers.toFixed(2)} of ${cpus().length}`,
      },
      {
        name: 'half rate: redis PING p50/p99',
        value: `${spent.get(half)!.redisPing.p50.toFixed(2)}/${spent.get(half)!.redisPing.p99.toFixed(2)} ms`,
      },
    ]);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
