// Generations 0.6 and 0.7 over real websockets: the spec's conformance cases N1-N13, N16, N18-N20
// (N14, N15 and N17 are HTTP matters, in ws-server.test.ts).
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../shared/close-code';
import type { ClientPeer } from './client-peer';
import type { SyncError } from './errors';
import type { CloseEvent } from './peer';
import type { ServerPeer } from './server-peer';
import { nextConnection, rawSocket, requestClient, sleep, until } from './test-support';
import { SyncServer, type SyncServerOptions } from './ws-server';

const servers: SyncServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function closedEvent(peer: {
  isOpen: boolean;
  on(name: 'close', fn: (e: CloseEvent) => void): () => void;
}): Promise<CloseEvent | undefined> {
  return new Promise((resolve) => (peer.isOpen ? peer.on('close', resolve) : resolve(undefined)));
}

for (const generation of ['0.6', '0.7'] as const) {
  describe(`generation ${generation}`, () => {
    async function serve(options: Partial<SyncServerOptions> = {}): Promise<SyncServer> {
      const server = await SyncServer.listen({ generation, ...options });
      servers.push(server);
      return server;
    }

    it.each([1, 2, 5])('N1 %i clients connect, one server connection each', async (n) => {
      const server = await serve();
      const clients = await Promise.all(Array.from({ length: n }, () => requestClient(server)));
      await until(() => server.connections.size === n, 'connections');
      for (const c of clients) c.close();
      await until(() => server.connections.size === 0, 'all closed');
    });

    it('N2 closing a client closes its server connection', async () => {
      const server = await serve();
      const connP = nextConnection<ServerPeer>(server);
      const client = await requestClient(server);
      const conn = await connP;
      client.close();
      await closedEvent(conn);
      expect(conn.isOpen).toBe(false);
    });

    it('N3 closing a server connection closes its client', async () => {
      const server = await serve();
      const connP = nextConnection<ServerPeer>(server);
      const client = await requestClient(server);
      (await connP).close();
      await closedEvent(client);
      expect(client.isOpen).toBe(false);
    });

    it('N4 closing the server closes every connection and client', async () => {
      const server = await serve();
      const clients = await Promise.all(Array.from({ length: 3 }, () => requestClient(server)));
      await until(() => server.connections.size === 3, 'connections');
      const conns = [...server.connections];
      await Promise.all([server.close(), ...clients.map(closedEvent)]);
      expect(conns.every((c) => !c.isOpen)).toBe(true);
    });

    it('N5 notify with any name and data arrives equal', async () => {
      const server = await serve();
      const connP = nextConnection<ServerPeer>(server);
      const client = await requestClient(server);
      const conn = await connP;
      const got: unknown[] = [];
      client.on('notify', (n) => got.push(n));
      const sent: { name: string; data: unknown }[] = [];
      for (const name of ['name1', 'name2']) for (const data of [null, 42, '42', [], { a: [true, {}] }]) sent.push({ name, data });
      for (const n of sent) conn.notify(n.name, n.data);
      await until(() => got.length === sent.length, 'notifications');
      expect(got).toEqual(sent);
    });

    it('N6 an 8 MiB string notify arrives (in 0.7 as many segments)', async () => {
      const server = await serve();
      const connP = nextConnection<ServerPeer>(server);
      const client = await requestClient(server);
      const conn = await connP;
      const big = 'y'.repeat(8 * 1024 * 1024);
      const got = new Promise<{ data: unknown }>((resolve) => client.on('notify', resolve));
      conn.notify('big', big);
      expect((await got).data).toBe(big);
    });

    it('N7 a handler gets (connection, name, data); the response waits for it and carries its result', async () => {
      let seen: unknown[] = [];
      let release = () => {};
      const server = await serve({
        requestHandler: async (conn, name, data) => {
          seen = [conn, name, data];
          await new Promise<void>((r) => {
            release = r;
          });
          return { echo: data };
        },
      });
      const connP = nextConnection<ServerPeer>(server);
      const client = await requestClient(server);
      const conn = await connP;
      let settled = false;
      const reply = client.send('greet', { x: 1 }).finally(() => {
        settled = true;
      });
      await until(() => seen.length > 0, 'the handler');
      expect(seen).toEqual([conn, 'greet', { x: 1 }]);
      await sleep(20);
      expect(settled).toBe(false);
      release();
      expect(await reply).toEqual({ echo: { x: 1 } });
    });

    it('N8 a handler that throws Error("error") rejects the promise with "error"', async () => {
      const server = await serve({
        requestHandler: () => {
          throw new Error('error');
        },
      });
      const client = await requestClient(server);
      await expect(client.send('x', 1)).rejects.toMatchObject({ code: 'REQUEST_FAILED', data: 'error' });
    });

    it('N9 without a handler the promise rejects', async () => {
      const server = await serve();
      const client = await requestClient(server);
      await expect(client.send('x', 1)).rejects.toMatchObject({ code: 'REQUEST_FAILED', data: 'request handler not implemented' });
    });

    it('N10 an empty name echoes the data without calling the handler', async () => {
      let calls = 0;
      const server = await serve({
        requestHandler: () => {
          calls++;
          return 'handled';
        },
      });
      const client = await requestClient(server);
      expect(await client.send('', { ping: [1] })).toEqual({ ping: [1] });
      expect(calls).toBe(0);
    });

    it.each([1, 10, 100, 10_000])('N11 delay 1 ms: a burst of %i sets shows only values below n, ending with n-1', async (n) => {
      const server = await serve({ syncDelay: 1 });
      const client = await requestClient(server);
      await until(() => server.connections.size === 1, 'connection');
      const seen: unknown[] = [];
      client.on('change', (e) => seen.push(e.after));
      for (let i = 0; i < n; i++) server.setState(i);
      await until(() => seen.at(-1) === n - 1, 'the last value');
      await sleep(20);
      expect(seen.at(-1)).toBe(n - 1);
      expect(seen.every((v) => typeof v === 'number' && v < n)).toBe(true);
      expect(seen.length).toBeLessThan(Math.max(2, n));
    });

    it.each([1, 10, 100, 10_000])('N12 delay null: nothing until flush(), then exactly one change, %i - 1', async (n) => {
      const server = await serve({ syncDelay: null });
      const client = await requestClient(server);
      await until(() => server.connections.size === 1, 'connection');
      const seen: unknown[] = [];
      client.on('change', (e) => seen.push(e.after));
      for (let i = 0; i < n; i++) server.setState(i);
      await sleep(50);
      expect(seen).toEqual([]);
      await server.flush();
      await until(() => seen.length === 1, 'one change');
      await sleep(20);
      expect(seen).toEqual([n - 1]);
    });

    it.each([1, 10, 100, 10_000])('N13 delay 0: every value 0..%i-1 arrives in order', async (n) => {
      const server = await serve({ syncDelay: 0 });
      const client = await requestClient(server);
      await until(() => server.connections.size === 1, 'connection');
      const seen: unknown[] = [];
      client.on('change', (e) => seen.push(e.after));
      for (let i = 0; i < n; i++) server.setState(i);
      // state starts as null, so 0 is a change too
      await until(() => seen.length === n, 'every value');
      await sleep(20);
      expect(seen).toEqual(Array.from({ length: n }, (_, i) => i));
    });

    it('N18 delay 0: state 123 reaches the change callback; closing the server closes both', async () => {
      const server = await serve({ syncDelay: 0 });
      const connP = nextConnection<ServerPeer>(server);
      const client = await requestClient(server);
      const conn = await connP;
      const got = new Promise((resolve) => client.on('change', (e) => resolve(e.after)));
      server.setState(123);
      expect(await got).toBe(123);
      await Promise.all([server.close(), closedEvent(client)]);
      expect(conn.isOpen || client.isOpen).toBe(false);
    });

    it('N20 ids start at 1 per connection', async () => {
      const server = await serve();
      for (let i = 0; i < 2; i++) {
        const { ws, frames } = await rawSocket(server.url);
        const client = (await requestClient(server)) as ClientPeer;
        // a raw socket sees our client's ids only through the server: check our client's frames instead
        const sent: string[] = [];
        const sink = (client as unknown as { sink: { send(f: string): void } }).sink;
        const original = sink.send.bind(sink);
        sink.send = (f: string) => {
          sent.push(f);
          original(f);
        };
        await client.send('', 1);
        await client.send('', 2);
        const bodies = sent.map((f) => JSON.parse(generation === '0.7' ? f.slice(1) : f) as { id: number });
        expect(bodies.map((b) => b.id)).toEqual([1, 2]);
        client.close();
        ws.close();
        void frames;
      }
    });

    it('N20 the first state after a non-null initial state is replace ""', async () => {
      const server = await serve();
      server.setState({ a: [1, 2] });
      const { ws, frames } = await rawSocket(server.url);
      await until(() => frames.length === 1, 'first state');
      const body = JSON.parse(generation === '0.7' ? frames[0]!.slice(1) : frames[0]!);
      expect(body).toEqual({ type: 'state', diff: [{ op: 'replace', path: '', value: { a: [1, 2] } }] });
      ws.close();
    });

    it('N20 flush() puts a state change ahead of a following notify', async () => {
      const server = await serve({ syncDelay: 1000 });
      const connP = nextConnection<ServerPeer>(server);
      const client = await requestClient(server);
      const conn = await connP;
      const order: string[] = [];
      client.on('change', () => order.push('state'));
      client.on('notify', () => order.push('notify'));
      server.setState('changed');
      await conn.flush();
      conn.notify('refers-to-state', null);
      await until(() => order.length === 2, 'both');
      expect(order).toEqual(['state', 'notify']);
    });

    it('N20 a slow handler does not delay pings or the responses of parallel requests', async () => {
      let release = () => {};
      const server = await serve({
        requestHandler: async (_c, name) => {
          if (name === 'slow') await new Promise<void>((r) => (release = r));
          return name;
        },
      });
      const client = await requestClient(server);
      const slow = client.send('slow', null);
      expect(await client.send('', 'ping')).toBe('ping');
      expect(await client.send('fast', null)).toBe('fast');
      release();
      expect(await slow).toBe('slow');
    });

    it('a client message that is not a request, or a request without id or name, closes the connection', async () => {
      const server = await serve();
      for (const body of [
        '{"type":"response","id":1,"success":true,"data":null}',
        '{"type":"request","name":"x"}',
        '{"type":"request","id":1}',
      ]) {
        const { ws, closed } = await rawSocket(server.url);
        ws.send(generation === '0.7' ? `0${body}` : body);
        const e = await closed;
        expect(e.code).toBe(CloseCode.protocolError);
        expect(e.reason).toMatch(/UNKNOWN_MESSAGE_TYPE|MALFORMED_MESSAGE/);
      }
    });

    it('a state patch that cannot be applied closes the client and keeps its last good state', async () => {
      const server = await serve({ syncDelay: 0 });
      const connP = nextConnection<ServerPeer>(server);
      const client = await requestClient(server);
      const conn = await connP;
      server.setState({ a: 1 });
      await until(() => client.state.revision === 1, 'good state');
      const closed = closedEvent(client);
      (conn as unknown as { sendMessage(t: string, w: string): void }).sendMessage(
        '{"type":"state","diff":[{"op":"replace","path":"/zzz","value":1}]}',
        'test',
      );
      const e = await closed;
      expect(e?.error?.code).toBe('PATCH_FAILED');
      expect(client.state.value).toEqual({ a: 1 });
    });

    it('pending requests reject with connection closed when the connection closes', async () => {
      const server = await serve({ requestHandler: () => new Promise(() => {}) });
      const connP = nextConnection<ServerPeer>(server);
      const client = await requestClient(server);
      const pending = client.send('never', null);
      (await connP).close();
      await expect(pending).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
      await expect(client.send('x', null)).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
    });

    it('a frame of the other generations closes with a mismatch error', async () => {
      const server = await serve();
      const other =
        generation === '0.7' ? '{"type":"request","id":1,"name":"x","data":null}' : '0{"type":"request","id":1,"name":"x","data":null}';
      for (const frame of [other, '{"type":"DATA","payload":[]}']) {
        const { ws, closed } = await rawSocket(server.url);
        ws.send(frame);
        const e = await closed;
        expect(e.code).toBe(CloseCode.policyViolation);
        expect(e.reason).toContain('GENERATION_MISMATCH');
      }
    });
  });
}

describe('generation 0.7 transport', () => {
  async function serve(options: Partial<SyncServerOptions> = {}): Promise<SyncServer> {
    const server = await SyncServer.listen({ generation: '0.7', ...options });
    servers.push(server);
    return server;
  }

  it('N16 both sides with a 10 ms ping delay stay connected while idle for 100 ms and close cleanly', async () => {
    const server = await serve({ pingDelay: 10, pingTimeout: 50 });
    const connP = nextConnection<ServerPeer>(server);
    const client = await requestClient(server, { pingDelay: 10, pingTimeout: 50 });
    const conn = await connP;
    await sleep(100);
    expect(client.isOpen && conn.isOpen).toBe(true);
    const closed = closedEvent(conn);
    client.close();
    expect((await closed)?.code).toBe(CloseCode.normal);
  });

  it('N19 a message with an emoji at every segment boundary arrives intact with a small segment size', async () => {
    const server = await serve({ maxSegmentSize: 3 });
    const connP = nextConnection<ServerPeer>(server);
    const { ws, frames } = await rawSocket(server.url);
    const conn = await connP;
    const text = '😀a😀bb😀ccc😀'.repeat(5);
    conn.notify('emoji', text);
    await until(() => frames.some((f) => f.startsWith('0')), 'the last segment');
    // every segment is valid UTF-16 on its own: no lone surrogate
    for (const f of frames) expect(f).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(frames.length).toBeGreaterThan(10);
    expect(JSON.parse(frames.map((f) => f.slice(1)).join(''))).toEqual({ type: 'notify', name: 'emoji', data: text });
    ws.close();
  });

  it('N19 our receiver accepts segments of any length; a ping between two segments is answered at once', async () => {
    const server = await serve({ requestHandler: (_c, _n, data) => data });
    const { ws, frames } = await rawSocket(server.url);
    const body = JSON.stringify({ type: 'request', id: 1, name: 'echo', data: '😀 and more text' });
    // Note: a cut between the two halves of a pair cannot be repaired by any receiver: each websocket
    // text frame is UTF-8, and a lone surrogate is already U+FFFD on the wire.
    const cut = body.indexOf('😀') + 2;
    ws.send(`1${body.slice(0, 1)}`);
    ws.send(`1${body.slice(1, cut)}`);
    ws.send(`2abc`); // a ping between two segments is answered at once
    await until(() => frames.length === 1, 'pong');
    expect(frames[0]).toBe('3abc');
    ws.send('3whatever'); // ignored
    ws.send(`0${body.slice(cut)}`);
    await until(() => frames.length === 2, 'response');
    expect(JSON.parse(frames[1]!.slice(1))).toEqual({ type: 'response', id: 1, success: true, data: '😀 and more text' });
    ws.close();
  });

  it.each([
    ['an unknown header', '9{}'],
    ['an empty frame', ''],
  ])('N19 %s closes the connection', async (_, frame) => {
    const server = await serve();
    const { ws, closed } = await rawSocket(server.url);
    ws.send(frame);
    const e = await closed;
    expect(e.code).toBe(CloseCode.protocolError);
    expect(e.reason).toContain('UNKNOWN_SEGMENT_HEADER');
  });

  it('N19 a binary frame closes the connection with 1003', async () => {
    const server = await serve();
    const { ws, closed } = await rawSocket(server.url);
    ws.send(Buffer.from('0{}'));
    expect((await closed).code).toBe(CloseCode.unsupportedData);
  });

  it('N19 a silent peer is pinged after the delay and closed after the timeout', async () => {
    const server = await serve({ pingDelay: 20, pingTimeout: 40 });
    const connP = nextConnection<ServerPeer>(server);
    const { ws, frames, closed } = await rawSocket(server.url);
    const conn = await connP;
    const errP = new Promise<SyncError | undefined>((resolve) => conn.on('close', (e) => resolve(e.error)));
    // a silent peer: answers nothing (ws answers websocket-level pings, not juggler `2` frames)
    expect((await errP)?.code).toBe('PING_TIMEOUT');
    await closed;
    expect(frames).toContain('2');
    void ws;
  });
});
