// The `juggler server` and `juggler callee` executables, run as real processes on a real redis.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, inject, test } from 'vitest';
import { type CliProcess, runCli } from '../../../test/cli-process';
import { RawPeer } from '../../../test/stack';

const redisUrl = inject('redisUrl');
const procs: CliProcess[] = [];
afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.stop()));
});

function start(args: string[]): CliProcess {
  const p = runCli(args);
  procs.push(p);
  return p;
}

test('juggler server + juggler callee --demo answer a call to test.echo, and shut down cleanly on SIGTERM', async () => {
  const server = start(['server', '--addr', '127.0.0.1:0', '--redis', redisUrl]);
  const [, url] = await server.waitFor(/listening on (ws:\/\/\S+)/);
  const callee = start(['callee', '--redis', redisUrl, '--demo']);
  await callee.waitFor(/serving .*test\.echo/);
  const peer = await RawPeer.connect(url!);
  const id = crypto.randomUUID();
  peer.send({ meta: { type: 1, uuid: id }, payload: { uri: 'test.echo', timeout: 2e9, args: { hello: 'world' } } });
  expect((await peer.forType(9, id)).payload).toEqual({ for: id, uri: 'test.echo', args: { hello: 'world' } });
  await callee.waitFor(/ok\s+test\.echo/);
  const closed = peer.closed;
  expect(await server.stop()).toBe(0);
  expect((await closed).code).toBe(1001);
  expect(await callee.stop()).toBe(0);
});

test('juggler callee serves the functions of a handler file; a throw becomes an error result', async () => {
  const file = join(tmpdir(), `handlers-${process.pid}-${Date.now()}.js`);
  writeFileSync(file, "module.exports = { 'app.add': ([a, b]) => a + b, 'app.fail': async () => { throw new Error('nope'); } };\n");
  const server = start(['server', '--addr', '127.0.0.1:0', '--redis', redisUrl]);
  const [, url] = await server.waitFor(/listening on (ws:\/\/\S+)/);
  const callee = start(['callee', '--redis', redisUrl, file]);
  await callee.waitFor(/serving app\.add, app\.fail/);
  const peer = await RawPeer.connect(url!);
  const a = crypto.randomUUID();
  const b = crypto.randomUUID();
  peer.send({ meta: { type: 1, uuid: a }, payload: { uri: 'app.add', timeout: 2e9, args: [2, 3] } });
  peer.send({ meta: { type: 1, uuid: b }, payload: { uri: 'app.fail', timeout: 2e9, args: null } });
  expect((await peer.forType(9, a)).payload.args).toBe(5);
  expect((await peer.forType(9, b)).payload.args).toEqual({ error: { message: 'nope' } });
  peer.close();
});

test('usage errors and an unreachable redis are reported in words, with exit codes 2 and 1', async () => {
  const bad = start(['server', '--addr', 'nonsense']);
  expect(await new Promise((r) => bad.child.once('exit', r))).toBe(2);
  expect(bad.stderr()).toMatch(/--addr must be HOST:PORT/);
  const down = start(['server', '--addr', '127.0.0.1:0', '--redis', 'redis://:hunter2@127.0.0.1:1']);
  expect(await new Promise((r) => down.child.once('exit', r))).toBe(1);
  expect(down.stderr()).toMatch(/cannot connect to redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1/);
  expect(down.stderr()).not.toContain('hunter2');
});

test('--read-queue-limit, --read-queue-bytes and --redis-timeout are honoured; a read-queue limit of 0 is a usage error', async () => {
  const zero = start(['server', '--addr', '127.0.0.1:0', '--redis', redisUrl, '--read-queue-limit', '0']);
  expect(await new Promise((r) => zero.child.once('exit', r))).toBe(2);
  expect(zero.stderr()).toMatch(/--read-queue-limit must be at least 1, got "0"/);
  const args = ['--read-queue-limit', '8', '--read-queue-bytes', '65536', '--redis-timeout', '2000'];
  const server = start(['server', '--addr', '127.0.0.1:0', '--redis', redisUrl, ...args]);
  const [, url] = await server.waitFor(/listening on (ws:\/\/\S+)/);
  const peer = await RawPeer.connect(url!);
  const ids = Array.from({ length: 50 }, () => crypto.randomUUID());
  for (const id of ids) peer.send({ meta: { type: 2, uuid: id }, payload: { channel: 'cli.flood', args: 1 } });
  for (const id of ids) expect((await peer.forType(8, id, 5000)).payload.for).toBe(id);
  peer.close();
});

test('a YAML config in the Go format is honoured, and a typo in it is named', async () => {
  const dir = tmpdir();
  const good = join(dir, `juggler-${process.pid}-good.yaml`);
  writeFileSync(good, `redis:\n  addr: "${redisUrl}"\nserver:\n  addr: "127.0.0.1:0"\n  paths: [/juggler]\n  read_timeout: 30s\n`);
  const srv = start(['server', '--config', good]);
  await srv.waitFor(/listening on ws:\/\/127\.0\.0\.1:\d+\/juggler/);
  const typo = join(dir, `juggler-${process.pid}-typo.yaml`);
  writeFileSync(typo, 'server:\n  read_timout: 30s\n');
  const bad = start(['server', '--config', typo]);
  expect(await new Promise((r) => bad.child.once('exit', r))).toBe(1);
  expect(bad.stderr()).toMatch(/unknown setting "server\.read_timout"/);
});
