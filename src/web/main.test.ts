// The web-mode Studio's redis flags, on the real process (dist/web/main.js): --studio-redis is where the
// Studio's own server and callees run (it writes there); --redis only attaches a redis, where the
// Studio's one connection is its inspector's and nothing pops.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { type RedisProcess, startRedis } from '../../test/redis-server';

const main = join(__dirname, '..', '..', 'dist', 'web', 'main.js');
let own: RedisProcess;
let foreign: RedisProcess;
let proc: ChildProcess | undefined;
beforeAll(async () => {
  [own, foreign] = await Promise.all([startRedis(), startRedis()]);
});
afterAll(async () => {
  if (proc && proc.exitCode === null) {
    const exited = new Promise((r) => proc!.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  }
  await Promise.all([own?.stop(), foreign?.stop()]);
});

async function clientNames(url: string): Promise<{ name: string; cmd: string }[]> {
  const r = new Redis(url);
  try {
    const text = (await r.client('LIST')) as string;
    return text
      .trim()
      .split('\n')
      .map((l) => ({ name: /\bname=(\S*)/.exec(l)?.[1] ?? '', cmd: /\bcmd=(\S*)/.exec(l)?.[1] ?? '' }))
      .filter((c) => c.cmd !== 'client|list');
  } finally {
    r.disconnect();
  }
}

test("--studio-redis runs the Studio's own server and callees there; --redis attaches a redis where only the inspector reads", async () => {
  const renderer = mkdtempSync(join(tmpdir(), 'studio-renderer-'));
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Juggler Studio</title>');
  const dataDir = mkdtempSync(join(tmpdir(), 'studio-data-'));
  proc = spawn(process.execPath, [main, '--studio-redis', own.url, '--redis', foreign.url, '--renderer', renderer, '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (b: Buffer) => {
    out += b.toString();
  });
  proc.stderr!.on('data', (b: Buffer) => {
    out += b.toString();
  });
  await vi.waitFor(() => expect(out).toMatch(/open http:\/\//), { timeout: 30_000, interval: 100 });
  expect(out).toContain(`redis           ${own.url}: the Studio's own`);
  expect(out).toContain(`attached        ${foreign.url}: watching only, nothing is written to it`);

  const ownClients = await clientNames(own.url);
  expect(ownClients.map((c) => c.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^juggler:studio-demo/)]));
  expect(ownClients.some((c) => /^(blmpop|brpop)$/.test(c.cmd))).toBe(true);

  const foreignClients = await clientNames(foreign.url);
  expect(foreignClients.length).toBeGreaterThan(0);
  for (const c of foreignClients) {
    expect(c.name).toMatch(/inspector/);
    expect(c.cmd).not.toMatch(/^(blmpop|brpop|blpop)$/);
  }
});
