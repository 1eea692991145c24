// Interop with the real npm clients (@hat-open/juggler 0.5.7, 0.6.18, 0.7.0, installed under the aliases
// juggler-0.5/0.6/0.7) against our server. They are browser clients: they get `ws`'s WebSocket as the
// global, a `window` and a minimal `document` (their helper packages touch it at import time), and an
// explicit address. 0.5.7 ships ES module syntax without "type": "module", so it is bundled with esbuild
// into a temporary ES module first (node_modules is never edited).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { SeedPeer } from './seed-peer';
import type { ServerPeer } from './server-peer';
import { nextConnection, sleep, until } from './test-support';
import { SyncServer, type SyncServerOptions } from './ws-server';

// biome-ignore lint/suspicious/noExplicitAny: the npm clients are untyped JavaScript (0.5.7) or typed loosely
type Any = any;

let j05: Any;
let j06: Any;
let j07: Any;
let bundleDir = '';

beforeAll(async () => {
  const g = globalThis as Any;
  // a browser WebSocket reports a refused connection as an event; `ws` also emits 'error' on its
  // EventEmitter side, which throws when nobody listens there
  g.WebSocket = class BrowserLikeWebSocket extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      this.on('error', () => {});
    }
  };
  g.window = globalThis;
  g.document = { addEventListener() {}, removeEventListener() {}, body: null, querySelector: () => null };
  const require = createRequire(__filename);
  const esbuild = require('esbuild') as typeof import('esbuild');
  const out = await esbuild.build({
    entryPoints: [require.resolve('juggler-0.5')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'silent',
  });
  bundleDir = mkdtempSync(join(tmpdir(), 'juggler-05-'));
  const file = join(bundleDir, 'juggler-0.5.mjs');
  writeFileSync(file, out.outputFiles[0]!.text);
  j05 = await import(/* @vite-ignore */ pathToFileURL(file).href);
  j06 = await import('juggler-0.6' as string);
  j07 = await import('juggler-0.7' as string);
});

afterAll(() => {
  if (bundleDir) rmSync(bundleDir, { recursive: true, force: true });
});

const servers: SyncServer[] = [];
const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(options: SyncServerOptions): Promise<SyncServer> {
  const server = await SyncServer.listen(options);
  servers.push(server);
  return server;
}

function events(target: Any, name: string): unknown[] {
  const got: unknown[] = [];
  target.addEventListener(name, (e: Any) => got.push(e.detail));
  return got;
}

async function opened(conn: Any): Promise<void> {
  await until(() => conn.readyState === WebSocket.OPEN, 'the npm client to open');
}

describe('seed × @hat-open/juggler 0.5.7', () => {
  it('our local data reaches its remoteData, edit after edit (its jiff applies our patches)', async () => {
    const server = await serve({ generation: 'seed', syncDelay: 0 });
    const connP = nextConnection<SeedPeer>(server);
    const client = new j05.Connection(server.url, 0);
    cleanups.push(() => client.close());
    const conn = await connP;
    const changes = events(client, 'change');
    const values = [{ a: 1 }, { a: 1, list: [1, 2] }, { a: 1, list: [0, 1, 2] }, { list: [1, 2], 'x/y~z': '' }, [false], 'text', null, 0];
    for (const v of values) {
      conn.setLocalData(v);
      await until(() => changes.length > 0 && JSON.stringify(client.remoteData) === JSON.stringify(v), `remoteData ${JSON.stringify(v)}`);
    }
    expect(client.remoteData).toEqual(0);
  });

  it('its local data (jiff patches with test operations) reaches our remoteData', async () => {
    const server = await serve({ generation: 'seed' });
    const connP = nextConnection<SeedPeer>(server);
    const client = new j05.Connection(server.url, 1);
    cleanups.push(() => client.close());
    const conn = await connP;
    await opened(client);
    for (const v of [{ a: 1 }, { a: 2, b: [1, 2, 3] }, { b: [3] }, 'x', null]) {
      client.setLocalData(v);
      await until(() => JSON.stringify(conn.remoteData) === JSON.stringify(v), `our remoteData ${JSON.stringify(v)}`);
    }
  });

  it('messages both ways', async () => {
    const server = await serve({ generation: 'seed' });
    const connP = nextConnection<SeedPeer>(server);
    const client = new j05.Connection(server.url);
    cleanups.push(() => client.close());
    const conn = await connP;
    await opened(client);
    const atClient = events(client, 'message');
    const atServer: unknown[] = [];
    conn.on('message', (m) => atServer.push(m));
    for (const m of [0, false, '', [], {}, null, { deep: [1, { x: 'é😀' }] }]) {
      client.send(m);
      conn.send(m);
    }
    await until(() => atClient.length === 7 && atServer.length === 7, 'all messages');
    expect(atServer).toEqual(atClient);
    expect(atClient.at(-1)).toEqual({ deep: [1, { x: 'é😀' }] });
  });

  it('rpc both ways through its Application, and it reconnects after we close the connection', async () => {
    const server = await serve({ generation: 'seed', rpc: { actions: { act: (x) => (x as number) + 1 } } });
    let connP = nextConnection<SeedPeer>(server);
    const app = new j05.Application(null, null, { act: (x: number) => x * 10 }, undefined, server.url, 0, 30);
    const conn = await connP;
    await until(() => app._conn?.readyState === WebSocket.OPEN, 'the application to connect');
    expect(await app.rpc.act(123)).toBe(124);
    expect(await conn.call('act', 32)).toBe(320);
    connP = nextConnection<SeedPeer>(server);
    const disconnected = events(app, 'disconnected');
    conn.close();
    const again = await connP;
    expect(disconnected.length).toBe(1);
    await until(() => app._conn?.readyState === WebSocket.OPEN, 'the application to reconnect');
    expect(await again.call('act', 2)).toBe(20);
    // stop its reconnect loop: it has no close(); drop retries by pointing it nowhere
    app._address = 'ws://127.0.0.1:9/ws';
    again.close();
  });

  it('a protocol error from it (unknown type) closes only that connection', async () => {
    const server = await serve({ generation: 'seed' });
    const connP = nextConnection<SeedPeer>(server);
    const client = new j05.Connection(server.url);
    const conn = await connP;
    await opened(client);
    const closed = new Promise<Any>((resolve) => conn.on('close', resolve));
    client._ws.send(JSON.stringify({ type: 'BOGUS', payload: 1 }));
    expect((await closed).error.code).toBe('UNKNOWN_MESSAGE_TYPE');
  });
});

for (const [generation, version] of [
  ['0.6', '0.6.18'],
  ['0.7', '0.7.0'],
] as const) {
  const lib = () => (generation === '0.6' ? j06 : j07);

  describe(`${generation} × @hat-open/juggler ${version}`, () => {
    it('our state reaches its Connection, change after change', async () => {
      const server = await serve({ generation, syncDelay: 0 });
      server.setState({ initial: true });
      const client = new (lib().Connection)(server.url);
      cleanups.push(() => client.close());
      const changes = events(client, 'change');
      await until(() => changes.length === 1, 'the initial state');
      expect(client.state).toEqual({ initial: true });
      for (const v of [{ a: [1, 2] }, { a: [0, 1, 2] }, { a: [2], 'k/~': null }, 42, [], null]) {
        server.setState(v);
        await until(() => JSON.stringify(client.state) === JSON.stringify(v), `state ${JSON.stringify(v)}`);
      }
    });

    it('its requests reach our handler; results and raw errors come back; empty name echoes', async () => {
      const server = await serve({
        generation,
        requestHandler: (_c, name, data) => {
          if (name === 'fail') throw new Error('bad input');
          return { name, data };
        },
      });
      const client = new (lib().Connection)(server.url);
      cleanups.push(() => client.close());
      await opened(client);
      expect(await client.send('hello', [1, 'two'])).toEqual({ name: 'hello', data: [1, 'two'] });
      await expect(client.send('fail', null)).rejects.toBe('bad input');
      expect(await client.send('', { p: 1 })).toEqual({ p: 1 });
    });

    it('our notifications reach it in order', async () => {
      const server = await serve({ generation });
      const connP = nextConnection<ServerPeer>(server);
      const client = new (lib().Connection)(server.url);
      cleanups.push(() => client.close());
      const conn = await connP;
      await opened(client);
      const got = events(client, 'notify');
      for (const data of [null, 42, '42', [], { a: [true, {}] }]) conn.notify('n', data);
      await until(() => got.length === 5, 'notifications');
      expect(got.map((n: Any) => n.data)).toEqual([null, 42, '42', [], { a: [true, {}] }]);
    });

    it('its Application connects through a list of addresses, pings, and reconnects', async () => {
      const server = await serve({ generation, pingDelay: generation === '0.7' ? 15 : null, pingTimeout: 200 });
      let connP = nextConnection<ServerPeer>(server);
      const dead = 'ws://127.0.0.1:9/ws';
      const app = new (lib().Application)(null, undefined, [dead, server.url], 30, 15, 200);
      cleanups.push(() => app.setAddresses([]));
      const connected = events(app, 'connected');
      const conn = await connP;
      await until(() => connected.length === 1, 'connected');
      await sleep(80); // several keepalive rounds both ways (0.6: empty-name requests; 0.7: 2/3 frames)
      expect(conn.isOpen).toBe(true);
      expect(await app.send('', 'still here')).toBe('still here');
      connP = nextConnection<ServerPeer>(server);
      conn.close();
      const again = await connP;
      await until(() => connected.length === 2, 'reconnected');
      expect(again.isOpen).toBe(true);
      app.setAddresses([]);
      again.close();
    });

    if (generation === '0.7') {
      it('segments: a large notify to it and a large request from it with small segment sizes', async () => {
        const server = await serve({ generation, maxSegmentSize: 1000, requestHandler: (_c, _n, data) => (data as string).length });
        const connP = nextConnection<ServerPeer>(server);
        const client = new j07.Connection(server.url, null, 5000, 777);
        cleanups.push(() => client.close());
        const conn = await connP;
        await opened(client);
        const big = 'abc'.repeat(100_000);
        expect(await client.send('len', big)).toBe(big.length);
        const got = events(client, 'notify');
        conn.notify('big', `${big}😀`.repeat(3));
        await until(() => got.length === 1, 'the big notify');
        expect((got[0] as Any).data).toBe(`${big}😀`.repeat(3));
      });

      it('our transport ping is answered by it', async () => {
        const server = await serve({ generation, pingDelay: 10, pingTimeout: 100 });
        const connP = nextConnection<ServerPeer>(server);
        const client = new j07.Connection(server.url, null);
        cleanups.push(() => client.close());
        const conn = await connP;
        await sleep(100);
        expect(conn.isOpen).toBe(true);
      });
    }
  });
}
