// `juggler load` in process, against a real websocket server: the scripted one for the counting rules,
// and the real server + demo callee on the test redis for one end-to-end run.
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { type Stack, startStack } from '../../../test/stack';
import { ScriptedServer } from '../client/testing/scripted-server';
import { formatDuration, type LoadReport, loadConfig, runLoad } from './load';
import { runMain as runMainArgv } from './testing/captured-io';

/** `juggler load ...args` in process. */
const runMain = (args: string[]) => runMainArgv(['load', ...args]);

let server: ScriptedServer;
beforeEach(async () => {
  server = await ScriptedServer.start({ nackUri: 'test.unavailable' });
});
afterEach(async () => {
  await server.stop();
});

describe('juggler load flags', () => {
  it('has the Go defaults', () => {
    expect(loadConfig([])).toEqual({
      config: {
        addr: 'ws://127.0.0.1:9000/ws',
        connections: 100,
        durationMs: 10_000,
        rateMs: 100,
        uri: 'test.delay',
        uris: ['test.delay'],
        payload: '100',
        timeoutMs: 1000,
      },
      json: false,
    });
  });

  it('takes Go spellings, negative rates and -n', () => {
    const { config } = loadConfig(['-addr', 'ws://h:1/ws', '-c', '5', '-d', '1m', '-r', '-1ms', '-n', '3', '-u', 'app.x', '-t', '250ms']);
    expect(config).toMatchObject({
      addr: 'ws://h:1/ws',
      connections: 5,
      durationMs: 60_000,
      rateMs: -1,
      uris: ['app.x_1', 'app.x_2', 'app.x_3'],
      timeoutMs: 250,
    });
  });

  it('reports bad values in words, exit code 2', async () => {
    expect(await runMain(['-c', '0'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--connections must be an integer of at least 1, got "0"'),
    });
    expect(await runMain(['-d', 'soon'])).toMatchObject({ code: 2, err: expect.stringContaining('invalid duration "soon"') });
    expect(await runMain(['--addr', 'localhost:9000'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--addr must be a ws:// or wss:// URL'),
    });
    const { code, err } = await runMain(['--addr', 'ws://127.0.0.1:1/ws', '-c', '2', '-d', '100ms']);
    expect(code).toBe(1);
    expect(err).toMatch(/2 of 2 connections failed: cannot connect to ws:\/\/127.0.0.1:1\/ws/);
    expect(err).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('--help lists every flag with its default', async () => {
    const { out } = await runMain(['--help']);
    for (const s of [
      '-c, --connections N',
      '(default 100)',
      '(default 10s)',
      '(default 100ms)',
      '(default test.delay)',
      '(default 1s)',
      '-n, --uris N',
      '--json',
    ]) {
      expect(out).toContain(s);
    }
  });

  it('formats durations as Go does', () => {
    expect([10_000, 100, 1500, -1, 0, 0.25, 90_000].map(formatDuration)).toEqual(['10s', '100ms', '1.5s', '-1ms', '0s', '250µs', '1m30s']);
  });
});

describe('juggler load runs', () => {
  it('counts calls, ACKs and results at a fixed rate, and measures latency', async () => {
    const { config } = loadConfig(['--addr', server.url, '-c', '4', '-d', '300ms', '-r', '20ms', '-p', '10']);
    const r = await runLoad(config);
    // the rate is a ceiling (15 calls per connection in 300 ms at one per 20 ms); how close a busy
    // machine gets to it is for benchmarks, not tests: every connection calls at least twice
    expect(r.calls).toBeGreaterThanOrEqual(4 * 2);
    expect(r.calls).toBeLessThanOrEqual(4 * 16);
    expect(r).toMatchObject({ acks: r.calls, nacks: 0, results: r.calls, expired: 0, failed: 0, errorResults: 0 });
    expect(r.latencyMs.count).toBe(r.calls);
    expect(r.latencyMs.min).toBeGreaterThanOrEqual(9); // test.delay "10" sleeps 10 ms
    expect(r.latencyMs.max).toBeGreaterThanOrEqual(r.latencyMs.p99);
    expect(r.actualDurationMs).toBeGreaterThanOrEqual(300);
    expect(r.throughput).toBeCloseTo(r.results / (r.actualDurationMs / 1000), 5);
    expect(server.requests.every((q) => (q.payload as { args: { text: string } }).args.text === '"10"')).toBe(true);
  });

  it('with a negative rate, each connection calls again once its result came', async () => {
    const { config } = loadConfig(['--addr', server.url, '-c', '2', '-d', '200ms', '-r', '-1ms', '-p', '20']);
    const r = await runLoad(config);
    // 20 ms per call, one at a time per connection: at most about 10 each, fewer on a busy machine
    expect(r.calls).toBeGreaterThanOrEqual(2 * 2);
    expect(r.calls).toBeLessThanOrEqual(2 * 11);
    expect(r.results).toBe(r.calls);
  });

  it('counts expired calls and NACKs, and spreads calls over URI_1..URI_N', async () => {
    const expired = await runLoad(
      loadConfig(['--addr', server.url, '-c', '2', '-d', '100ms', '-r', '25ms', '-t', '50ms', '-u', 'test.nobody', '-n', '3']).config,
    );
    expect(expired).toMatchObject({ results: 0, nacks: 0, failed: 0 });
    expect(expired.expired).toBe(expired.calls);
    expect(expired.acks).toBe(expired.calls);
    expect(new Set(server.requests.map((q) => (q.payload as { uri: string }).uri))).toEqual(
      new Set(['test.nobody_1', 'test.nobody_2', 'test.nobody_3']),
    );
    const nacked = await runLoad(
      loadConfig(['--addr', server.url, '-c', '1', '-d', '60ms', '-r', '20ms', '-u', 'test.unavailable']).config,
    );
    expect(nacked.nacks).toBe(nacked.calls);
    expect(nacked).toMatchObject({ acks: 0, results: 0, expired: 0, failed: 0 });
  });

  it('--json prints one JSON object with the report; the text report has the same figures', async () => {
    const json = await runMain(['--addr', server.url, '-c', '2', '-d', '100ms', '-r', '20ms', '-p', '1', '--json']);
    expect(json.code).toBe(0);
    const r = JSON.parse(json.out) as LoadReport;
    expect(Object.keys(r)).toEqual(
      expect.arrayContaining(['calls', 'acks', 'nacks', 'results', 'expired', 'actualDurationMs', 'throughput', 'latencyMs']),
    );
    expect(Object.keys(r.latencyMs)).toEqual(expect.arrayContaining(['min', 'median', 'p75', 'p90', 'p99', 'max']));
    expect(json.err).toMatch(/2 connections started\.\.\.\nstopping\.\.\.\nstopped\./);
    const text = await runMain(['--addr', server.url, '-c', '1', '-d', '50ms', '-r', '10ms', '-p', '1']);
    expect(text.out).toMatch(/Calls:\s+\d+\nACK:\s+\d+\nNACK:\s+0\nResults:\s+\d+\nExpired:\s+0/);
    expect(text.out).toMatch(/min\s+median\s+p75\s+p90\s+p99\s+max\n[\d.]+\s+[\d.]+/);
  });
});

describe('juggler load against the real server and demo callee', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  it('every call of every connection gets its result', async () => {
    stack = await startStack({ redis: { url: inject('redisUrl') }, workers: 20 });
    const r = await runLoad(loadConfig(['--addr', stack.url, '-c', '10', '-d', '1s', '-r', '50ms', '-p', '5']).config);
    // how many calls fit in the second depends on the machine's load (up to 200 here); what is pinned
    // is that every connection called and every call was answered
    expect(r.calls).toBeGreaterThanOrEqual(10);
    expect(r).toMatchObject({ acks: r.calls, nacks: 0, results: r.calls, expired: 0, failed: 0, errorResults: 0 });
    expect(r.latencyMs.min).toBeGreaterThanOrEqual(4);
  });
});
