// `juggler server --procs N` and `juggler callee --procs N` (issue 15, item 1), as real processes on a
// real redis: every worker serves, results reach the right connection, the debug endpoints add up,
// SIGTERM stops all of them gracefully, and a dead worker is restarted.
import { writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, inject, test } from 'vitest';
import { type CliProcess, runCli } from '../../../test/cli-process';
import { RawPeer } from '../../../test/stack';
import { parseFlags } from './flag-table';
import { MAX_RESTARTS, parseProcs } from './procs';
import { serverCommand } from './server';

const redisUrl = inject('redisUrl');
const procs: CliProcess[] = [];
const workerPids = new Set<number>();
afterEach(async () => {
  await Promise.all(procs.splice(0).map((p) => p.stop()));
  // a failed test may leave a worker behind its supervisor: never leak one into the next test
  for (const pid of workerPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  workerPids.clear();
});

function start(args: string[]): CliProcess {
  const p = runCli(args);
  procs.push(p);
  return p;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts a --procs supervisor; resolves with its worker pids and (server) its URLs. */
async function startProcs(args: string[], ready: RegExp): Promise<{ p: CliProcess; pids: number[]; ws: string; http: string }> {
  const p = start(args);
  const [, list] = await p.waitFor(/processes, pids ([\d, ]+)\n/, 20_000);
  const pids = list!.split(', ').map(Number);
  for (const pid of pids) workerPids.add(pid);
  await p.waitFor(ready, 20_000);
  const ws = /listening on (ws:\/\/\S+)/.exec(p.stdout())?.[1] ?? '';
  return { p, pids, ws, http: ws ? new URL(ws).origin.replace('ws:', 'http:') : '' };
}

// biome-ignore lint/suspicious/noExplicitAny: the JSON of /debug/vars, read field by field
async function debugVars(http: string): Promise<any> {
  const res = await fetch(`${http}/debug/vars`);
  expect(res.status).toBe(200);
  return res.json();
}

async function call(ws: string, uri: string, args: unknown): Promise<unknown> {
  const peer = await RawPeer.connect(ws);
  const id = crypto.randomUUID();
  peer.send({ meta: { type: 1, uuid: id }, payload: { uri, timeout: 10e9, args } });
  const res = await peer.forType(9, id, 15_000);
  peer.close();
  return res.payload.args;
}

test('--procs takes a number of at least 1, or auto for one process per core', () => {
  expect(parseProcs('auto')).toBe(availableParallelism());
  // --procs is a flag of the server's table like the others (also in Go's one-dash spelling)
  const procs = (argv: string[]) => parseProcs(parseFlags(argv, serverCommand.flags).values.procs);
  const parsed = parseFlags(['--addr', 'x', '--procs', '3', '--redis', 'y'], serverCommand.flags).values;
  expect({ procs: parseProcs(parsed.procs), addr: parsed.addr, redis: parsed.redis }).toEqual({ procs: 3, addr: 'x', redis: 'y' });
  expect(procs(['-procs=2'])).toBe(2);
  expect(procs([])).toBe(1);
  expect(() => parseProcs('0')).toThrow(/--procs must be an integer of at least 1, got "0"/);
  expect(() => parseProcs('many')).toThrow(/--procs must be an integer/);
  expect(() => procs(['--procs'])).toThrow(/--procs needs a value/);
});

test('juggler server --procs 0 is a usage error (exit 2), said once', async () => {
  const bad = start(['server', '--procs', '0', '--addr', '127.0.0.1:0', '--redis', redisUrl]);
  expect(await new Promise((r) => bad.child.once('exit', r))).toBe(2);
  expect(bad.stderr()).toMatch(/--procs must be an integer of at least 1/);
});

test('juggler server --procs 2 with a bad flag says so once and exits with an error', async () => {
  const bad = start(['server', '--procs', '2', '--addr', '127.0.0.1:0', '--redis', redisUrl, '--read-limit', 'lots']);
  expect(await new Promise((r) => bad.child.once('exit', r))).not.toBe(0);
  expect(bad.stderr().match(/--read-limit must be a whole number/g)).toHaveLength(1);
});

test('juggler server --procs 2: calls from 40 connections all get their results, both processes serve, /debug/vars and /metrics add up', async () => {
  const srv = await startProcs(['server', '--procs', '2', '--addr', '127.0.0.1:0', '--redis', redisUrl], /listening on ws:\/\/\S+\n/);
  expect(srv.p.stdout().match(/listening on/g)).toHaveLength(1);
  const callee = start(['callee', '--redis', redisUrl, '--demo', '--quiet']);
  await callee.waitFor(/serving .*test\.echo/);

  const peers = await Promise.all(Array.from({ length: 40 }, () => RawPeer.connect(srv.ws)));
  const answers = await Promise.all(
    peers.map(async (peer, i) => {
      const id = crypto.randomUUID();
      peer.send({ meta: { type: 1, uuid: id }, payload: { uri: 'test.echo', timeout: 10e9, args: { conn: i } } });
      return (await peer.forType(9, id, 15_000)).payload.args;
    }),
  );
  expect(answers).toEqual(peers.map((_, i) => ({ conn: i })));

  const vars = await debugVars(srv.http);
  expect(vars.juggler.MsgsCALL).toBe(40);
  expect(vars.juggler.MsgsRES).toBe(40);
  expect(vars.juggler.TotalConns).toBe(40);
  expect(vars.juggler.ActiveConns).toBe(40);
  expect(vars.juggler_ts.broker.Calls).toBe(40);
  const ps = vars.juggler_ts.Processes as { Pid: number; ServerID: string; TotalConns: number; Calls: number }[];
  expect(ps.map((p) => p.Pid).sort()).toEqual([...srv.pids].sort());
  // each process is a full server: its own id (so its own results list) and its share of the connections
  expect(new Set(ps.map((p) => p.ServerID)).size).toBe(2);
  for (const p of ps) expect(p.TotalConns).toBeGreaterThan(0);
  expect(ps.reduce((n, p) => n + p.Calls, 0)).toBe(40);

  // whichever process answers, the sum is the same
  const metrics = await (await fetch(`${srv.http}/metrics`)).text();
  expect(metrics).toMatch(/^juggler_msgs_total\{type="CALL"\} 40$/m);
  expect(metrics).toMatch(/^juggler_connections_total 40$/m);
  expect(metrics).toMatch(/^juggler_processes 2$/m);
  for (const peer of peers) peer.close();
});

test('SIGTERM to juggler server --procs 2: an in-flight slow call is still answered, sockets close with 1001, every process exits, code 0', async () => {
  const srv = await startProcs(['server', '--procs', '2', '--addr', '127.0.0.1:0', '--redis', redisUrl], /listening on ws:\/\/\S+\n/);
  const callee = start(['callee', '--redis', redisUrl, '--demo', '--quiet']);
  await callee.waitFor(/serving .*test\.delay/);
  // connections on both processes, one call in flight on each
  const peers = await Promise.all(Array.from({ length: 4 }, () => RawPeer.connect(srv.ws)));
  const ids = peers.map(() => crypto.randomUUID());
  for (const [i, peer] of peers.entries()) {
    peer.send({ meta: { type: 1, uuid: ids[i] }, payload: { uri: 'test.delay', timeout: 10e9, args: '700' } });
  }
  await Promise.all(peers.map((peer, i) => peer.forType(8, ids[i], 15_000)));
  const results = peers.map((peer, i) => peer.forType(9, ids[i], 15_000));
  const closed = peers.map((peer) => peer.closed);
  const code = srv.p.stop();
  for (const r of await Promise.all(results)) expect(r.payload.args).toBe('700');
  for (const c of await Promise.all(closed)) expect(c.code).toBe(1001);
  expect(await code).toBe(0);
  for (const pid of srv.pids) expect(alive(pid)).toBe(false);
});

test('a server process that dies is restarted, and calls go on over every process', async () => {
  const srv = await startProcs(['server', '--procs', '2', '--addr', '127.0.0.1:0', '--redis', redisUrl], /listening on ws:\/\/\S+\n/);
  const callee = start(['callee', '--redis', redisUrl, '--demo', '--quiet']);
  await callee.waitFor(/serving .*test\.echo/);
  process.kill(srv.pids[0]!, 'SIGKILL');
  await until(() => /process 1 restarted \(pid \d+\)/.test(srv.p.stderr()), 'the restart');
  expect(srv.p.stderr()).toMatch(/process 1 \(pid \d+\) was killed by SIGKILL; restarting it in \d+ ms/);
  const pid = Number(/process 1 restarted \(pid (\d+)\)/.exec(srv.p.stderr())![1]);
  workerPids.add(pid);
  expect(pid).not.toBe(srv.pids[0]);
  for (let i = 0; i < 10; i++) expect(await call(srv.ws, 'test.echo', i)).toBe(i);
  const vars = await debugVars(srv.http);
  const ps = vars.juggler_ts.Processes as { Pid: number; TotalConns: number }[];
  expect(ps.map((p) => p.Pid).sort()).toEqual([pid, srv.pids[1]!].sort());
  for (const p of ps) expect(p.TotalConns).toBeGreaterThan(0);
  expect(srv.p.stdout().match(/listening on/g)).toHaveLength(1);
  expect(await srv.p.stop()).toBe(0);
});

test(`server processes that keep dying: after ${MAX_RESTARTS} restarts the supervisor stops the others and exits 1`, async () => {
  const srv = await startProcs(['server', '--procs', '2', '--addr', '127.0.0.1:0', '--redis', redisUrl], /listening on ws:\/\/\S+\n/);
  let victim = srv.pids[0]!;
  for (let n = 1; n <= MAX_RESTARTS; n++) {
    process.kill(victim, 'SIGKILL');
    const re = /process 1 restarted \(pid (\d+)\)/g;
    await until(() => (srv.p.stderr().match(re)?.length ?? 0) >= n, `restart ${n}`, 30_000);
    victim = Number([...srv.p.stderr().matchAll(re)][n - 1]![1]);
    workerPids.add(victim);
  }
  process.kill(victim, 'SIGKILL');
  expect(await new Promise((r) => srv.p.child.once('exit', r))).toBe(1);
  expect(srv.p.stderr()).toMatch(/giving up, stopping the others/);
  for (const pid of workerPids) expect(alive(pid)).toBe(false);
});

test('juggler callee --procs 2: calls are served by both processes, and SIGTERM stops both after their running calls', async () => {
  const file = join(tmpdir(), `procs-handlers-${process.pid}-${Date.now()}.js`);
  // each call says which process ran it, after a pause long enough that the calls overlap
  writeFileSync(
    file,
    "module.exports = { 'app.pid': async (ms) => { await new Promise((r) => setTimeout(r, ms)); return process.pid; } };\n",
  );
  const server = start(['server', '--addr', '127.0.0.1:0', '--redis', redisUrl]);
  const [, ws] = await server.waitFor(/listening on (ws:\/\/\S+)/);
  const callee = await startProcs(['callee', '--procs', '2', '--redis', redisUrl, '--workers', '1', '--quiet', file], /serving app\.pid/);
  expect(callee.p.stdout().match(/serving app\.pid/g)).toHaveLength(1);

  const peer = await RawPeer.connect(ws!);
  const ids = Array.from({ length: 10 }, () => crypto.randomUUID());
  for (const id of ids) peer.send({ meta: { type: 1, uuid: id }, payload: { uri: 'app.pid', timeout: 10e9, args: 100 } });
  const pids = await Promise.all(ids.map(async (id) => (await peer.forType(9, id, 15_000)).payload.args as number));
  expect(new Set(pids)).toEqual(new Set(callee.pids));

  // a call still running when SIGTERM comes is finished and its result stored
  const last = crypto.randomUUID();
  peer.send({ meta: { type: 1, uuid: last }, payload: { uri: 'app.pid', timeout: 10e9, args: 800 } });
  await peer.forType(8, last, 15_000);
  await new Promise((r) => setTimeout(r, 300)); // popped by a callee process by now
  const code = callee.p.stop();
  expect(callee.pids).toContain((await peer.forType(9, last, 15_000)).payload.args);
  expect(await code).toBe(0);
  for (const pid of callee.pids) expect(alive(pid)).toBe(false);
  peer.close();
});
