// Generation seed over real websockets: the spec's conformance cases S1-S12.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CloseCode } from '../../shared/close-code';
import type { SyncDelay } from './batcher';
import { SyncError } from './errors';
import type { ChangeEvent } from './replica';
import type { SeedPeer } from './seed-peer';
import { NodeWebSocket, nextConnection, rawSocket, seedClient, sleep, until } from './test-support';
import { connectSeed } from './ws-client';
import { SyncServer, type SyncServerOptions } from './ws-server';

const servers: SyncServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(options: Partial<SyncServerOptions> = {}): Promise<SyncServer> {
  const server = await SyncServer.listen({ generation: 'seed', ...options });
  servers.push(server);
  return server;
}

/** A connected pair: server side and client side, both with the same delay. */
async function pair(syncDelay: SyncDelay, rpc?: SyncServerOptions['rpc']): Promise<{ server: SyncServer; srv: SeedPeer; cli: SeedPeer }> {
  const server = await serve({ syncDelay, rpc });
  const srvP = nextConnection<SeedPeer>(server);
  const cli = await seedClient(server, { syncDelay, rpc });
  return { server, srv: await srvP, cli };
}

function closed(peer: SeedPeer): Promise<unknown> {
  return new Promise((resolve) => (peer.isOpen ? peer.on('close', resolve) : resolve(undefined)));
}

describe('seed generation', () => {
  it.each([1, 2, 5])('S1 %i clients get one server connection each; closing a client leaves the server up', async (n) => {
    const server = await serve();
    const clients = await Promise.all(Array.from({ length: n }, () => seedClient(server)));
    await until(() => server.connections.size === n, 'server connections');
    const first = [...server.connections][0] as SeedPeer;
    clients[0]!.close();
    await closed(first);
    await until(() => server.connections.size === n - 1, 'one connection fewer');
    const again = await seedClient(server);
    expect(again.isOpen).toBe(true);
    for (const c of clients) c.close();
    again.close();
    const url = server.url;
    await server.close();
    await expect(connectSeed(url, { WebSocket: NodeWebSocket })).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
  });

  it.each([1, 2, 10])('S2 closing the server closes %i connections within 0.1 s', async (n) => {
    const server = await serve();
    const clients = await Promise.all(Array.from({ length: n }, () => seedClient(server)));
    await until(() => server.connections.size === n, 'connections');
    const start = Date.now();
    await Promise.all([server.close(), ...clients.map(closed)]);
    expect(Date.now() - start).toBeLessThan(1000); // generous bound; the cut-off is at 100 ms
    expect(clients.every((c) => !c.isOpen)).toBe(true);
  });

  const sequences: unknown[][] = [
    [true, false, true, false],
    [0, 1, 2, 3, 4, 5],
    [{}, { a: 1 }, { a: 2 }, { a: 2, b: null }, { b: null }],
    [0, false, '', [], {}, null],
  ];
  for (const direction of ['client→server', 'server→client'] as const) {
    it.each(sequences.map((s) => [JSON.stringify(s), s]))(`S3 delay 0, ${direction}: %s arrives value by value`, async (_, seq) => {
      const { srv, cli } = await pair(0);
      const [from, to] = direction === 'client→server' ? [cli, srv] : [srv, cli];
      const seen: unknown[] = [];
      to.on('remoteChange', (e) => seen.push(e.after));
      let expected = 0;
      for (const value of seq as unknown[]) {
        from.setLocalData(value);
        expect(from.localData).toEqual(value);
        // null → null at the start is no change at all
        if (!(seen.length === 0 && value === null && expected === 0)) expected++;
        await until(() => seen.length === expected, `change ${expected}`);
        expect(to.remoteData).toEqual(value);
      }
    });
  }

  it('S4 delay null: nothing is sent until flush(), then exactly one change', async () => {
    const { srv, cli } = await pair(null);
    const seen: ChangeEvent[] = [];
    srv.on('remoteChange', (e) => seen.push(e));
    cli.setLocalData([1]);
    cli.setLocalData([1, 2]);
    await sleep(100);
    expect(seen).toEqual([]);
    await cli.flush();
    await until(() => seen.length === 1, 'the flushed change');
    await sleep(20);
    expect(seen.map((e) => e.after)).toEqual([[1, 2]]);
  });

  const messageSets: unknown[][] = [
    [false, false, true, false],
    [0, 0, 1, 2, 0, 3],
    [{}, { a: 1 }, { a: 2 }, { a: 2, b: null }, { b: null }],
    [0, 0.0, false, '', [], {}, null],
  ];
  it.each(messageSets.map((m) => [JSON.stringify(m), m]))('S5 messages %s arrive equal and in order, both directions', async (_, msgs) => {
    const { srv, cli } = await pair(0);
    const atSrv: unknown[] = [];
    const atCli: unknown[] = [];
    srv.on('message', (m) => atSrv.push(m));
    cli.on('message', (m) => atCli.push(m));
    for (const m of msgs as unknown[]) {
      cli.send(m);
      srv.send(m);
    }
    await until(() => atSrv.length === (msgs as unknown[]).length && atCli.length === (msgs as unknown[]).length, 'all messages');
    expect(atSrv).toEqual(msgs);
    expect(atCli).toEqual(msgs);
  });

  it('S6 an 8 MiB string message from server to client', async () => {
    const { srv, cli } = await pair(0);
    const big = 'x'.repeat(8 * 1024 * 1024);
    const got = new Promise((resolve) => cli.on('message', resolve));
    srv.send(big);
    expect(await got).toBe(big);
  });

  it('S7 after the other side closes, send, set, flush and receive fail with connection closed', async () => {
    const { srv, cli } = await pair(0, { actions: {} });
    srv.close();
    await closed(cli);
    for (const op of [() => cli.send(1), () => cli.setLocalData(1)]) {
      expect(op).toThrow(SyncError);
      try {
        op();
      } catch (err) {
        expect((err as SyncError).code).toBe('CONNECTION_CLOSED');
      }
    }
    await expect(cli.flush()).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    await expect(cli.call('act', 1)).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    // receiving: frames after close are not processed
    cli.receive('{"type":"DATA","payload":[{"op":"replace","path":"","value":1}]}');
    expect(cli.remoteData).toBe(null);
  });

  it('S8 delay 0: three sets give exactly three remote changes in order', async () => {
    const { srv, cli } = await pair(0);
    const seen: unknown[] = [];
    srv.on('remoteChange', (e) => seen.push(e.after));
    for (const v of [123, 'abc', 'xyz']) cli.setLocalData(v);
    await until(() => seen.length === 3, 'three changes');
    await sleep(20);
    expect(seen).toEqual([123, 'abc', 'xyz']);
  });

  it('S9 delay 1 ms: three sets give exactly one change', async () => {
    const { srv, cli } = await pair(1);
    const seen: unknown[] = [];
    srv.on('remoteChange', (e) => seen.push(e.after));
    for (const v of [123, 'abc', 'xyz']) cli.setLocalData(v);
    await until(() => seen.length === 1, 'one change');
    await sleep(30);
    expect(seen).toEqual(['xyz']);
  });

  it('S10 rpc over MESSAGE: act(x) = x + 1 on both sides; bad argument and unknown action fail', async () => {
    const act = (x: unknown) => {
      if (typeof x !== 'number') throw new TypeError('x must be a number');
      return x + 1;
    };
    const { srv, cli } = await pair(0, { actions: { act } });
    // the client got the same actions through pair()
    expect(await cli.call('act', 123)).toBe(124);
    expect(await srv.call('act', 321)).toBe(322);
    await expect(cli.call('act', 'x')).rejects.toMatchObject({ code: 'REQUEST_FAILED', data: 'x must be a number' });
    await expect(srv.call('nope', 1)).rejects.toMatchObject({ code: 'REQUEST_FAILED', data: 'invalid action' });
  });

  it('S11 rpc default handler receives the action name then the arguments', async () => {
    const defaultHandler = (action: string, ...args: unknown[]) => `${action}: ${args.join(', ')}`;
    const { srv, cli } = await pair(0, { defaultHandler });
    expect(await cli.call('act', 123)).toBe('act: 123');
    expect(await srv.call('act', 1, 2, 3)).toBe('act: 1, 2, 3');
  });

  it('S11 without rpc, an rpc-shaped MESSAGE is a regular message', async () => {
    const { srv, cli } = await pair(0);
    const got = new Promise((resolve) => srv.on('message', resolve));
    const payload = { type: 'rpc', id: 1, direction: 'request', action: 'a', args: [] };
    cli.send(payload);
    expect(await got).toEqual(payload);
    await expect(cli.call('a')).rejects.toMatchObject({ code: 'RPC_DISABLED' });
  });

  describe('S12', () => {
    it('PING is answered with {"type":"PONG","payload":{}}', async () => {
      const server = await serve();
      const { ws, frames } = await rawSocket(server.url);
      ws.send('{"type":"PING","payload":{"echo":"no"}}');
      await until(() => frames.length === 1, 'PONG');
      expect(JSON.parse(frames[0]!)).toEqual({ type: 'PONG', payload: {} });
      ws.close();
    });

    it('our PING is off by default, and when on, a silent peer is closed after the timeout', async () => {
      const server = await serve({ pingDelay: 20, pingTimeout: 30 });
      const { ws, frames, closed: raw } = await rawSocket(server.url);
      ws.pause(); // a silent peer: reads nothing, answers nothing (PONG is never sent)
      const conn = [...server.connections][0] as SeedPeer;
      const closeEvent = new Promise<{ code: number; error?: SyncError }>((resolve) => conn.on('close', resolve));
      const e = await closeEvent;
      expect(e.error?.code).toBe('PING_TIMEOUT');
      ws.resume();
      await raw;
      expect(frames.map((f) => JSON.parse(f))).toContainEqual({ type: 'PING', payload: {} });
    });

    const bad: [string, string | Buffer, number, string][] = [
      [
        'a patch that cannot be applied',
        '{"type":"DATA","payload":[{"op":"remove","path":"/nope"}]}',
        CloseCode.invalidPayload,
        'PATCH_FAILED',
      ],
      ['a malformed patch', '{"type":"DATA","payload":{"op":"add"}}', CloseCode.invalidPayload, 'PATCH_FAILED'],
      ['an unknown type', '{"type":"SOMETHING","payload":1}', CloseCode.protocolError, 'UNKNOWN_MESSAGE_TYPE'],
      ['a 0.6 request', '{"type":"request","id":1,"name":"x","data":null}', CloseCode.policyViolation, 'GENERATION_MISMATCH'],
      ['a 0.7 frame', '0{"type":"request","id":1,"name":"x","data":null}', CloseCode.policyViolation, 'GENERATION_MISMATCH'],
      ['text that is not JSON', 'hello', CloseCode.invalidPayload, 'MALFORMED_JSON'],
      ['a binary frame', Buffer.from('{"type":"MESSAGE","payload":1}'), CloseCode.unsupportedData, 'BINARY_FRAME'],
    ];
    it.each(bad)(
      '%s closes only that connection with a code and reason; the last good remoteData is kept',
      async (_, frame, code, errorCode) => {
        const server = await serve();
        const other = await seedClient(server);
        const connP = nextConnection<SeedPeer>(server);
        const { ws, closed: raw } = await rawSocket(server.url);
        const conn = await connP;
        ws.send('{"type":"DATA","payload":[{"op":"replace","path":"","value":{"a":1}}]}');
        await until(() => conn.remoteData !== null, 'good data');
        ws.send(frame);
        const e = await raw;
        expect(e.code).toBe(code);
        expect(e.reason).toContain(errorCode);
        expect(conn.remoteData).toEqual({ a: 1 });
        expect(conn.remote.revision).toBe(1);
        expect(other.isOpen).toBe(true);
        other.close();
      },
    );

    it('a 0.5.7-style patch with test operations applies', async () => {
      const server = await serve();
      const connP = nextConnection<SeedPeer>(server);
      const { ws } = await rawSocket(server.url);
      const conn = await connP;
      ws.send(
        JSON.stringify({
          type: 'DATA',
          payload: [
            { op: 'test', path: '', value: null },
            { op: 'replace', path: '', value: { a: 1 } },
          ],
        }),
      );
      ws.send(
        JSON.stringify({
          type: 'DATA',
          payload: [
            { op: 'test', path: '/a', value: 1 },
            { op: 'replace', path: '/a', value: 2 },
          ],
        }),
      );
      await until(() => conn.remote.revision === 2, 'two changes');
      expect(conn.remoteData).toEqual({ a: 2 });
      ws.close();
    });

    it('changes pending at close are not sent', async () => {
      const { srv, cli } = await pair(50);
      const seen: unknown[] = [];
      srv.on('remoteChange', (e) => seen.push(e.after));
      cli.setLocalData({ dropped: true });
      cli.close();
      await closed(srv);
      await sleep(80);
      expect(seen).toEqual([]);
    });

    it('batching is a fixed window: later changes do not extend it', async () => {
      const { srv, cli } = await pair(60);
      const seen: { at: number; value: unknown }[] = [];
      srv.on('remoteChange', (e) => seen.push({ at: Date.now(), value: e.after }));
      const start = Date.now();
      // keep changing for longer than the window: a debounce would send nothing until the changes stop
      let i = 0;
      while (Date.now() - start < 200) {
        cli.setLocalData(i++);
        await sleep(10);
      }
      expect(seen.length).toBeGreaterThanOrEqual(2);
      expect(seen[0]!.at - start).toBeLessThan(190);
    });
  });

  it('change events carry the patch, before, after and a growing revision per replica', async () => {
    const { srv, cli } = await pair(0);
    const remote: ChangeEvent[] = [];
    const local: ChangeEvent[] = [];
    srv.on('remoteChange', (e) => remote.push(e));
    cli.on('localChange', (e) => local.push(e));
    cli.setLocalData({ a: 1 });
    cli.setLocalData({ a: 1, b: [1] });
    await until(() => remote.length === 2, 'two changes');
    expect(remote.map((e) => e.revision)).toEqual([1, 2]);
    expect(remote[1]).toEqual({ revision: 2, patch: [{ op: 'add', path: '/b', value: [1] }], before: { a: 1 }, after: { a: 1, b: [1] } });
    expect(local.map((e) => [e.revision, e.before, e.after])).toEqual([
      [1, null, { a: 1 }],
      [2, { a: 1 }, { a: 1, b: [1] }],
    ]);
  });

  it('in-place mutation after a set is not lost: the next set diffs against what was sent', async () => {
    const { srv, cli } = await pair(0);
    const data = { list: [1] };
    cli.setLocalData(data);
    data.list.push(2);
    cli.setLocalData(data);
    await until(() => srv.remote.revision === 2, 'two changes');
    expect(srv.remoteData).toEqual({ list: [1, 2] });
  });

  it('NaN, Infinity and undefined are refused at the API with a clear error', async () => {
    const { cli } = await pair(0);
    expect(() => cli.setLocalData({ a: Number.NaN })).toThrow(/local data at "\/a" is NaN/);
    expect(() => cli.send([1, Number.POSITIVE_INFINITY])).toThrow(/message at "\/1" is Infinity/);
    expect(() => cli.send({ a: undefined })).toThrow(/undefined/);
    expect(cli.isOpen).toBe(true);
  });

  it('a new connection starts from null on both ends', async () => {
    const server = await serve({ syncDelay: 0 });
    const first = await seedClient(server, { syncDelay: 0 });
    first.setLocalData({ a: 1 });
    await until(() => ([...server.connections][0] as SeedPeer).remoteData !== null, 'data');
    first.close();
    const connP = nextConnection<SeedPeer>(server);
    const second = await seedClient(server, { syncDelay: 0 });
    const conn = await connP;
    expect(conn.remoteData).toBe(null);
    expect(second.remoteData).toBe(null);
    second.close();
  });
});

describe('a listener that throws (issue 11, item 2)', () => {
  it('is logged and closes only its connection with 1011: nothing is rethrown, the other connections go on', async () => {
    const server = await serve({ syncDelay: 0 });
    const logged: unknown[][] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => void logged.push(args);
    try {
      const badP = nextConnection<SeedPeer>(server);
      const bad = await seedClient(server, { syncDelay: 0 });
      const badConn = await badP;
      badConn.on('message', () => {
        throw new RangeError('Maximum call stack size exceeded');
      });
      const goodP = nextConnection<SeedPeer>(server);
      const good = await seedClient(server, { syncDelay: 0 });
      const goodConn = await goodP;
      const closed = new Promise<{ code: number; reason: string }>((resolve) => bad.on('close', resolve));
      bad.send({ hello: 1 });
      expect(await closed).toMatchObject({
        code: CloseCode.internalError,
        reason: expect.stringMatching(/^LISTENER_FAILED: a 'message' listener failed/),
      });
      expect(logged.flat().some((a) => a instanceof RangeError)).toBe(true);
      const got: unknown[] = [];
      goodConn.on('message', (m) => got.push(m));
      good.send('still here');
      await until(() => got.length === 1, 'the other connection served');
      good.close();
    } finally {
      console.error = error;
    }
  });
});

// keep the import used when the file is read alone
void WebSocket;
