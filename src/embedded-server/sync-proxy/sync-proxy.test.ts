// The sync proxy between real clients and real `juggler sync-server` processes of every generation:
// frames pass unchanged, close codes both ways, refusals with their status, both sides' data decoded.
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type CliProcess, runCli } from '../../../test/cli-process';
import type { Generation } from '../sync/generation';
import { NodeWebSocket, rawSocket, until } from '../sync/test-support';
import { connectClient, connectSeed } from '../sync/ws-client';
import { type ProxyClose, type ProxyFrame, SyncProxy } from './sync-proxy';

const procs: CliProcess[] = [];
const proxies: SyncProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  await Promise.all(procs.splice(0).map((p) => p.stop()));
});

async function syncServer(generation: Generation, extra: string[] = []): Promise<{ url: string; proc: CliProcess }> {
  const proc = runCli(['sync-server', '--addr', '127.0.0.1:0', '--generation', generation, '--delay', '0', ...extra]);
  procs.push(proc);
  const [, url] = await proc.waitFor(/listening on (ws:\/\/\S+)/);
  return { url: url!, proc };
}

async function proxyTo(
  upstream: string,
  generation?: Generation,
): Promise<{ proxy: SyncProxy; frames: ProxyFrame[]; closes: ProxyClose[] }> {
  const proxy = await SyncProxy.listen({ upstream, generation });
  proxies.push(proxy);
  const frames: ProxyFrame[] = [];
  const closes: ProxyClose[] = [];
  proxy.on('frame', (f) => frames.push(f));
  proxy.on('close', (c) => closes.push(c));
  return { proxy, frames, closes };
}

/** The status of a websocket upgrade answered with HTTP (a refusal). */
function upgradeStatus(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new NodeWebSocket(url) as unknown as import('ws').WebSocket;
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('open', () => reject(new Error('the upgrade was accepted')));
    ws.on('error', () => {});
  });
}

describe('sync proxy', () => {
  it.each(['seed', '0.6', '0.7'] as const)(
    'generation %s (detected): a real client through the proxy gets the server state, frames unchanged, both replicas kept',
    async (generation) => {
      const { url } = await syncServer(generation, ['--demo']);
      const { proxy, frames } = await proxyTo(url);
      const received: string[] = [];
      const trace = class extends NodeWebSocket {
        constructor(u: string) {
          super(u);
          (this as unknown as import('ws').WebSocket).on('message', (d) => received.push(d.toString()));
        }
      };
      const client =
        generation === 'seed'
          ? await connectSeed(proxy.url, { WebSocket: trace, syncDelay: 0 })
          : await connectClient(proxy.url, { WebSocket: trace, generation, pingDelay: null });
      const remote = () =>
        generation === 'seed'
          ? (client as Awaited<ReturnType<typeof connectSeed>>).remoteData
          : (client as Awaited<ReturnType<typeof connectClient>>).state.value;
      await until(() => (remote() as { tick?: number } | null)?.tick !== undefined, 'the demo state through the proxy', 10_000);
      const conn = [...proxy.connections.values()][0]!;
      expect(conn.replicas.generation).toBe(generation);
      // what the client holds is what the proxy decoded on both ends
      await until(() => JSON.stringify(conn.replicas.client.remote.value) === JSON.stringify(remote()), 'the client replica');
      expect(conn.replicas.server.local.value).toEqual(conn.replicas.client.remote.value);
      // every frame the client got is one the proxy forwarded, text unchanged
      const out = frames.filter((f) => f.dir === 'out').map((f) => f.text);
      expect(out.slice(0, received.length)).toEqual(received);
      if (generation === 'seed') {
        const seed = client as Awaited<ReturnType<typeof connectSeed>>;
        seed.setLocalData({ from: 'client', n: 1 });
        await until(() => JSON.stringify(conn.replicas.server.remote.value) === '{"from":"client","n":1}', "the server's copy");
        expect(conn.replicas.client.local.value).toEqual({ from: 'client', n: 1 });
      } else {
        const c = client as Awaited<ReturnType<typeof connectClient>>;
        expect(await c.send('greet', { a: 1 })).toEqual({ name: 'greet', data: { a: 1 } });
        expect(frames.some((f) => f.dir === 'in' && f.text.includes('"greet"'))).toBe(true);
      }
      expect(proxy.decodeFailures).toBe(0);
      client.close();
    },
  );

  it('a patch the server refuses: the frame is forwarded, the server closes (code and reason reach the client), the replicas differ', async () => {
    const { url } = await syncServer('seed');
    const { proxy, closes, frames } = await proxyTo(url, 'seed');
    const raw = await rawSocket(proxy.url);
    raw.ws.send(JSON.stringify({ type: 'DATA', payload: [{ op: 'replace', path: '', value: { a: 0 } }] }));
    await until(
      () => proxy.connections.size === 1 && JSON.stringify([...proxy.connections.values()][0]!.replicas.server.remote.value) === '{"a":0}',
    );
    const conn = [...proxy.connections.values()][0]!;
    // the 0.5.7 client's style: a test guard before the replace; the server's copy has a = 0, so it fails
    raw.ws.send(
      JSON.stringify({
        type: 'DATA',
        payload: [
          { op: 'test', path: '/a', value: 1 },
          { op: 'replace', path: '/a', value: 2 },
        ],
      }),
    );
    const closed = await raw.closed;
    expect(closed.code).toBe(1007);
    expect(closed.reason).not.toBe('');
    expect(closes).toEqual([{ connId: conn.id, by: 'server', code: 1007, reason: closed.reason }]);
    expect(conn.replicas.client.local.value).toEqual({ a: 2 });
    expect(conn.replicas.server.remote.value).toEqual({ a: 0 });
    expect(proxy.decodeFailures).toBe(1);
    // the refused frame is reported with why, and was forwarded (the server closed on it)
    expect(frames.filter((f) => f.dir === 'in').at(-1)).toMatchObject({ error: expect.stringContaining('the server cannot apply') });
  });

  it("the client's close code and reason reach the server", async () => {
    const { url, proc } = await syncServer('0.7');
    const { proxy, closes } = await proxyTo(url, '0.7');
    const raw = await rawSocket(proxy.url);
    await proc.waitFor(/connection opened/);
    raw.ws.close(4001, 'done here');
    await proc.waitFor(/connection closed: 4001 done here/);
    await until(() => closes.length === 1);
    expect(closes[0]).toMatchObject({ by: 'client', code: 4001, reason: 'done here' });
  });

  it('malformed and over-deep frames are counted and forwarded; the proxy keeps serving', async () => {
    const { url } = await syncServer('0.6');
    const { proxy } = await proxyTo(url, '0.6');
    const raw = await rawSocket(proxy.url);
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    raw.ws.send(`{"type":"request","id":1,"name":"x","data":${deep}}`);
    raw.ws.send('not json');
    await raw.closed; // the server closes on what it cannot read
    await until(() => proxy.decodeFailures >= 1, 'the failures counted');
    const again = await connectClient(proxy.url, { WebSocket: NodeWebSocket, generation: '0.6', pingDelay: null });
    expect(await again.send('', 7)).toBe(7);
    again.close();
  });

  it('an upgrade the server refuses reaches the client with its status; an unreachable server gives 502', async () => {
    const { url } = await syncServer('seed');
    const { proxy } = await proxyTo(url.replace(/\/ws$/, '/nope'));
    expect((await upgradeStatus(proxy.url)).status).toBe(404);
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const { proxy: down } = await proxyTo(`ws://127.0.0.1:${port}/ws`);
    const refusal = await upgradeStatus(down.url);
    expect(refusal.status).toBe(502);
    expect(refusal.body).toContain(`cannot reach ws://127.0.0.1:${port}/ws`);
  });
});
