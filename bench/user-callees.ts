// Callee throughput: the same echo handler as a plain in-process thunk (Callee) and as a user callee
// handler (worker threads, one call per worker at a time). N calls are queued in redis first, then the
// callee is started and timed until every result is stored. Prints figures; asserts nothing.
// "popped" is how many calls the callee holds at once (Callee workers; concurrency × prefetch for the
// user callees), the depth that hides redis round trips.
//   npx tsx bench/user-callees.ts [--calls 20000] [--workers 8,10] [--concurrency 1,2,4]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { RedisBroker } from '../src/embedded-server/broker/redis/broker';
import { resultKey } from '../src/embedded-server/broker/redis/keys';
import { Callee } from '../src/embedded-server/callee/callee';
import { startEmbeddedRedis } from '../src/embedded-server/host/embedded-redis';
import { RawJson } from '../src/embedded-server/message';
import { UserCallees } from '../src/embedded-server/user-callees';
import { compileHandler } from '../src/embedded-server/user-callees/compile';
import { HandlerPool } from '../src/embedded-server/user-callees/handler-pool';
import { withDefaultLimits } from '../src/embedded-server/user-callees/limits';
import { fmt, summarise } from './summary';

/** Calls/s of a pool without redis: `inFlight` calls at a time, `calls` in all. */
async function poolOnly(concurrency: number, inFlight: number): Promise<number> {
  const c = await compileHandler('export default (a) => a;', 'js', 'bench.js');
  if (!c.ok) throw new Error('compile');
  const limits = withDefaultLimits({ concurrency });
  const pool = new HandlerPool({
    init: { code: c.code, filename: 'bench.js', uri: 'bench', allowedModules: limits.allowedModules, maxLogChars: 100 },
    limits,
    onLog: () => undefined,
  });
  await pool.warm();
  await new Promise((r) => setTimeout(r, 200)); // the other workers start in the background
  const args = { hello: 'world', n: 42 };
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < calls) {
        const ctx = { uri: 'bench', msgUUID: 'm', ttlMs: 60_000 };
        JSON.parse(await pool.run(args, ctx, performance.now() + 60_000));
      }
    }),
  );
  const ms = performance.now() - t0;
  pool.close();
  return (calls * 1000) / ms;
}

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : def;
};
const calls = Number(arg('calls', '20000'));
const workers = arg('workers', '8,10').split(',').map(Number);
const levels = arg('concurrency', '1,2,4').split(',').map(Number);
const prefetch = 4; // the user callees' default

async function queue(broker: RedisBroker, uri: string, conn: string): Promise<void> {
  const args = new RawJson(JSON.stringify({ hello: 'world', n: 42 }));
  for (let i = 0; i < calls; i += 1000) {
    await Promise.all(
      Array.from({ length: Math.min(1000, calls - i) }, () =>
        broker.call({ conn_uuid: conn, msg_uuid: crypto.randomUUID(), uri, args }, 120_000),
      ),
    );
  }
}

async function timeUntilAnswered(raw: Redis, conn: string, start: () => void): Promise<number> {
  const t0 = performance.now();
  start();
  while ((await raw.llen(resultKey(conn))) < calls) await new Promise((r) => setTimeout(r, 5));
  const ms = performance.now() - t0;
  await raw.del(resultKey(conn));
  return ms;
}

async function main(): Promise<void> {
  const redis = await startEmbeddedRedis();
  const broker = await RedisBroker.connect({ url: redis.url });
  const raw = new Redis(redis.url);
  const dataDir = await mkdtemp(join(tmpdir(), 'bench-user-callees-'));
  const rows: { kind: string; popped: number; perS: number }[] = [];
  try {
    for (const c of workers) {
      const uri = `bench.plain.${c}`;
      const conn = crypto.randomUUID();
      await queue(broker, uri, conn);
      const callee = new Callee({ broker, workers: c, handlers: { [uri]: (a) => a } });
      const ms = await timeUntilAnswered(raw, conn, () => callee.start());
      await callee.stop();
      rows.push({ kind: `in-process thunk, Callee workers ${c}`, popped: c, perS: (calls * 1000) / ms });
    }
    for (const c of levels) {
      const uri = `bench.user.${c}`;
      const conn = crypto.randomUUID();
      const pg = await UserCallees.open({ broker, dataDir: join(dataDir, String(c)), limits: { concurrency: c, prefetch } });
      await pg.save(uri, 'export default (a) => a;', 'js');
      await pg.stop(uri);
      await queue(broker, uri, conn);
      const ms = await timeUntilAnswered(raw, conn, () => void pg.start(uri));
      await pg.close();
      rows.push({ kind: `user callee, ${c} worker thread${c > 1 ? 's' : ''}`, popped: c * prefetch, perS: (calls * 1000) / ms });
    }
    console.log(`\nCallee throughput, echo of a small object, ${calls} calls queued in redis first, then served`);
    console.log('handler                              popped   calls/s');
    for (const r of rows) console.log(`${r.kind.padEnd(36)} ${String(r.popped).padStart(6)}  ${r.perS.toFixed(0).padStart(8)}`);
    console.log('\nWorker round trip alone (no redis): HandlerPool.run, echo');
    for (const [c, f] of [
      [1, 1],
      [1, 8],
      [2, 8],
    ] as const) {
      console.log(`  ${c} worker thread${c > 1 ? 's' : ''}, ${f} calls in flight: ${(await poolOnly(c, f)).toFixed(0)} calls/s`);
    }
    summarise(
      'user-callees',
      rows.map((r) => ({ name: `callee calls/s, ${r.kind}`, value: `${fmt(r.perS)}/s` })),
    );
    console.log(
      `\nreproduce: npx tsx bench/user-callees.ts --calls ${calls} --workers ${workers.join(',')} --concurrency ${levels.join(',')}`,
    );
  } finally {
    await broker.close();
    raw.disconnect();
    await redis.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
