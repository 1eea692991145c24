// `juggler sync-proxy` as a real process between a real `juggler sync-client` and `juggler sync-server`.
import { afterEach, expect, test } from 'vitest';
import { type CliProcess, runCli } from '../../../test/cli-process';

const procs: CliProcess[] = [];
afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.stop()));
});

function start(args: string[]): CliProcess {
  const p = runCli(args);
  procs.push(p);
  return p;
}

test('--help lists every flag with its default (from the flag table)', async () => {
  const p = start(['sync-proxy', '--help']);
  await p.waitFor(/--listen HOST:PORT .*\(default 127\.0\.0\.1:9300\)/);
  expect(p.stdout()).toMatch(/--generation GEN .*\(default detect\)/);
  expect(p.stdout()).toMatch(/--upstream URL/);
  expect(await p.stop()).not.toBe(1);
});

test('a sync client through the proxy: the proxy detects the generation and prints both sides\u2019 data; SIGTERM stops it with 0', async () => {
  const server = start(['sync-server', '--addr', '127.0.0.1:0', '--generation', 'seed', '--delay', '0']);
  const [, upstream] = await server.waitFor(/listening on (ws:\/\/\S+)/);
  const proxy = start(['sync-proxy', '--listen', '127.0.0.1:0', '--upstream', upstream!]);
  const [, url] = await proxy.waitFor(/listening on (ws:\/\/\S+) -> /);
  const client = start(['sync-client', '--addr', url!, '--generation', 'seed', '--delay', '0']);
  await client.waitFor(/connected to/);
  client.child.stdin!.write('set {"x":1}\n');
  await proxy.waitFor(/c1 speaks generation seed/);
  await proxy.waitFor(/c1 client local rev 1: \[\{"op":"replace","path":"","value":\{"x":1\}\}\]/);
  await proxy.waitFor(/c1 server remote rev 1: /);
  await server.waitFor(/remote data rev 1: \[\{"op":"replace","path":"","value":\{"x":1\}\}\]/);
  client.child.stdin!.write('quit\n');
  await proxy.waitFor(/c1 closed by the client: 1000|c1 closed by the client: 1005/);
  expect(await proxy.stop()).toBe(0);
});

test('bad flags are usage errors (exit 2) that say what to give', async () => {
  const exited = (p: CliProcess) =>
    new Promise<number | null>((resolve) => (p.child.exitCode !== null ? resolve(p.child.exitCode) : p.child.once('exit', resolve)));
  const none = start(['sync-proxy']);
  expect(await exited(none)).toBe(2);
  expect(none.stderr()).toContain('--upstream must be a ws:// or wss:// URL');
  const gen = start(['sync-proxy', '--upstream', 'ws://127.0.0.1:1/ws', '--generation', '0.8']);
  expect(await exited(gen)).toBe(2);
  expect(gen.stderr()).toContain('--generation must be seed, 0.6, 0.7 or detect');
});
