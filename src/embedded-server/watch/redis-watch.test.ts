// The watch against real redis-server processes: MONITOR's lines of binary, unicode and quote
// arguments parse back to the bytes sent; starting and stopping it writes nothing; the time limit; a
// cluster is watched on every master.
import Redis, { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RedisCluster, type RedisProcess, startRedis, startRedisCluster } from '../../../test/redis-server';
import { MonitorConnection } from './monitor-connection';
import { type MonitorCommand, parseMonitorLine } from './monitor-line';
import { RedisWatch } from './redis-watch';
import type { WatchedOp } from './translate';

let redis: RedisProcess;
let raw: Redis;
beforeAll(async () => {
  redis = await startRedis();
  raw = new Redis(redis.url);
});
afterAll(async () => {
  raw?.disconnect();
  await redis?.stop();
});

/** Calls of each command (commandstats), e.g. `set` → 3. */
async function commandStats(r: Redis): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const m of ((await r.info('commandstats')) as string).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) out.set(m[1]!, Number(m[2]));
  return out;
}

/** Commands redis flags as writes. */
async function isWrite(r: Redis, cmd: string): Promise<boolean> {
  const info = (await r.call('COMMAND', 'INFO', cmd.split('|')[0]!)) as [string, number, string[]][];
  return info[0]?.[2]?.includes('write') ?? false;
}

describe('MONITOR on a real redis', () => {
  it('binary, unicode, quote and escape arguments come back byte for byte', async () => {
    const seen: MonitorCommand[] = [];
    const mon = await MonitorConnection.open({ url: redis.url, onLine: (l) => seen.push(parseMonitorLine(l)), onClose: () => undefined });
    const values = [
      Buffer.from('plain'),
      Buffer.from('quote " backslash \\ end'),
      Buffer.from('\n\r\t\x07\b\x00\x7f'),
      Buffer.from('unicode é ✓ 🚀'),
      Buffer.from([0, 1, 2, 0x80, 0xfe, 0xff, 0x22, 0x5c]),
      Buffer.alloc(0),
      Buffer.from('12345'), // redis shows integer-encoded values with %ld
    ];
    try {
      for (const [i, v] of values.entries()) await raw.set(Buffer.from(`watch:bin:${i}`), v);
      await vi.waitFor(() => expect(seen.filter((c) => c.args[0]?.toLowerCase() === 'set')).toHaveLength(values.length), { timeout: 5000 });
      const sets = seen.filter((c) => c.args[0]?.toLowerCase() === 'set');
      expect(sets.map((c) => Buffer.from(c.args[2]!, 'latin1'))).toEqual(values);
      expect(sets[0]!.source).toMatch(/^127\.0\.0\.1:\d+$/);
      await raw.eval('redis.call("SET", KEYS[1], ARGV[1]) return 1', 1, 'watch:lua', 'in "lua"');
      await vi.waitFor(() => expect(seen.find((c) => c.source === 'lua')?.args).toEqual(['SET', 'watch:lua', 'in "lua"']), {
        timeout: 5000,
      });
      expect(mon.stats.dropped).toBe(0);
    } finally {
      mon.close();
    }
  });

  it('starting, running and stopping the watch writes nothing to that redis', async () => {
    const before = await commandStats(raw);
    const ops: WatchedOp[] = [];
    const w = await RedisWatch.start({ url: redis.url, clientListIntervalMs: 50, onOps: (_n, o) => ops.push(...o) });
    await raw.publish('news', JSON.stringify({ msg_uuid: 'm-1', args: 1 }));
    await vi.waitFor(() => expect(ops.some((o) => o.command === 'PUBLISH' && o.corr === 'm-1')).toBe(true), { timeout: 5000 });
    await new Promise((r) => setTimeout(r, 200)); // a few CLIENT LIST reads
    w.stop();
    expect(w.status()).toMatchObject({ running: false, stoppedReason: 'stopped' });
    const after = await commandStats(raw);
    const sent: string[] = [];
    for (const [cmd, n] of after) {
      if (n === (before.get(cmd) ?? 0)) continue;
      if (cmd === 'info' || cmd === 'publish') continue; // this test's own
      sent.push(cmd);
      expect(await isWrite(raw, cmd), `${cmd} is a write`).toBe(false);
    }
    expect(sent.sort()).toEqual(expect.arrayContaining(['client|list', 'client|setname', 'monitor']));
    for (const cmd of sent) expect(['client|list', 'client|setname', 'monitor', 'info', 'cluster|nodes']).toContain(cmd);
  });

  it('stops by itself at its time limit, saying so', async () => {
    const stopped: string[] = [];
    const w = await RedisWatch.start({ url: redis.url, limitMs: 200, onOps: () => undefined, onStop: (r) => stopped.push(r) });
    expect(w.status().remainingMs).toBeGreaterThan(0);
    await vi.waitFor(() => expect(stopped).toEqual(['time limit reached (0 s)']), { timeout: 5000 });
    expect(w.status()).toMatchObject({ running: false, remainingMs: 0 });
  });

  it('refuses a redis it cannot reach, and a limit out of range, with a WatchError', async () => {
    await expect(RedisWatch.start({ url: 'redis://127.0.0.1:1', onOps: () => undefined })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(RedisWatch.start({ url: redis.url, limitMs: 0, onOps: () => undefined })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('a pop served by the last push before the stream goes quiet is reported without waiting for another command', async () => {
    const ops: WatchedOp[] = [];
    const w = await RedisWatch.start({ url: redis.url, clientListIntervalMs: 60_000, onOps: (_n, o) => ops.push(...o) });
    const popper = new Redis(redis.url);
    try {
      const popped = popper.brpop('juggler:calls:{watch.quiet}', 0);
      // the BRPOP has reached redis (and the watch) once its client shows as blocked
      await vi.waitFor(async () => expect(await raw.call('CLIENT', 'LIST')).toMatch(/flags=b/), { timeout: 5000 });
      await new Promise((r) => setTimeout(r, 50));
      // pushed by a script: its pops are known only once the script has ended
      const payload = JSON.stringify({ conn_uuid: 'c', msg_uuid: 'quiet-1', uri: 'watch.quiet', args: 1 });
      await raw.eval('return redis.call("LPUSH", KEYS[1], ARGV[1])', 1, 'juggler:calls:{watch.quiet}', payload);
      await popped;
      await vi.waitFor(() => expect(ops.filter((o) => o.corr === 'quiet-1').map((o) => o.command)).toEqual(['EVALSHA push', 'BRPOP']), {
        timeout: 5000,
      });
    } finally {
      popper.disconnect();
      w.stop();
    }
  });

  it('counts the command rate', async () => {
    const w = await RedisWatch.start({ url: redis.url, onOps: () => undefined });
    try {
      const t0 = Date.now();
      while (Date.now() - t0 < 1300) await raw.get('watch:rate');
      expect(w.status().commands).toBeGreaterThan(10);
      await vi.waitFor(() => expect(w.status().rate).toBeGreaterThan(0), { timeout: 3000 });
    } finally {
      w.stop();
    }
  });
});

describe('a cluster', () => {
  let cluster: RedisCluster | undefined;
  afterAll(async () => {
    await cluster?.stop();
  });

  it('is watched on every master: a push on any node is seen', { timeout: 60_000 }, async () => {
    cluster = await startRedisCluster();
    const ops: { node: string; op: WatchedOp }[] = [];
    const w = await RedisWatch.start({
      url: `redis://127.0.0.1:${cluster.nodes[0]!.port}`,
      onOps: (node, o) => ops.push(...o.map((op) => ({ node, op }))),
    });
    const c = new Cluster(cluster.nodes);
    try {
      expect(w.status().nodes).toHaveLength(3);
      // pushes to keys of every slot range: each lands on its own master
      for (let i = 0; i < 30; i++)
        await c.lpush(`juggler:calls:{u${i}}`, JSON.stringify({ conn_uuid: 'c', msg_uuid: `m${i}`, uri: `u${i}`, args: 1 }));
      await vi.waitFor(() => expect(ops.filter((o) => o.op.command === 'LPUSH')).toHaveLength(30), { timeout: 5000 });
      expect(new Set(ops.map((o) => o.node)).size).toBe(3);
      expect(
        ops
          .filter((o) => o.op.command === 'LPUSH')
          .map((o) => o.op.corr)
          .sort(),
      ).toEqual(Array.from({ length: 30 }, (_, i) => `m${i}`).sort());
    } finally {
      w.stop();
      c.disconnect();
    }
  });
});

describe('backpressure', () => {
  it('a consumer slower than MONITOR: lines past the queue bound are dropped and counted, none kept beyond it', async () => {
    let handled = 0;
    let maxQueued = 0;
    const mon = await MonitorConnection.open({
      url: redis.url,
      maxQueuedLines: 20,
      onLine: () => {
        handled++;
        const until = performance.now() + 0.5; // a slow translation
        while (performance.now() < until);
        maxQueued = Math.max(maxQueued, mon.stats.queued);
      },
      onClose: () => undefined,
    });
    try {
      const p = raw.pipeline();
      for (let i = 0; i < 3000; i++) p.get('watch:bp');
      await p.exec();
      await vi.waitFor(() => expect(mon.stats.lines).toBeGreaterThanOrEqual(3000), { timeout: 10_000 });
      await vi.waitFor(() => expect(mon.stats.queued).toBe(0), { timeout: 10_000 });
      expect(mon.stats.dropped).toBeGreaterThan(0);
      expect(handled + mon.stats.dropped).toBe(mon.stats.lines);
      expect(maxQueued).toBeLessThanOrEqual(20);
    } finally {
      mon.close();
    }
  });
});

describe('a redis of its own', () => {
  let own: RedisProcess | undefined;
  afterAll(async () => {
    await own?.stop();
  });

  it('logs in as the URL says; a user refused MONITOR is told what the user needs; redis going away stops the watch, saying so', async () => {
    own = await startRedis();
    const admin = new Redis(own.url);
    try {
      await admin.call('ACL', 'SETUSER', 'watcher', 'on', '>pw', '~*', '&*', '+@all');
      await admin.call('ACL', 'SETUSER', 'nomon', 'on', '>pw', '~*', '&*', '+@all', '-monitor');
    } finally {
      admin.disconnect();
    }
    const port = own.port;
    await expect(RedisWatch.start({ url: `redis://nomon:pw@127.0.0.1:${port}`, onOps: () => undefined })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(/NOPERM.*the redis user needs the MONITOR command/),
    });
    const stopped: string[] = [];
    const w = await RedisWatch.start({
      url: `redis://watcher:pw@127.0.0.1:${port}`,
      onOps: () => undefined,
      onStop: (r) => stopped.push(r),
    });
    expect(w.running).toBe(true);
    await own.stop();
    await vi.waitFor(() => expect(stopped).toHaveLength(1), { timeout: 5000 });
    expect(stopped[0]).toMatch(/^failed: redis at 127\.0\.0\.1:\d+ closed the MONITOR connection/);
    expect(w.status()).toMatchObject({ running: false });
  });
});
