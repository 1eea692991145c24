// A real Caddy reverse proxy in front of websocket upstreams, for scale-out tests: round-robin over the
// upstreams, websocket upgrades passed through (Caddy does that by itself), a failed dial retried on the
// next upstream so that clients of a killed server reconnect to a live one.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis-server';

export interface CaddyProcess {
  /** ws://127.0.0.1:PORT{path} */
  url(path: string): string;
  port: number;
  stop(): Promise<void>;
  stderr(): string;
}

/** The caddy binary, or undefined when it is not installed (`apt-get install -y caddy`). */
export function caddyBinary(): string | undefined {
  try {
    execFileSync('caddy', ['version'], { stdio: 'pipe' });
    return 'caddy';
  } catch {
    return undefined;
  }
}

/** `upstreams` as host:port. Resolves once Caddy answers HTTP on its port. */
export async function startCaddy(upstreams: string[]): Promise<CaddyProcess> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'juggler-caddy-'));
  const file = join(dir, 'Caddyfile');
  // admin off: no second port to collide with other test runs; auto_https off: plain loopback HTTP.
  // fail_duration makes a refused dial mark that upstream down for a while (passive health check), and
  // lb_try_duration retries the request on another upstream meanwhile.
  writeFileSync(
    file,
    `{
	admin off
	auto_https off
	storage file_system ${join(dir, 'data')}
}

http://127.0.0.1:${port} {
	bind 127.0.0.1
	reverse_proxy ${upstreams.join(' ')} {
		lb_policy round_robin
		lb_try_duration 5s
		lb_try_interval 50ms
		fail_duration 30s
		max_fails 1
	}
}
`,
  );
  const env = { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') };
  const child: ChildProcess = spawn('caddy', ['run', '--config', file, '--adapter', 'caddyfile'], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => {
    err += b.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`caddy exited with ${child.exitCode}:\n${err}`);
    const ok = await new Promise<boolean>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/', timeout: 500 }, (res) => {
        res.resume();
        resolve(true);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
      req.end();
    });
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`caddy did not answer on 127.0.0.1:${port} within 10 s:\n${err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    url: (path) => `ws://127.0.0.1:${port}${path}`,
    stderr: () => err,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
