// RPC round-trip benchmark: `juggler server` + `juggler callee --demo` + `juggler load` as separate
// processes on a private redis-server, at several connection counts, next to redis-benchmark's
// LPUSH/RPOP on the same redis as the ceiling. Prints figures and the command; asserts nothing.
//   npx tsx bench/rpc.ts [--seconds 5] [--connections 1,10,100]
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { LoadReport } from '../src/embedded-server/cli/load';
import { startEmbeddedRedis } from '../src/embedded-server/host/embedded-redis';
import { runLoadProcess } from './load-process';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const seconds = Number(arg('seconds', '5'));
const connections = arg('connections', '1,10,100').split(',').map(Number);
const bin = join(__dirname, '..', 'bin', 'juggler.js');

function startProc(args: string[], ready: RegExp): Promise<{ child: ChildProcess; out: () => string }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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

async function main(): Promise<void> {
  const redis = await startEmbeddedRedis();
  const port = redis.port;
  const server = await startProc(['server', '--addr', '127.0.0.1:0', '--redis', redis.url], /listening on (ws:\/\/\S+)/);
  const url = /listening on (ws:\/\/\S+)/.exec(server.out())![1]!;
  const callee = await startProc(['callee', '--redis', redis.url, '--demo', '--quiet', '--workers', '100'], /serving/);
  const rows: (LoadReport & { c: number })[] = [];
  try {
    for (const c of connections) {
      rows.push({ ...(await runLoadProcess(url, { connections: c, seconds })), c });
    }
    const ceiling = redisBenchmark(port);
    const lpush = ceiling.LPUSH ?? Number.NaN;
    console.log('\nRPC round trips (CALL → ACK → RES), test.echo, next call as soon as the previous result arrives');
    console.log('connections  results/s  p50 ms  p90 ms  p99 ms  max ms  NACK  expired  % of LPUSH');
    for (const r of rows) {
      const l = r.latencyMs;
      console.log(
        `${String(r.c).padStart(11)}  ${r.throughput.toFixed(0).padStart(9)}  ${l.median.toFixed(2).padStart(6)}  ${l.p90.toFixed(2).padStart(6)}  ${l.p99.toFixed(2).padStart(6)}  ${l.max.toFixed(1).padStart(6)}  ${String(r.nacks).padStart(4)}  ${String(r.expired).padStart(7)}  ${((100 * r.throughput) / lpush).toFixed(1).padStart(10)}`,
      );
    }
    console.log(
      `\nredis-benchmark -t lpush,rpop -c 50 -n 200000 on the same redis: LPUSH ${lpush.toFixed(0)}/s, RPOP ${(ceiling.RPOP ?? Number.NaN).toFixed(0)}/s`,
    );
    console.log(`\nreproduce: npm run build:node && npx tsx bench/rpc.ts --seconds ${seconds} --connections ${connections.join(',')}`);
  } finally {
    server.child.kill('SIGTERM');
    callee.child.kill('SIGTERM');
    await redis.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
