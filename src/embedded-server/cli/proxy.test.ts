// `juggler proxy` as a real process between a real client and a separately started `juggler server` +
// `juggler callee --demo` on their own redis-server.
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { type CliProcess, runCli } from '../../../test/cli-process';
import { type RedisProcess, startRedis } from '../../../test/redis-server';
import { RawPeer } from '../../../test/stack';

let redis: RedisProcess;
let upstream: string;
const system: CliProcess[] = [];
const procs: CliProcess[] = [];

beforeAll(async () => {
  redis = await startRedis();
  const server = runCli(['server', '--addr', '127.0.0.1:0', '--redis', redis.url]);
  system.push(server);
  [, upstream] = (await server.waitFor(/listening on (ws:\/\/\S+)/)) as [string, string];
  const callee = runCli(['callee', '--redis', redis.url, '--demo']);
  system.push(callee);
  await callee.waitFor(/serving .*test\.echo/);
}, 60_000);

afterAll(async () => {
  await Promise.all(system.map((p) => p.stop()));
  await redis?.stop();
});

afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.stop()));
});

function start(args: string[]): CliProcess {
  const p = runCli(args);
  procs.push(p);
  return p;
}

async function callThrough(url: string): Promise<string> {
  const peer = await RawPeer.connect(url);
  const id = crypto.randomUUID();
  peer.send({ meta: { type: 1, uuid: id }, payload: { uri: 'test.echo', timeout: 2e9, args: 'hi' } });
  expect((await peer.forType(9, id, 10_000)).payload.args).toBe('hi');
  peer.close();
  return id;
}

test('juggler proxy prints its local URL and one line per frame both ways with the connection id; SIGTERM stops it with 0', async () => {
  const proxy = start(['proxy', '--listen', '127.0.0.1:0', '--upstream', upstream, '--header', 'X-Debugged-By: juggler-proxy']);
  const [, url] = await proxy.waitFor(/listening on (ws:\/\/127\.0\.0\.1:\d+\/ws) -> /);
  const id = await callThrough(url!);
  await proxy.waitFor(new RegExp(`px1\\.1 > \\{"meta":\\{"type":1,"uuid":"${id}"`));
  await proxy.waitFor(new RegExp(`px1\\.1 < \\{"meta":\\{"type":9,.*"for":"${id}"`));
  // RawPeer closes without a code: the proxy saw (and passed on) 1005
  await proxy.waitFor(/px1\.1 ! closed 1005 \(by client\)/);
  expect(await proxy.stop()).toBe(0);
  expect(proxy.stdout()).toMatch(/px1\.1 ! connected/);
});

test('juggler proxy --json prints NDJSON: the listening line, connection states and frames', async () => {
  const proxy = start(['proxy', '--listen', '127.0.0.1:0', '--upstream', upstream, '--json']);
  const [, url] = await proxy.waitFor(/"listening":"(ws:[^"]+)"/);
  const id = await callThrough(url!);
  await proxy.waitFor(/"state":"closed"/);
  const lines = proxy
    .stdout()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines[0]).toEqual({ listening: url, upstream });
  const frames = lines.filter((l) => l.dir);
  expect(frames.map((f) => [f.dir, JSON.parse(f.text).meta.type])).toEqual([
    ['in', 1],
    ['out', 8],
    ['out', 9],
  ]);
  expect(JSON.parse(frames[0].text).meta.uuid).toBe(id);
  expect(lines.filter((l) => l.state).map((l) => l.state)).toEqual(['connecting', 'connected', 'closed']);
});

test('juggler proxy without --upstream, or with one that is not ws://, is a usage error (exit 2) that says what to give', async () => {
  const none = start(['proxy', '--listen', '127.0.0.1:0']);
  expect(await new Promise((r) => none.child.once('exit', r))).toBe(2);
  expect(none.stderr()).toMatch(/--upstream is required/);
  const http = start(['proxy', '--upstream', 'http://127.0.0.1:9000/ws']);
  expect(await new Promise((r) => http.child.once('exit', r))).toBe(2);
  expect(http.stderr()).toMatch(/must be a ws:\/\/ or wss:\/\/ URL/);
  const help = start(['proxy', '--help']);
  await help.waitFor(/--header 'NAME: VALUE'/);
});
