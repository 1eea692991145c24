// The recording proxy against a juggler system it did not start: `juggler server` and
// `juggler callee --demo` as separate processes on their own redis-server, and plain ws servers as
// upstreams where a test needs to see exactly what the upstream received or to misbehave.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { type CliProcess, runCli } from '../../../test/cli-process';
import { Opcode, RawWebSocket } from '../../../test/raw-ws';
import { freePort, type RedisProcess, startRedis } from '../../../test/redis-server';
import { selfSignedCert } from '../../../test/self-signed-cert';
import { RawPeer } from '../../../test/stack';
import { proxyHooks } from '../trace/adapters';
import { TraceBus } from '../trace/trace-bus';
import { JugglerProxy } from './proxy';

let redis: RedisProcess;
let server: CliProcess;
let callee: CliProcess;
let upstreamUrl: string;
const cleanups: (() => Promise<unknown> | unknown)[] = [];

beforeAll(async () => {
  redis = await startRedis();
  server = runCli(['server', '--addr', '127.0.0.1:0', '--redis', redis.url]);
  [, upstreamUrl] = (await server.waitFor(/listening on (ws:\/\/\S+)/)) as [string, string];
  callee = runCli(['callee', '--redis', redis.url, '--demo']);
  await callee.waitFor(/serving .*test\.echo/);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await callee?.stop();
  await redis?.stop();
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startProxy(...args: ConstructorParameters<typeof JugglerProxy>): Promise<JugglerProxy> {
  const p = new JugglerProxy(...args);
  await p.listen();
  cleanups.push(() => p.close());
  return p;
}

/** A plain websocket server as upstream; `onConnection` decides what it does. */
async function plainUpstream(
  onConnection: (ws: WebSocket, req: IncomingMessage) => void,
  o: { handleProtocols?: (offered: Set<string>) => string | false } = {},
): Promise<{ url: string; http: Server }> {
  const http = createServer();
  const wss = new WebSocketServer({
    server: http,
    handleProtocols: o.handleProtocols ?? ((p) => (p.has('juggler.0') ? 'juggler.0' : false)),
  });
  wss.on('connection', onConnection);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  cleanups.push(() => {
    for (const c of wss.clients) c.terminate();
    return new Promise((r) => http.close(r));
  });
  return { url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`, http };
}

/** Messages received by each socket opened by `opened`, from the start (one may come with the 101). */
const inboxes = new WeakMap<WebSocket, Buffer[]>();

function opened(url: string, protocols: string[] = ['juggler.0'], headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { headers });
    const inbox: Buffer[] = [];
    inboxes.set(ws, inbox);
    ws.on('message', (d: Buffer) => inbox.push(d));
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    cleanups.push(() => ws.terminate());
  });
}

function closeOf(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((r) => ws.once('close', (code, reason) => r({ code, reason: reason.toString() })));
}

async function firstMessage(ws: WebSocket): Promise<string> {
  await until(() => inboxes.get(ws)!.length > 0);
  return inboxes.get(ws)![0]!.toString();
}

async function until(pred: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('a call through the proxy gets its RES, and the frames both ways are traced with side proxy and the call uuid as corr', async () => {
  const bus = new TraceBus();
  const proxy = await startProxy({ upstream: upstreamUrl }, proxyHooks(bus, upstreamUrl));
  expect(proxy.localUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
  const peer = await RawPeer.connect(proxy.localUrl!);
  cleanups.push(() => peer.close());
  const id = crypto.randomUUID();
  peer.send({ meta: { type: 1, uuid: id }, payload: { uri: 'test.echo', timeout: 2e9, args: { via: 'proxy' } } });
  expect((await peer.forType(9, id, 10_000)).payload).toEqual({ for: id, uri: 'test.echo', args: { via: 'proxy' } });
  const frames = bus.related(id).filter((e) => e.kind === 'frame');
  expect(frames.map((f) => f.kind === 'frame' && `${f.side} ${f.type} ${f.dir}`)).toEqual([
    'proxy CALL in',
    'proxy ACK out',
    'proxy RES out',
  ]);
  for (const f of frames) expect(f).toMatchObject({ source: upstreamUrl, connId: expect.stringMatching(/^px\d+\.1$/) });
  expect(bus.events({ kinds: ['conn'] })).toContainEqual(
    expect.objectContaining({ side: 'proxy', state: 'connected', source: upstreamUrl }),
  );
  expect(proxy.counters).toMatchObject({ connections: 1, open: 1, framesIn: 1, framesOut: 2 });
  // the frames fold into one chain by the call's uuid, judged by its RES
  // (hop labels of proxy frames are the chain builder's business: the events are checked)
  const chain = bus.chain(id)!;
  expect(chain.verdict).toBe('ok');
  expect(chain.hops.map((h) => h.event.kind === 'frame' && `${h.event.side} ${h.event.type} ${h.event.dir}`)).toEqual([
    'proxy CALL in',
    'proxy ACK out',
    'proxy RES out',
  ]);
});

test('the subprotocol, path, query and allowed headers reach the upstream; other headers do not; extra headers win', async () => {
  const up = await plainUpstream((ws, req) => ws.send(JSON.stringify({ url: req.url, protocol: ws.protocol, headers: req.headers })), {
    handleProtocols: (p) => (p.has('second') ? 'second' : false),
  });
  const proxy = await startProxy({ upstream: up.url, headers: { 'X-Extra': 'from-proxy', Authorization: 'Bearer proxy' } });
  const ws = await opened(`${proxy.localUrl}some/path?token=abc&n=1`, ['first', 'second'], {
    Authorization: 'Bearer client',
    Cookie: 'session=1',
    'X-Request-Id': 'r-7',
    'Juggler-Allowed-Messages': 'call',
    Referer: 'http://elsewhere/',
  });
  const got = JSON.parse(await firstMessage(ws));
  expect(ws.protocol).toBe('second');
  expect(got.url).toBe('/some/path?token=abc&n=1');
  expect(got.protocol).toBe('second');
  expect(got.headers['sec-websocket-protocol']).toBe('first,second');
  expect(got.headers).toMatchObject({
    authorization: 'Bearer proxy',
    cookie: 'session=1',
    'x-request-id': 'r-7',
    'x-extra': 'from-proxy',
    'juggler-allowed-messages': 'call',
  });
  expect(got.headers).not.toHaveProperty('referer');

  // an upstream URL with a path: that path replaces the client's; both queries are kept
  const fixed = await startProxy({ upstream: `${up.url}/ws?tenant=t1` });
  const ws2 = await opened(`ws://127.0.0.1:${new URL(fixed.localUrl!).port}/anything?token=abc`, ['second']);
  const got2 = JSON.parse(await firstMessage(ws2));
  expect(got2.url).toBe('/ws?tenant=t1&token=abc');
});

test('text and binary frames pass unchanged and in order; close code and reason pass through both ways', async () => {
  const upstreamSide: WebSocket[] = [];
  const received: { data: string; binary: boolean }[] = [];
  const up = await plainUpstream((ws) => {
    upstreamSide.push(ws);
    ws.on('message', (data: Buffer, binary) => {
      received.push({ data: data.toString(), binary });
      ws.send(data, { binary });
    });
  });
  const proxy = await startProxy({ upstream: up.url });
  const ws = await opened(proxy.localUrl!);
  const echoed: { data: string; binary: boolean }[] = [];
  ws.on('message', (data: Buffer, binary) => echoed.push({ data: data.toString(), binary }));
  for (let i = 0; i < 50; i++) ws.send(i % 2 ? Buffer.from(`b${i}`) : `t${i}`, { binary: i % 2 === 1 });
  await until(() => echoed.length === 50);
  const sent = Array.from({ length: 50 }, (_, i) => ({ data: i % 2 ? `b${i}` : `t${i}`, binary: i % 2 === 1 }));
  expect(received).toEqual(sent);
  expect(echoed).toEqual(sent);

  // client → upstream
  const atUpstream = closeOf(upstreamSide[0]!);
  ws.close(4001, 'client says bye');
  expect(await atUpstream).toEqual({ code: 4001, reason: 'client says bye' });

  // upstream → client
  const ws2 = await opened(proxy.localUrl!);
  await until(() => upstreamSide.length === 2);
  const atClient = closeOf(ws2);
  upstreamSide[1]!.close(4002, 'upstream says later');
  expect(await atClient).toEqual({ code: 4002, reason: 'upstream says later' });

  // a close frame without a code stays one (1005 on the other side)
  const ws3 = await opened(proxy.localUrl!);
  await until(() => upstreamSide.length === 3);
  const noCode = closeOf(upstreamSide[2]!);
  ws3.close();
  expect((await noCode).code).toBe(1005);
  await until(() => proxy.counters.open === 0);
});

test('an upstream refusing the upgrade gives the client the same HTTP status and body', async () => {
  // the juggler server refuses a client that offers no subprotocol with 400
  const proxy = await startProxy({ upstream: upstreamUrl });
  const noProto = await RawPeer.connect(proxy.localUrl!, []).catch((e) => e);
  expect(noProto).toMatchObject({ status: 400, body: expect.stringMatching(/offer the "juggler\.0" subprotocol/) });

  // a server that wants credentials
  const http = createServer();
  http.on('upgrade', (_req, socket) => {
    socket.end('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer realm="j"\r\nContent-Length: 13\r\n\r\nwho are you?\n');
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise((r) => http.close(r)));
  const statuses: number[] = [];
  const p401 = await startProxy(
    { upstream: `ws://127.0.0.1:${(http.address() as AddressInfo).port}/ws` },
    { onConnState: (_c, s, info) => s === 'closed' && statuses.push(info!.code) },
  );
  const headers = await new Promise<IncomingMessage>((resolve, reject) => {
    const ws = new WebSocket(p401.localUrl!, ['juggler.0']);
    ws.once('unexpected-response', (_req, res) => resolve(res));
    ws.once('open', () => reject(new Error('opened')));
    ws.on('error', () => {});
  });
  expect(headers.statusCode).toBe(401);
  expect(headers.headers['www-authenticate']).toBe('Bearer realm="j"');
  const body = await new Promise<string>((r) => {
    let b = '';
    headers.on('data', (c: Buffer) => {
      b += c;
    });
    headers.on('end', () => r(b));
  });
  expect(body).toBe('who are you?\n');
  await until(() => statuses.length === 1);
  expect(statuses).toEqual([401]);
});

test('a wss:// upstream is reached over TLS with the CA given; without it the client gets 502 naming the certificate problem', async () => {
  const { key, cert } = selfSignedCert();
  const https = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) });
  const wss = new WebSocketServer({ server: https, handleProtocols: (p) => (p.has('juggler.0') ? 'juggler.0' : false) });
  wss.on('connection', (ws) => ws.on('message', (d: Buffer) => ws.send(d)));
  await new Promise<void>((r) => https.listen(0, '127.0.0.1', () => r()));
  cleanups.push(() => {
    for (const c of wss.clients) c.terminate();
    return new Promise((r) => https.close(r));
  });
  const upstream = `wss://127.0.0.1:${(https.address() as AddressInfo).port}/ws`;
  const proxy = await startProxy({ upstream, ca: readFileSync(cert, 'utf8') });
  const ws = await opened(proxy.localUrl!);
  ws.send('over tls');
  await until(() => inboxes.get(ws)!.length === 1);
  expect(inboxes.get(ws)![0]!.toString()).toBe('over tls');

  const untrusting = await startProxy({ upstream });
  const err = await RawPeer.connect(untrusting.localUrl!).catch((e) => e);
  expect(err).toMatchObject({ status: 502, body: expect.stringMatching(/self[- ]signed certificate/) });
});

test('a request that is not a websocket handshake gets 400 from the proxy, and no upstream connection is made', async () => {
  let dialled = 0;
  const up = await plainUpstream(() => dialled++);
  const proxy = await startProxy({ upstream: up.url });
  const port = Number(new URL(proxy.localUrl!).port);
  const answer = await new Promise<string>((resolve) => {
    const sock = connect(port, '127.0.0.1', () =>
      sock.write(
        `GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: nope\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    let got = '';
    sock.on('data', (b) => {
      got += b.toString();
    });
    sock.on('close', () => resolve(got));
  });
  expect(answer).toMatch(/^HTTP\/1\.1 400 /);
  expect(answer).toContain('missing or invalid Sec-WebSocket-Key');
  expect(dialled).toBe(0);
  expect(proxy.counters.connections).toBe(0);
});

test('a client that stops answering pings is dropped, and the upstream gets 1001 saying so', async () => {
  const upstreamCloses: { code: number; reason: string }[] = [];
  const up = await plainUpstream((ws) => ws.on('close', (code, reason) => upstreamCloses.push({ code, reason: reason.toString() })));
  const proxy = await startProxy({ upstream: up.url, pingIntervalMs: 100 });
  // a client whose process hangs: connected, but it never reads again (so never answers a ping)
  const hung = await opened(proxy.localUrl!);
  (hung as unknown as { _socket: { pause(): void } })._socket.pause();
  await until(() => upstreamCloses.length === 1);
  expect(upstreamCloses[0]).toMatchObject({ code: 1001, reason: expect.stringMatching(/client connection ended without a close frame/) });
  await until(() => proxy.counters.open === 0);
});

test('an unreachable upstream gives the client 502 with the reason', async () => {
  const port = await freePort();
  const proxy = await startProxy({ upstream: `ws://127.0.0.1:${port}/ws` });
  const err = await RawPeer.connect(proxy.localUrl!).catch((e) => e);
  expect(err).toMatchObject({
    status: 502,
    body: expect.stringMatching(new RegExp(`upstream ws://127\\.0\\.0\\.1:${port}/ws is unreachable: .*ECONNREFUSED`)),
  });
});

test('a client sending a frame over the read limit loses only its connection (1009); the upstream side gets 1001, others go on', async () => {
  const upstreamCloses: { code: number; reason: string }[] = [];
  const up = await plainUpstream((ws) => {
    ws.on('message', (d: Buffer) => ws.send(d));
    ws.on('close', (code, reason) => upstreamCloses.push({ code, reason: reason.toString() }));
  });
  const proxy = await startProxy({ upstream: up.url, readLimit: 1024 });
  const good = await opened(proxy.localUrl!);
  const bad = await opened(proxy.localUrl!);
  const badClosed = closeOf(bad);
  bad.send('x'.repeat(2048));
  expect((await badClosed).code).toBe(1009);
  await until(() => upstreamCloses.length === 1);
  expect(upstreamCloses[0]).toMatchObject({ code: 1001, reason: expect.stringMatching(/client connection failed/) });
  const echo = new Promise<string>((r) => good.once('message', (d) => r(d.toString())));
  good.send('still here');
  expect(await echo).toBe('still here');
});

test('malformed frames (bad UTF-8, a reserved opcode, an unmasked frame) cost only the connection that sent them', async () => {
  const upstreamCloses: number[] = [];
  const up = await plainUpstream((ws) => {
    ws.on('message', (d: Buffer) => ws.send(d));
    ws.on('close', (code) => upstreamCloses.push(code));
  });
  const proxy = await startProxy({ upstream: up.url });
  const port = Number(new URL(proxy.localUrl!).port);
  const bad: [string, (w: RawWebSocket) => void, number][] = [
    ['bad UTF-8', (w) => w.send({ opcode: Opcode.text, payload: Buffer.from([0xc3, 0x28]) }), 1007],
    ['reserved opcode', (w) => w.send({ opcode: 3, payload: 'x' }), 1002],
    ['unmasked', (w) => w.send({ opcode: Opcode.text, payload: 'x', mask: false }), 1002],
  ];
  const good = await opened(proxy.localUrl!);
  for (const [what, send, code] of bad) {
    const w = await RawWebSocket.open(port, '/ws', { 'Sec-WebSocket-Protocol': 'juggler.0' });
    send(w);
    expect((await w.ended).code, what).toBe(code);
  }
  await until(() => upstreamCloses.length === bad.length);
  expect(upstreamCloses).toEqual([1001, 1001, 1001]);
  good.send('unharmed');
  await until(() => inboxes.get(good)!.length === 1);
  expect(inboxes.get(good)![0]!.toString()).toBe('unharmed');
});

test('a client flooding while the upstream does not read is paused: the proxy holds a bounded amount, and another proxy and connection go on', async () => {
  const hwm = 256 * 1024;
  const frame = 'f'.repeat(32 * 1024);
  const slow = await plainUpstream((ws) => {
    // the upstream stops reading: its TCP window fills, then the proxy's writes queue
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
  });
  const proxy = await startProxy({ upstream: slow.url, highWaterMark: hwm });
  const flooder = await opened(proxy.localUrl!);
  await until(() => proxy.connections().length === 1 && proxy.connections()[0]!.state === 'connected');
  const conn = proxy.connection(proxy.connections()[0]!.id)!;
  // 40 MiB offered: far more than every buffer on the way
  let sent = 0;
  const pump = () => {
    while (sent < 1280 && flooder.bufferedAmount < 4 << 20) {
      flooder.send(frame);
      sent++;
    }
  };
  pump();
  const timer = setInterval(pump, 5);
  cleanups.push(() => clearInterval(timer));
  // the proxy stopped reading the flooder: its own send buffer fills up
  await until(() => conn.toUpstream!.paused && flooder.bufferedAmount >= 4 << 20, 30_000);
  // one socket read (up to 64 KiB) and one frame may land after the pause
  expect(conn.toUpstream!.peakQueued).toBeLessThanOrEqual(hwm + 64 * 1024 + frame.length);
  expect(conn.toUpstream!.queued).toBeLessThanOrEqual(hwm + 64 * 1024 + frame.length);

  // another proxy to the real server works meanwhile, as does another client of the slow one
  const other = await startProxy({ upstream: upstreamUrl });
  const peer = await RawPeer.connect(other.localUrl!);
  cleanups.push(() => peer.close());
  const id = crypto.randomUUID();
  peer.send({ meta: { type: 1, uuid: id }, payload: { uri: 'test.echo', timeout: 2e9, args: 1 } });
  expect((await peer.forType(9, id, 10_000)).payload.args).toBe(1);
  const second = await opened(proxy.localUrl!);
  expect(second.readyState).toBe(WebSocket.OPEN);
  clearInterval(timer);
});
