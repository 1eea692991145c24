// The attacks of issue 11 (items 2, 3 and 7) against the data-sync endpoints, kept as a fuzz-suite
// companion so they stay fixed: values nested thousands deep on every generation against a real
// `juggler sync-server` process (each generation, with and without --demo), unfinished 0.7 segments
// (per connection, in time, across connections), and a patch of too many prepends. Each attack must cost
// only the attacking connection: it is closed with a code and a reason, the process lives on and a
// well-behaved client is still served. Needs the built CLI (npm run build:node).
import { afterAll, describe, expect, test } from 'vitest';
import { type CliProcess, runCli } from '../../../test/cli-process';
import { buildFrame, Opcode, RawWebSocket } from '../../../test/raw-ws';
import { DEFAULT_MAX_DEPTH } from '../../shared/json-patch/json-depth';
import { DEFAULT_MAX_PATCH_OPERATIONS } from '../../shared/json-patch/patch';
import type { SeedPeer } from './seed-peer';
import { until } from './test-support';
import { SyncServer } from './ws-server';

type Gen = 'seed' | '0.6' | '0.7';

function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** The frames that killed every generation of `juggler sync-server` (issue 11, item 2). */
function deepAttacks(gen: Gen): [string, string][] {
  if (gen === 'seed') {
    return [
      ['MESSAGE 3,000 deep', `{"type":"MESSAGE","payload":${nested(3000)}}`],
      ['DATA value 5,000 deep', `{"type":"DATA","payload":[{"op":"replace","path":"","value":${nested(5000)}}]}`],
    ];
  }
  const ping = `{"type":"request","id":1,"name":"","data":${nested(5000)}}`;
  return [['ping request with data 5,000 deep', gen === '0.7' ? `0${ping}` : ping]];
}

/** A well-behaved exchange: a PING answered by PONG (seed), a ping request answered (0.6/0.7). */
function probe(gen: Gen, id: number): { send: string; answered: (m: string) => boolean } {
  if (gen === 'seed') return { send: '{"type":"PING","payload":{}}', answered: (m) => m.includes('"PONG"') };
  const req = JSON.stringify({ type: 'request', id, name: '', data: { ok: id } });
  return {
    send: gen === '0.7' ? `0${req}` : req,
    answered: (m) => m.includes('"response"') && m.includes(`"id":${id},`),
  };
}

async function served(port: number, gen: Gen, id: number): Promise<void> {
  const ws = await RawWebSocket.open(port, '/ws');
  try {
    const p = probe(gen, id);
    ws.text(p.send);
    expect(await ws.waitUntil(() => ws.messages.some(p.answered), 10_000)).toBe(true);
  } finally {
    ws.destroy();
  }
}

const processes: CliProcess[] = [];
const servers: SyncServer[] = [];
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  await Promise.all(servers.map((s) => s.close()));
});

describe.each([
  ['seed', false],
  ['seed', true],
  ['0.6', false],
  ['0.6', true],
  ['0.7', false],
  ['0.7', true],
] as [Gen, boolean][])('juggler sync-server --generation %s (demo: %s) against values nested thousands deep', (gen, demo) => {
  test('each deep frame closes its connection with 1009 TOO_DEEP; the process lives and serves another client', async () => {
    const cli = runCli(['sync-server', '--addr', '127.0.0.1:0', '--generation', gen, '--delay', '0', ...(demo ? ['--demo'] : [])]);
    processes.push(cli);
    const port = Number((await cli.waitFor(/listening on ws:\/\/127\.0\.0\.1:(\d+)\/ws/))[1]);
    let id = 0;
    for (const [what, frame] of deepAttacks(gen)) {
      const attacker = await RawWebSocket.open(port, '/ws');
      attacker.send({ opcode: Opcode.text, payload: frame });
      const closed = await attacker.ended;
      attacker.destroy();
      expect({ what, ...closed }).toEqual({
        what,
        code: 1009,
        reason: expect.stringMatching(new RegExp(`^TOO_DEEP: .*limit of ${DEFAULT_MAX_DEPTH} levels`)),
      });
      await served(port, gen, ++id);
      expect(cli.child.exitCode, cli.stderr()).toBeNull();
    }
    expect(await cli.stop()).toBe(0);
  }, 30_000);
});

describe('0.7 unfinished segments are capped', () => {
  test('a message over maxMessageSize closes with 1009 and gives its share of the budget back', async () => {
    const server = await SyncServer.listen({ generation: '0.7', maxMessageSize: 1000, requestHandler: () => 1 });
    servers.push(server);
    const ws = await RawWebSocket.open(server.port, '/ws');
    ws.text(`1${'x'.repeat(600)}`);
    await until(() => server.unfinished.used === 600, 'the first segment held');
    ws.text(`1${'x'.repeat(600)}`);
    expect(await ws.ended).toEqual({ code: 1009, reason: expect.stringMatching(/^MESSAGE_TOO_BIG: .*raise maxMessageSize/) });
    ws.destroy();
    await until(() => server.unfinished.used === 0, 'the budget released');
    await served(server.port, '0.7', 1);
  });

  test('a message unfinished after unfinishedMessageTimeout closes with 1008 and its memory is released', async () => {
    const server = await SyncServer.listen({ generation: '0.7', unfinishedMessageTimeout: 300, requestHandler: () => 1 });
    servers.push(server);
    const ws = await RawWebSocket.open(server.port, '/ws');
    ws.text(`1${'x'.repeat(5000)}`);
    expect(await ws.ended).toEqual({
      code: 1008,
      reason: expect.stringMatching(/^UNFINISHED_MESSAGE_TIMEOUT: .*within 300 ms.*unfinishedMessageTimeout/),
    });
    ws.destroy();
    await until(() => server.unfinished.used === 0, 'the budget released');
    // a message that ends in time is not affected by the timer of the one before it
    const ok = await RawWebSocket.open(server.port, '/ws');
    ok.text('1{"type":"request",');
    ok.text('0"id":9,"name":"","data":1}');
    expect(await ok.waitUntil(() => ok.messages.some((m) => m.includes('"id":9,')), 5000)).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    expect(ok.closeFrame).toBeUndefined();
    ok.destroy();
  });

  test('past maxUnfinishedTotal the connection holding the most is closed with 1009; the others go on', async () => {
    const server = await SyncServer.listen({ generation: '0.7', maxUnfinishedTotal: 1000, requestHandler: (_c, _n, d) => d });
    servers.push(server);
    const big = await RawWebSocket.open(server.port, '/ws');
    const small = await RawWebSocket.open(server.port, '/ws');
    big.text(`1${' '.repeat(600)}`);
    small.text(`1${' '.repeat(300)}`);
    await until(() => server.unfinished.used === 900, 'both segments held');
    const third = await RawWebSocket.open(server.port, '/ws');
    third.text('1{"type":"request","id":3,"name":"x",'.padEnd(200, ' '));
    expect(await big.ended).toEqual({
      code: 1009,
      reason: expect.stringMatching(/^UNFINISHED_TOTAL_EXCEEDED: .*limit of 1000 characters/),
    });
    big.destroy();
    third.text('0"data":"third"}');
    small.text('0{"type":"request","id":2,"name":"x","data":"small"}');
    expect(await third.waitUntil(() => third.messages.some((m) => m.includes('"third"')), 5000)).toBe(true);
    expect(await small.waitUntil(() => small.messages.some((m) => m.includes('"small"')), 5000)).toBe(true);
    await until(() => server.unfinished.used === 0, 'the budget released');
    expect(small.closeFrame).toBeUndefined();
    small.destroy();
    third.destroy();
  });
});

describe('websocket frames that never finish arriving are capped like segments (every generation)', () => {
  /** The first `sent` bytes of a text frame of `size` bytes: ws buffers them until the rest comes. */
  const partialFrame = (size: number, sent: number) => buildFrame({ opcode: Opcode.text, payload: 'x'.repeat(size) }).subarray(0, sent);

  test('a frame unfinished after unfinishedMessageTimeout closes with 1008', async () => {
    const server = await SyncServer.listen({ generation: 'seed', unfinishedMessageTimeout: 300 });
    servers.push(server);
    const ws = await RawWebSocket.open(server.port, '/ws');
    ws.write(partialFrame(100_000, 5000));
    expect(await ws.ended).toEqual({ code: 1008, reason: expect.stringMatching(/^UNFINISHED_MESSAGE_TIMEOUT: .*within 300 ms/) });
    ws.destroy();
    await until(() => server.unfinished.used === 0, 'the bytes released');
    await served(server.port, 'seed', 1);
  });

  test('past maxUnfinishedTotal the connection holding the most bytes is closed with 1009; the other finishes its frame', async () => {
    const server = await SyncServer.listen({ generation: '0.6', maxUnfinishedTotal: 50_000, requestHandler: (_c, _n, d) => d });
    servers.push(server);
    const big = await RawWebSocket.open(server.port, '/ws');
    big.write(partialFrame(200_000, 40_000));
    await until(() => server.unfinished.used >= 40_000, 'the first frame held');
    const small = await RawWebSocket.open(server.port, '/ws');
    const request = buildFrame({
      opcode: Opcode.text,
      payload: JSON.stringify({ type: 'request', id: 4, name: 'x', data: 'y'.repeat(20_000) }),
    });
    small.write(request.subarray(0, 15_000));
    expect(await big.ended).toEqual({ code: 1009, reason: expect.stringMatching(/^UNFINISHED_TOTAL_EXCEEDED: /) });
    big.destroy();
    small.write(request.subarray(15_000));
    expect(await small.waitUntil(() => small.messages.some((m) => m.includes('"id":4,')), 5000)).toBe(true);
    await until(() => server.unfinished.used === 0, 'the budget released');
    small.destroy();
  });
});

describe('a patch of too many prepends', () => {
  function prepends(n: number): string {
    const ops = Array.from({ length: n }, (_, i) => `{"op":"add","path":"/arr/0","value":${i}}`);
    return `{"type":"DATA","payload":[{"op":"replace","path":"","value":{"arr":[]}},${ops.join(',')}]}`;
  }

  test('200,000 operations in one frame close that connection with 1009; another connection is served meanwhile', async () => {
    const server = await SyncServer.listen({ generation: 'seed' });
    servers.push(server);
    const control = await RawWebSocket.open(server.port, '/ws');
    const attacker = await RawWebSocket.open(server.port, '/ws');
    attacker.send({ opcode: Opcode.text, payload: prepends(200_000) });
    control.text('{"type":"PING","payload":{}}');
    expect(await attacker.ended).toEqual({
      code: 1009,
      reason: expect.stringMatching(new RegExp(`^TOO_MANY_OPERATIONS: .*limit of ${DEFAULT_MAX_PATCH_OPERATIONS}`)),
    });
    expect(await control.waitUntil(() => control.messages.some((m) => m.includes('PONG')), 10_000)).toBe(true);
    attacker.destroy();
    control.destroy();
  }, 30_000);

  test('the largest allowed patch of prepends is applied in order, and another connection is answered after it', async () => {
    const server = await SyncServer.listen({ generation: 'seed' });
    servers.push(server);
    const applied = new Promise<SeedPeer>((resolve) =>
      server.on('connection', (c) => (c as SeedPeer).on('remoteChange', () => resolve(c as SeedPeer))),
    );
    const attacker = await RawWebSocket.open(server.port, '/ws');
    const control = await RawWebSocket.open(server.port, '/ws');
    const n = DEFAULT_MAX_PATCH_OPERATIONS - 1;
    attacker.send({ opcode: Opcode.text, payload: prepends(n) });
    const peer = await applied;
    control.text('{"type":"PING","payload":{}}');
    expect(await control.waitUntil(() => control.messages.some((m) => m.includes('PONG')), 10_000)).toBe(true);
    const arr = (peer.remoteData as { arr: number[] }).arr;
    expect([arr.length, arr[0], arr[n - 1]]).toEqual([n, n - 1, 0]);
    expect(attacker.closeFrame).toBeUndefined();
    attacker.destroy();
    control.destroy();
  }, 60_000);
});
