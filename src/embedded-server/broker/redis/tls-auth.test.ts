// Redis with a password (--requirepass) and redis over TLS (--tls-port, a certificate made here with
// openssl): a call goes through `juggler server` and `juggler callee` with redis://:pass@ and rediss://
// URLs, and the password never shows in what they print, not even through an outage, nor in the Studio
// host's info.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startHarness } from '../../../../test/bridge-harness';
import { type CliProcess, runCli } from '../../../../test/cli-process';
import { freePort, type RedisProcess, startRedis } from '../../../../test/redis-server';
import { selfSignedCert } from '../../../../test/self-signed-cert';
import { RawPeer, startStack } from '../../../../test/stack';
import { RedisBroker } from './broker';

const PASSWORD = 'hunter2-s3cret-pw';
const procs: CliProcess[] = [];
afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop()));
});

function start(args: string[]): CliProcess {
  const p = runCli(args);
  procs.push(p);
  return p;
}

/** A server and a demo callee as processes on `url`; resolves once a call to test.echo is answered. */
async function callThroughProcesses(url: string, extra: string[] = []): Promise<{ server: CliProcess; callee: CliProcess }> {
  const server = start(['server', '--addr', '127.0.0.1:0', '--redis', url, ...extra]);
  const [, wsUrl] = await server.waitFor(/listening on (ws:\/\/\S+)/);
  const callee = start(['callee', '--redis', url, '--demo', ...extra]);
  await callee.waitFor(/serving /);
  const peer = await RawPeer.connect(wsUrl!);
  const id = crypto.randomUUID();
  peer.send({ meta: { type: 1, uuid: id }, payload: { uri: 'test.echo', timeout: 5e9, args: 'through' } });
  expect((await peer.forType(9, id, 8000)).payload.args).toBe('through');
  peer.close();
  return { server, callee };
}

async function until(check: () => boolean, what: () => string = () => '', ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms: ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const printed = (...ps: CliProcess[]) => ps.map((p) => p.stdout() + p.stderr()).join('\n');

describe('redis with a password', () => {
  let redis: RedisProcess;
  beforeAll(async () => {
    redis = await startRedis({ extraArgs: ['--requirepass', PASSWORD] });
  });
  afterAll(async () => {
    await redis?.stop();
  });

  test('a call goes through server and callee with redis://:pass@, and the password is never printed', async () => {
    const url = `redis://:${PASSWORD}@127.0.0.1:${redis.port}`;
    const { server, callee } = await callThroughProcesses(url);
    // an outage makes both report on redis health: still no password
    await redis.stop(true);
    await until(
      () =>
        /redis juggler:server:\S+ is unavailable/.test(server.stderr()) && /redis juggler:callee:\S+ is unavailable/.test(callee.stderr()),
      () => printed(server, callee),
    );
    await redis.start();
    await until(
      () => /is back/.test(server.stderr()) && /is back/.test(callee.stderr()),
      () => printed(server, callee),
    );
    const wrong = start(['server', '--addr', '127.0.0.1:0', '--redis', `redis://:not-${PASSWORD}@127.0.0.1:${redis.port}`]);
    expect(await new Promise((r) => wrong.child.once('exit', r))).toBe(1);
    expect(wrong.stderr()).toMatch(/cannot connect to redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+: .*(WRONGPASS|invalid)/i);
    const out = printed(server, callee, wrong);
    expect(out).toMatch(/redis:\/\/:\*\*\*@127\.0\.0\.1/);
    expect(out).not.toContain(PASSWORD);
  });

  test('the Studio host info shows the redis URL without its password', async () => {
    const h = await startHarness({ studioRedisUrl: `redis://:${PASSWORD}@127.0.0.1:${redis.port}` });
    try {
      const info = await h.bridge.call('host.info');
      expect(info.redis.url).toBe(`redis://:***@127.0.0.1:${redis.port}`);
      const status = await h.bridge.call('host.status');
      expect(JSON.stringify([info, status])).not.toContain(PASSWORD);
    } finally {
      await h.close();
    }
  });
});

describe('redis over TLS', () => {
  let dir: string;
  let redis: RedisProcess;
  let ca: string;
  beforeAll(async () => {
    // a self-signed certificate for 127.0.0.1, which is also its own CA
    const made = selfSignedCert('juggler-tls-');
    dir = made.dir;
    ca = made.cert;
    const key = made.key;
    const port = await freePort();
    // the plain port is turned off (the last --port wins): only TLS clients get in, with the password
    redis = await startRedis({
      port,
      extraArgs: [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        ca,
        '--tls-key-file',
        key,
        '--tls-ca-cert-file',
        ca,
        '--tls-auth-clients',
        'no',
        '--requirepass',
        PASSWORD,
      ],
    });
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a call goes through server and callee processes with rediss://:pass@ and --redis-ca', async () => {
    const { server, callee } = await callThroughProcesses(`rediss://:${PASSWORD}@127.0.0.1:${redis.port}`, ['--redis-ca', ca]);
    expect(server.stdout()).toMatch(/redis rediss:\/\/:\*\*\*@127\.0\.0\.1/);
    expect(printed(server, callee)).not.toContain(PASSWORD);
  });

  test('the library: a stack on rediss:// with tlsCaFile answers calls and delivers events', async () => {
    const stack = await startStack({ redis: { url: `rediss://:${PASSWORD}@127.0.0.1:${redis.port}`, tlsCaFile: ca } });
    try {
      const p = await RawPeer.connect(stack.url);
      const s = crypto.randomUUID();
      p.send({ meta: { type: 3, uuid: s }, payload: { channel: 'tls.news', pattern: false } });
      await p.forType(8, s);
      const c = crypto.randomUUID();
      p.send({ meta: { type: 1, uuid: c }, payload: { uri: 'test.echo', timeout: 3e9, args: 'secure' } });
      expect((await p.forType(9, c)).payload.args).toBe('secure');
      const pub = crypto.randomUUID();
      p.send({ meta: { type: 2, uuid: pub }, payload: { channel: 'tls.news', args: 1 } });
      expect((await p.forType(10, pub)).payload.args).toBe(1);
      p.close();
    } finally {
      await stack.close();
    }
  });

  test('without the CA the certificate is refused, and the error says which option to set', async () => {
    const err = await RedisBroker.connect({ url: `rediss://:${PASSWORD}@127.0.0.1:${redis.port}` }).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/certificate.*tlsCaFile, or --redis-ca/);
    expect((err as Error).message).not.toContain(PASSWORD);
  });
});
