// The redis-server launcher (launchRedisServer), and the private redis built on it for when no redis is
// configured (startEmbeddedRedis): a free loopback port, a temp directory, nothing saved to disk, stopped
// with its owner. The tests' redis processes and clusters (test/redis-server.ts) use the same launcher.
// Without a redis-server binary it fails with a message that says how to install one or which option to
// pass instead.
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

/** A free port on 127.0.0.1. `maxPort`: a cluster node needs port + 10000 free for its bus, so at most 55535. */
export async function freeLoopbackPort(maxPort = 65535): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.unref();
      srv.on('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const a = srv.address();
        srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
      });
    });
    if (port > 0 && port <= maxPort) return port;
  }
}

export interface LaunchRedisOptions {
  /** The binary; default findRedisServer(). */
  bin?: string;
  /** Default a free loopback port. */
  port?: number;
  /** More redis-server arguments (a cluster node's --cluster-enabled...). */
  extraArgs?: string[];
  /** Each line redis-server prints. */
  log?: (line: string) => void;
  /** Prefix of the temp directory redis runs in. */
  dirPrefix?: string;
}

/** One redis-server process on a loopback port, which can be killed and started again on the same port. */
export interface RedisServerProcess {
  readonly url: string;
  readonly port: number;
  /** The temp directory it runs in. */
  readonly dir: string;
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Starts it again on the same port (empty: nothing is persisted); nothing when it runs. */
  start(): Promise<void>;
  /** Kills it (SIGKILL when `hard`), as an outage would; start() brings it back. */
  kill(hard?: boolean): Promise<void>;
  /** SIGSTOP: redis keeps its connections open and answers nothing, as a frozen or swapping host does. */
  freeze(): void;
  /** SIGCONT after freeze(): redis runs what it was sent meanwhile. */
  thaw(): void;
  /** Kills it for good and removes its directory. */
  dispose(): Promise<void>;
}

// One 'exit' listener for all the processes launched (a test file starts many: one listener each would
// pass Node's listener limit).
const atExit = new Set<() => void>();
let atExitInstalled = false;
function installAtExit(): void {
  if (atExitInstalled) return;
  atExitInstalled = true;
  process.once('exit', () => {
    for (const f of atExit) f();
  });
}

/**
 * Starts a redis-server: 127.0.0.1 only, nothing saved to disk, in a temp directory, killed (and the
 * directory removed) when this process exits. The one launcher of the Studio, `juggler up` and the tests
 * (issue 14). Rejects with an EmbeddedRedisError that says what to do when there is no binary or it does
 * not become ready in 10 s.
 */
export async function launchRedisServer(opts: LaunchRedisOptions = {}): Promise<RedisServerProcess> {
  const bin = opts.bin ?? findRedisServer();
  if (!bin) throw new EmbeddedRedisError(installHint);
  const port = opts.port ?? (await freeLoopbackPort());
  const dir = mkdtempSync(join(tmpdir(), opts.dirPrefix ?? 'juggler-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...(opts.extraArgs ?? [])];
  let child: ChildProcess | undefined;

  const spawnReady = () =>
    new Promise<void>((resolve, reject) => {
      const c = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = c;
      let out = '';
      let ready = false;
      const timer = setTimeout(() => {
        c.kill('SIGKILL');
        reject(new EmbeddedRedisError(`redis-server on ${port} did not become ready within 10 s:\n${out.slice(-2000)}`));
      }, 10_000);
      c.stdout!.on('data', (b: Buffer) => {
        const text = b.toString();
        if (!ready && out.length < 64_000) out += text;
        for (const line of text.split('\n')) if (line.trim()) opts.log?.(line);
        if (!ready && out.includes('Ready to accept connections')) {
          ready = true;
          clearTimeout(timer);
          resolve();
        }
      });
      c.stderr!.on('data', (b: Buffer) => {
        if (!ready) out += b.toString();
      });
      c.once('error', (err) => {
        clearTimeout(timer);
        reject(new EmbeddedRedisError(`cannot run ${bin}: ${err.message}. ${installHint}`));
      });
      c.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (child === c) child = undefined;
        reject(new EmbeddedRedisError(`redis-server on ${port} exited (${signal ?? code}) before it was ready:\n${out.slice(-2000)}`));
      });
    });

  const kill = async (hard = false) => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill(hard ? 'SIGKILL' : 'SIGTERM');
      // a frozen redis (freeze()) only acts on SIGTERM once it runs again
      c.kill('SIGCONT');
    });
  };

  // an owner that exits leaves no redis and no directory behind
  const onExit = () => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  installAtExit();
  atExit.add(onExit);

  try {
    await spawnReady();
  } catch (err) {
    atExit.delete(onExit);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    get pid() {
      return child?.pid;
    },
    get running() {
      return child !== undefined;
    },
    async start() {
      if (!child) await spawnReady();
    },
    kill,
    freeze() {
      child?.kill('SIGSTOP');
    },
    thaw() {
      child?.kill('SIGCONT');
    },
    async dispose() {
      atExit.delete(onExit);
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The Studio's and `juggler up`'s private redis (when none is configured). */
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
  const r = await launchRedisServer({ ...opts, dirPrefix: 'juggler-studio-redis-' });
  return {
    url: r.url,
    port: r.port,
    get pid() {
      return r.pid;
    },
    get running() {
      return r.running;
    },
    pause: () => r.kill(),
    resume: () => r.start(),
    stop: () => r.dispose(),
  };
}
