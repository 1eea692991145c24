// The HTTP side of the endpoint: redirect, static files, Cache-Control (N17), Basic auth (N14), TLS (N15),
// forwarded addresses, mounting on an existing server.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { selfSignedCert } from '../../../test/self-signed-cert';
import type { ServerPeer } from './server-peer';
import { NodeWebSocket, nextConnection, requestClient } from './test-support';
import { connectClient } from './ws-client';
import { SyncServer, type SyncServerOptions } from './ws-server';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sync-static-'));
  writeFileSync(join(dir, 'index.html'), '<h1>hi</h1>');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'app.js'), 'x');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const servers: SyncServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
async function serve(options: Partial<SyncServerOptions> = {}): Promise<SyncServer> {
  const server = await SyncServer.listen({ generation: '0.7', staticDir: dir, ...options });
  servers.push(server);
  return server;
}

function get(
  server: SyncServer,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('HTTP endpoint', () => {
  it('GET / redirects to /index.html; the redirect can be disabled', async () => {
    const on = await serve();
    expect(await get(on, '/')).toMatchObject({ status: 302, headers: { location: '/index.html' } });
    const off = await serve({ index: null });
    expect((await get(off, '/')).status).toBe(404);
  });

  it('serves static files without listings or escaping the directory', async () => {
    const server = await serve();
    expect(await get(server, '/index.html')).toMatchObject({ status: 200, body: '<h1>hi</h1>' });
    expect((await get(server, '/sub/app.js')).headers['content-type']).toMatch(/javascript/);
    expect((await get(server, '/sub/')).status).toBe(404);
    expect((await get(server, '/sub')).status).toBe(404);
    expect((await get(server, '/../package.json')).status).toBe(404);
    expect((await get(server, '/%2e%2e/package.json')).status).toBe(404);
  });

  it.each([
    ['0.7 default', '0.7', undefined, 'no-cache'],
    ['0.7 turned off', '0.7', false, undefined],
    ['0.6 default', '0.6', undefined, undefined],
    ['0.6 turned on', '0.6', true, 'no-cache'],
  ] as const)('N17 Cache-Control on /index.html: %s', async (_, generation, noCache, expected) => {
    const server = await serve({ generation, noCache });
    expect((await get(server, '/index.html')).headers['cache-control']).toBe(expected);
  });

  it('extra routes are served', async () => {
    const server = await serve({ routes: { '/health': (_req, res) => res.end('ok') } });
    expect((await get(server, '/health')).body).toBe('ok');
  });

  it('N14 Basic auth: no credentials, a wrong user or password fail (twice); the right ones connect repeatedly', async () => {
    const server = await serve({ basicAuth: { user: 'u', password: 'p' } });
    const port = server.port;
    const res = await get(server, '/index.html');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm=""');
    for (const cred of ['', 'x:p@', 'u:x@', '', 'x:p@', 'u:x@']) {
      await expect(
        connectClient(`ws://${cred}127.0.0.1:${port}/ws`, { generation: '0.7', WebSocket: NodeWebSocket }),
      ).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
    }
    for (let i = 0; i < 3; i++) {
      const client = await connectClient(`ws://u:p@127.0.0.1:${port}/ws`, { generation: '0.7', WebSocket: NodeWebSocket, pingDelay: null });
      expect(client.isOpen).toBe(true);
      client.close();
    }
    expect((await get(server, '/index.html', { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` })).status).toBe(200);
  });

  it('N15 over TLS the server presents its certificate', async () => {
    const { dir: tls } = selfSignedCert('sync-tls-');
    try {
      const cert = readFileSync(join(tls, 'cert.pem'));
      const server = await serve({ tls: { key: readFileSync(join(tls, 'key.pem')), cert } });
      expect(server.url).toMatch(/^wss:/);
      const peerCert = await new Promise<string>((resolve, reject) => {
        const req = httpsRequest({ host: '127.0.0.1', port: server.port, path: '/index.html', ca: cert }, (res) => {
          resolve((res.socket as import('node:tls').TLSSocket).getPeerCertificate().subject.CN?.toString() ?? '');
          res.resume();
        });
        req.on('error', reject).end();
      });
      expect(peerCert).toBe('127.0.0.1');
      const client = await connectClient(server.url, {
        generation: '0.7',
        pingDelay: null,
        createWebSocket: (url) => new WebSocket(url, { ca: cert }) as never,
      });
      expect(client.isOpen).toBe(true);
      client.close();
    } finally {
      rmSync(tls, { recursive: true, force: true });
    }
  });

  it('a connection honours the last Forwarded for=, else X-Forwarded-For, else the socket peer', async () => {
    const server = await serve();
    const cases: [Record<string, string>, string][] = [
      [{ forwarded: 'for=1.1.1.1, for="[2001:db8::1]"', 'x-forwarded-for': '3.3.3.3' }, '[2001:db8::1]'],
      [{ 'x-forwarded-for': '3.3.3.3, 4.4.4.4' }, '4.4.4.4'],
      [{}, '127.0.0.1'],
    ];
    for (const [headers, expected] of cases) {
      const connP = nextConnection<ServerPeer>(server);
      const ws = new WebSocket(server.url, { headers });
      const opened = new Promise((resolve) => ws.once('open', resolve));
      const conn = await connP;
      await opened;
      expect(conn.remoteAddress).toBe(expected);
      ws.close();
    }
  });

  it('an upgrade on another path is refused', async () => {
    const server = await serve();
    await expect(connectClient(server.url.replace('/ws', '/other'), { generation: '0.7', WebSocket: NodeWebSocket })).rejects.toMatchObject(
      { code: 'CONNECT_FAILED' },
    );
  });

  it('mounts on an existing http.Server under a configurable path, leaving its routes alone', async () => {
    const http = createServer((_req, res) => res.end('owner'));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    try {
      const server = await SyncServer.listen({ generation: '0.6', server: http, path: '/sync/ws', syncDelay: 0 });
      server.setState({ mounted: true });
      const client = await requestClient(server);
      await new Promise((resolve) => (client.state.value ? resolve(null) : client.on('change', resolve)));
      expect(client.state.value).toEqual({ mounted: true });
      expect(server.url).toMatch(/\/sync\/ws$/);
      await server.close();
      expect(client.isOpen).toBe(false);
      expect(http.listening).toBe(true); // the owner's server keeps running
    } finally {
      await new Promise((r) => http.close(r));
    }
  });
});
