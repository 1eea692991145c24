// A private redis-server for when no redis is configured: a free loopback port, a temp directory,
// nothing saved to disk, stopped with its owner. Without a redis-server binary it fails with a message
// that says how to install one or which option to pass instead.
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export class EmbeddedRedisError extends Error {
  override readonly name = 'EmbeddedRedisError';
}

/** The redis-server binary: $REDIS_SERVER, else the first on PATH; undefined when there is none. */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.REDIS_SERVER) return env.REDIS_SERVER;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, 'redis-server');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

export const installHint =
  'no redis-server found. Install one (Debian/Ubuntu: `apt-get install -y redis-server`, macOS: `brew install redis`), ' +
  'set REDIS_SERVER to its path, or use a running redis: --redis redis://HOST:PORT (juggler up) or --studio-redis redis://HOST:PORT (the Studio)';

async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export interface EmbeddedRedis {
  readonly url: string;
  readonly port: number;
  readonly pid: number | undefined;
  /** Stops the process (fault injection: the broker sees an outage). */
  pause(): Promise<void>;
  /** Starts it again on the same port (empty: nothing is persisted). */
  resume(): Promise<void>;
  readonly running: boolean;
  stop(): Promise<void>;
}

export async function startEmbeddedRedis(opts: { bin?: string; port?: number; log?: (line: string) => void } = {}): Promise<EmbeddedRedis> {
  const bin = opts.bin ?? findRedisServer();
  if (!bin) throw new EmbeddedRedisError(installHint);
  const port = opts.port ?? (await freeLoopbackPort());
  const dir = mkdtempSync(join(tmpdir(), 'juggler-studio-redis-'));
  let child: ChildProcess | undefined;

  const start = () =>
    new Promise<void>((resolve, reject) => {
      const c = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = c;
      let out = '';
      const timer = setTimeout(() => {
        c.kill('SIGKILL');
        reject(new EmbeddedRedisError(`redis-server did not become ready within 10 s:\n${out.slice(-2000)}`));
      }, 10_000);
      c.stdout!.on('data', (b: Buffer) => {
        const text = b.toString();
        if (out.length < 64_000) out += text;
        for (const line of text.split('\n')) if (line.trim()) opts.log?.(line);
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      c.stderr!.on('data', (b: Buffer) => {
        out += b.toString();
      });
      c.once('error', (err) => {
        clearTimeout(timer);
        reject(new EmbeddedRedisError(`cannot run ${bin}: ${err.message}. ${installHint}`));
      });
      c.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (child === c) child = undefined;
        reject(new EmbeddedRedisError(`redis-server exited (${signal ?? code}) before it was ready:\n${out.slice(-2000)}`));
      });
    });

  const kill = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
    });
  };

  // a Studio that exits leaves no redis behind
  const onExit = () => child?.kill('SIGKILL');
  process.once('exit', onExit);

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return child?.pid;
    },
    get running() {
      return child !== undefined;
    },
    pause: kill,
    async resume() {
      if (!child) await start();
    },
    async stop() {
      process.off('exit', onExit);
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
