// Real redis-server processes for tests: a single node on a free loopback port, or a 3-master cluster.
// Never the shared redis on 6379 (see ../shared/STACK.md, "Real redis in tests").
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freeLoopbackPort, launchRedisServer } from '../src/embedded-server/host/embedded-redis';

const execFileAsync = promisify(execFile);

/** A free loopback port; at most `maxPort` (cluster nodes need port + 10000 for their bus). */
export const freePort = freeLoopbackPort;

export interface RedisProcess {
  readonly port: number;
  readonly url: string;
  /** Kill the process (SIGKILL when `hard`), as an outage would. */
  stop(hard?: boolean): Promise<void>;
  /** Start it again on the same port. */
  start(): Promise<void>;
  /** SIGSTOP: redis keeps its connections open and answers nothing, as a frozen or swapping host does. */
  freeze(): void;
  /** SIGCONT after freeze(): redis runs what it was sent meanwhile. */
  thaw(): void;
}

/** A redis-server of its own, started by the launcher of host/embedded-redis.ts. */
export async function startRedis(opts: { port?: number; extraArgs?: string[] } = {}): Promise<RedisProcess> {
  const r = await launchRedisServer(opts);
  // stop() may be followed by start(): the directory stays until the test process exits, when the launcher removes it
  return {
    port: r.port,
    url: r.url,
    start: () => r.start(),
    stop: (hard) => r.kill(hard),
    freeze: () => r.freeze(),
    thaw: () => r.thaw(),
  };
}

export interface RedisCluster {
  readonly nodes: { host: string; port: number }[];
  stop(): Promise<void>;
}

/** Three masters, no replicas, as `redis-cli --cluster create` makes them. About 3 s. */
export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'juggler-cluster-'));
  const procs: RedisProcess[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const port = await freePort(55535);
      procs.push(
        await startRedis({
          port,
          extraArgs: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            join(dir, `nodes-${port}.conf`),
            '--cluster-node-timeout',
            '2000',
          ],
        }),
      );
    }
    await execFileAsync('redis-cli', [
      '--cluster',
      'create',
      ...procs.map((p) => `127.0.0.1:${p.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    const deadline = Date.now() + 15_000;
    for (;;) {
      const states = await Promise.all(
        procs.map(async (p) => (await execFileAsync('redis-cli', ['-p', String(p.port), 'cluster', 'info'])).stdout),
      );
      if (states.every((s) => s.includes('cluster_state:ok'))) break;
      if (Date.now() > deadline) throw new Error(`cluster not ok after 15 s:\n${states.join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await Promise.all(procs.map((p) => p.stop()));
    throw err;
  }
  return {
    nodes: procs.map((p) => ({ host: '127.0.0.1', port: p.port })),
    async stop() {
      await Promise.all(procs.map((p) => p.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
