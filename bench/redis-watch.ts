// Redis watch benchmark: the MONITOR command rate the watch keeps up with.
// 1. In process: MONITOR lines of RPC traffic (the lines a TS server and callee make per call, with
//    their scripts' own lines) parsed, and parsed + translated into juggler operations: lines/s.
// 2. End to end: `juggler server` + `juggler callee --demo` on an embedded redis, `juggler load` at full
//    speed, first without the watch, then with it: round trips/s both ways (what MONITOR costs), the
//    commands/s redis executed (INFO commandstats) against the commands/s the watch saw, and its drops.
// Prints figures and the command that reproduces them; asserts nothing.
//   npx tsx bench/redis-watch.ts [--seconds 8] [--connections 100] [--in-process-only]
import { type ChildProcess, spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { startEmbeddedRedis } from '../src/embedded-server/host/embedded-redis';
import { parseMonitorLine, quoteLikeRedis } from '../src/embedded-server/watch/monitor-line';
import { RedisWatch } from '../src/embedded-server/watch/redis-watch';
import { Translator, type WatchedOp } from '../src/embedded-server/watch/translate';
import { runLoadProcess } from './load-process';
import { fmt, summarise } from './summary';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const seconds = Number(arg('seconds', '8'));
const connections = Number(arg('connections', '100'));
const bin = join(__dirname, '..', 'bin', 'juggler.js');

/** The MONITOR lines of `calls` calls as our server and callee make them (single pushes and checks). */
function syntheticLines(calls: number): string[] {
  const q = (s: string) => quoteLikeRedis(Buffer.from(s));
  const lines: string[] = [];
  let t = 1_796_000_000;
  const ts = () => {
    t += 0.000013;
    return t.toFixed(6);
  };
  for (let i = 0; i < calls; i++) {
    const m = `${String(i).padStart(8, '0')}-3217-4b99-bf07-fdc7e7f47c7e`;
    const conn = 'f266693c-8c0b-447d-af40-3725ac3d0dda';
    const payload = q(JSON.stringify({ conn_uuid: conn, msg_uuid: m, uri: 'test.echo', args: { hello: 'world', n: i } }));
    const ctk = q(`juggler:calls:timeout:{test.echo}:${m}`);
    const rtk = q(`juggler:results:timeout:{${conn}}:${m}`);
    lines.push(
      `${ts()} [0 127.0.0.1:40001] "evalsha" "b0cdecc8e595fb86f90aa79d69ba149d92d94b0b" "2" ${ctk} "juggler:calls:{test.echo}" "1000" ${payload} "0"`,
      `${ts()} [0 lua] "SET" ${ctk} "1000" "PX" "1000"`,
      `${ts()} [0 lua] "LPUSH" "juggler:calls:{test.echo}" ${payload}`,
      `${ts()} [0 127.0.0.1:40002] "blmpop" "0" "3" "juggler:calls:{test.delay}" "juggler:calls:{test.echo}" "juggler:calls:{test.reverse}" "RIGHT" "COUNT" "64"`,
      `${ts()} [0 127.0.0.1:40003] "evalsha" "f17b6ff7e39434a85d2df60188240da5d1e4d65b" "1" ${ctk}`,
      `${ts()} [0 lua] "PTTL" ${ctk}`,
      `${ts()} [0 lua] "DEL" ${ctk}`,
      `${ts()} [0 127.0.0.1:40003] "evalsha" "b0cdecc8e595fb86f90aa79d69ba149d92d94b0b" "2" ${rtk} "juggler:results:{${conn}}" "999" ${payload} "0"`,
      `${ts()} [0 lua] "SET" ${rtk} "999" "PX" "999"`,
      `${ts()} [0 lua] "LPUSH" "juggler:results:{${conn}}" ${payload}`,
      `${ts()} [0 127.0.0.1:40004] "blmpop" "0" "1" "juggler:results:{${conn}}" "RIGHT" "COUNT" "64"`,
      `${ts()} [0 127.0.0.1:40001] "evalsha" "f17b6ff7e39434a85d2df60188240da5d1e4d65b" "1" ${rtk}`,
      `${ts()} [0 lua] "PTTL" ${rtk}`,
      `${ts()} [0 lua] "DEL" ${rtk}`,
    );
  }
  return lines;
}

function inProcess(): { parse: number; translate: number } {
  const lines = syntheticLines(50_000);
  const bytes = lines.reduce((n, l) => n + l.length, 0);
  // best of 3 runs each: the machine is shared, and the first run also pays for compilation
  let parseMs = Number.POSITIVE_INFINITY;
  let bothMs = Number.POSITIVE_INFINITY;
  let ops = 0;
  for (let run = 0; run < 3; run++) {
    let t0 = performance.now();
    for (const l of lines) parseMonitorLine(l);
    parseMs = Math.min(parseMs, performance.now() - t0);
    const tr = new Translator();
    const out: WatchedOp[] = [];
    ops = 0;
    t0 = performance.now();
    for (const l of lines) {
      tr.translate(parseMonitorLine(l), out);
      ops += out.length;
      out.length = 0;
    }
    bothMs = Math.min(bothMs, performance.now() - t0);
  }
  const parse = lines.length / (parseMs / 1000);
  const translate = lines.length / (bothMs / 1000);
  console.log(
    `in process (best of 3): ${fmt(lines.length)} lines (${fmt(bytes / lines.length)} B each, 14 per call), ${fmt(ops)} operations`,
  );
  console.log(`  parse:              ${fmt(parse)} lines/s`);
  console.log(`  parse + translate:  ${fmt(translate)} lines/s (${fmt(translate / 14)} calls/s)`);
  return { parse, translate };
}

/** Starts a `juggler` process; resolves with it and the first match of `ready` in its output. */
function startProc(args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = out.match(ready);
      if (m) resolve({ child, match: m });
    });
    child.stderr!.on('data', (b: Buffer) => {
      out += b.toString();
    });
    child.once('exit', (code) => reject(new Error(`juggler ${args[0]} exited with ${code}:\n${out}`)));
  });
}

async function stop(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null) return;
  const exited = new Promise((r) => c.once('exit', r));
  c.kill('SIGTERM');
  await exited;
}

/** Redis' CPU seconds so far (INFO cpu: user + sys of the main thread and children). */
async function redisCpu(r: Redis): Promise<number> {
  const info = (await r.info('cpu')) as string;
  const v = (k: string) => Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return v('used_cpu_sys') + v('used_cpu_user');
}

/** All commands redis has executed (sum of commandstats calls). */
async function executed(r: Redis): Promise<number> {
  let n = 0;
  for (const m of ((await r.info('commandstats')) as string).matchAll(/calls=(\d+)/g)) n += Number(m[1]);
  return n;
}

async function endToEnd() {
  const redis = await startEmbeddedRedis();
  const server = await startProc(['server', '--addr', '127.0.0.1:0', '--redis', redis.url], /listening on (ws:\/\/\S+)/);
  const serverUrl = server.match[1]!;
  const callee = await startProc(['callee', '--redis', redis.url, '--demo', '--quiet', '--workers', '100'], /serving/);
  const r = new Redis(redis.url);
  try {
    // without the watch
    const b0 = await executed(r);
    const bc0 = await redisCpu(r);
    const base = await runLoadProcess(serverUrl, { connections, seconds });
    const redisUsPerCmdBase = (((await redisCpu(r)) - bc0) * 1e6) / ((await executed(r)) - b0);
    // with it
    let ops = 0;
    const watch = await RedisWatch.start({ url: redis.url, onOps: (_n, o) => (ops += o.length) });
    const e0 = await executed(r);
    const c0 = await redisCpu(r);
    const s0 = watch.status().commands;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const watched = await runLoadProcess(serverUrl, { connections, seconds });
    const secs = (performance.now() - t0) / 1000;
    const e1 = await executed(r);
    const redisUsPerCmd = (((await redisCpu(r)) - c0) * 1e6) / (e1 - e0);
    const cpu = process.cpuUsage(cpu0);
    // let the watch finish what it holds
    for (let i = 0; i < 50 && watch.status().nodes.some((n) => n.queued > 0); i++) await new Promise((res) => setTimeout(res, 100));
    const st = watch.status();
    watch.stop();
    const execRate = (e1 - e0) / secs;
    const seenRate = (st.commands - s0) / secs;
    console.log(`\nend to end: ${connections} connections, ${seconds} s per run, test.echo`);
    console.log(
      `  round trips/s without the watch: ${fmt(base.throughput)}; with it: ${fmt(watched.throughput)} (${fmt((1 - watched.throughput / base.throughput) * 100, 1)}% fewer)`,
    );
    console.log(
      `  redis executed ${fmt(execRate)} commands/s; the watch saw ${fmt(seenRate)}/s, dropped ${fmt(st.dropped)}, recognised ${fmt(ops)} juggler operations`,
    );
    const watchUs = (cpu.user + cpu.system) / (st.commands - s0) || 0;
    console.log(
      `  CPU per command: redis ${fmt(redisUsPerCmdBase, 1)} µs without MONITOR, ${fmt(redisUsPerCmd, 1)} µs with it; the watch's process ${fmt(watchUs, 1)} µs`,
    );
    return {
      base: base.throughput,
      watched: watched.throughput,
      execRate,
      seenRate,
      dropped: st.dropped,
      redisUsPerCmdBase,
      redisUsPerCmd,
      watchUs,
    };
  } finally {
    r.disconnect();
    await stop(callee.child);
    await stop(server.child);
    await redis.stop();
  }
}

async function main() {
  console.log(`redis watch benchmark: ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)}`);
  const ip = inProcess();
  if (process.argv.includes('--in-process-only')) return;
  const e = await endToEnd();
  console.log(`\nreproduce: npx tsx bench/redis-watch.ts --seconds ${seconds} --connections ${connections}`);
  summarise('redis-watch', [
    { name: 'MONITOR lines/s: parse; parse + translate (in process)', value: `${fmt(ip.parse)}; ${fmt(ip.translate)}` },
    {
      name: `commands/s redis executed vs the watch saw under juggler load (${connections} connections); dropped`,
      value: `${fmt(e.execRate)} vs ${fmt(e.seenRate)}; ${fmt(e.dropped)}`,
    },
    { name: 'round trips/s without / with the watch (MONITOR cost)', value: `${fmt(e.base)} / ${fmt(e.watched)}` },
    {
      name: 'CPU per command: redis without / with MONITOR; the watch',
      value: `${fmt(e.redisUsPerCmdBase, 1)} / ${fmt(e.redisUsPerCmd, 1)} µs; ${fmt(e.watchUs, 1)} µs`,
    },
  ]);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
