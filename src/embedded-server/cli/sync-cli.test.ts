// `juggler sync-server` and `juggler sync-client` run in-process against each other on a free port.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { until } from '../sync/test-support';
import type { CommandIO } from './command';
import { main } from './main';

function fakeIO(): { io: CommandIO; out: () => string; stdin: PassThrough; stop: () => void } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let text = '';
  stdout.on('data', (c) => (text += c));
  stderr.on('data', (c) => (text += c));
  let stop = () => {};
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    stop = () => resolve('SIGTERM');
  });
  return { io: { stdout, stderr, stdin, stopSignal }, out: () => text, stdin, stop };
}

describe('juggler sync-server / sync-client', () => {
  it.each(['seed', '0.6', '0.7'])(
    'generation %s: the client prints the demo state and patches; both stop with 0 on a signal',
    async (generation) => {
      const srv = fakeIO();
      const serverDone = main(['sync-server', '--addr', '127.0.0.1:0', '--generation', generation, '--demo', '--delay', '0'], srv.io);
      await until(() => /listening on ws:\/\/127\.0\.0\.1:\d+\/ws/.test(srv.out()), 'listening line');
      const url = /listening on (\S+)/.exec(srv.out())![1]!;
      const cli = fakeIO();
      const clientDone = main(['sync-client', '--addr', url, '--generation', generation, '--delay', '0'], cli.io);
      await until(() => cli.out().includes(`connected to ${url}`), 'connected line');
      await until(() => /patch rev 1: \[\{"op":"replace","path":"","value":\{"tick":/.test(cli.out()), 'the demo state');
      if (generation === 'seed') {
        cli.stdin.write('set {"from":"client"}\n');
        await until(
          () => srv.out().includes('remote data rev 1: [{"op":"replace","path":"","value":{"from":"client"}}]'),
          'local data at the server',
        );
        cli.stdin.write('send "hello"\n');
        await until(() => cli.out().includes('message: "hello"'), 'the echoed message');
      } else {
        cli.stdin.write('request greet {"a":1}\n');
        await until(() => cli.out().includes('response greet: {"name":"greet","data":{"a":1}}'), 'the echoed request');
      }
      cli.stop();
      expect(await clientDone).toBe(0);
      srv.stop();
      expect(await serverDone).toBe(0);
    },
  );

  it.each(['seed', '0.6', '0.7'])(
    'generation %s, --demo: what one client shares reaches another client under "shared"',
    async (generation) => {
      const srv = fakeIO();
      const serverDone = main(['sync-server', '--addr', '127.0.0.1:0', '--generation', generation, '--demo', '--delay', '0'], srv.io);
      await until(() => /listening on ws:\/\/127\.0\.0\.1:\d+\/ws/.test(srv.out()), 'listening line');
      const url = /listening on (\S+)/.exec(srv.out())![1]!;
      const [a, b] = [fakeIO(), fakeIO()];
      const aDone = main(['sync-client', '--addr', url, '--generation', generation, '--delay', '0'], a.io);
      const bDone = main(['sync-client', '--addr', url, '--generation', generation, '--delay', '0'], b.io);
      await until(() => a.out().includes('connected to') && b.out().includes('connected to'), 'both connected');
      a.stdin.write(generation === 'seed' ? 'set {"from":"a"}\n' : 'request share {"from":"a"}\n');
      await until(() => /state: .*"shared":\{"from":"a"\}/.test(b.out()), "a's change at b");
      for (const c of [a, b, srv]) c.stop();
      expect(await Promise.all([aDone, bDone, serverDone])).toEqual([0, 0, 0]);
    },
  );

  it('bad flags are usage errors (exit 2)', async () => {
    const { io, out } = fakeIO();
    expect(await main(['sync-server', '--generation', '0.8'], io)).toBe(2);
    expect(out()).toContain('--generation must be seed, 0.6 or 0.7');
    expect(await main(['sync-client', '--addr', 'http://x'], fakeIO().io)).toBe(2);
  });
});
