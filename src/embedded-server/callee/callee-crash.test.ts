// A `juggler callee` process killed with SIGKILL in the middle of a call: the call it had popped is lost
// with it, so the client learns of it only from its own timeout (CallExpiredError and the 'exp' event,
// spec: "Client library"). Calls made while no callee runs wait in redis; a callee started later runs
// those still within their TTL and drops the expired ones without running them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { type CliProcess, runCli } from '../../../test/cli-process';
import { type Stack, startStack } from '../../../test/stack';
import { CallExpiredError, type ExpiredCall } from '../client';
import type { JugglerClient } from '../client/client';
import { connect } from '../client/node';

const redisUrl = inject('redisUrl');
// URIs of this run only: the shared redis may hold other files' calls
const uri = `crash.work.${process.pid}.${Date.now()}`;
let dir: string;
let handlerFile: string;
let stack: Stack;
let client: JugglerClient;
const procs: CliProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'juggler-crash-'));
  handlerFile = join(dir, 'handlers.js');
  // prints when a call starts, so that the test kills the callee while the function runs
  writeFileSync(
    handlerFile,
    `module.exports = { ${JSON.stringify(uri)}: async ({ id, ms }) => {
  console.log('started ' + id);
  await new Promise((r) => setTimeout(r, ms));
  return { done: id };
} };\n`,
  );
  stack = await startStack({ redis: { url: redisUrl }, callee: false });
  client = await connect(stack.url);
});

afterAll(async () => {
  await client?.close();
  await Promise.all(procs.map((p) => p.stop('SIGKILL')));
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
});

function startCallee(): CliProcess {
  const p = runCli(['callee', '--redis', redisUrl, '--workers', '4', handlerFile]);
  procs.push(p);
  return p;
}

test('a callee killed while running a call: the call expires after its TTL and the client is told', async () => {
  const callee = startCallee();
  await callee.waitFor(/serving /);
  const expired: ExpiredCall[] = [];
  client.on('exp', (c) => expired.push(c));
  const t0 = performance.now();
  const running = client.call(uri, { id: 'doomed', ms: 10_000 }, { timeoutMs: 1500 });
  const outcome = running.then(
    () => 'result',
    (err: unknown) => err,
  );
  await callee.waitFor(/started doomed/);
  await callee.stop('SIGKILL');
  const err = await outcome;
  expect(err).toBeInstanceOf(CallExpiredError);
  expect(err).toMatchObject({ code: 'CALL_EXPIRED', uri, timeoutMs: 1500 });
  // not before its TTL: nothing else could have told the client
  expect(performance.now() - t0).toBeGreaterThanOrEqual(1400);
  expect(expired).toEqual([expect.objectContaining({ uri, acked: true, timeoutMs: 1500 })]);
});

test('calls queued while no callee runs: a callee started later answers those within their TTL and skips the expired', async () => {
  const expired: ExpiredCall[] = [];
  const off = client.on('exp', (c) => expired.push(c));
  const live = client.call(uri, { id: 'queued-live', ms: 0 }, { timeoutMs: 15_000 });
  const short = client.call(uri, { id: 'queued-short', ms: 0 }, { timeoutMs: 300 }).catch((e: unknown) => e);
  expect(await short).toBeInstanceOf(CallExpiredError);
  // give redis time to drop the short call's timeout key as well
  await new Promise((r) => setTimeout(r, 200));
  const callee = startCallee();
  expect(await live).toEqual({ done: 'queued-live' });
  off();
  const shortUUID = expired.find((c) => c.timeoutMs === 300)?.uuid;
  expect(shortUUID).toBeDefined();
  // the expired call was popped and dropped without running: logged as expired, never started
  await callee.waitFor(new RegExp(`expired\\s+${uri.replaceAll('.', '\\.')} ${shortUUID}`));
  expect(callee.stdout()).not.toMatch(/started queued-short/);
  expect(callee.stdout()).toMatch(/started queued-live/);
});
