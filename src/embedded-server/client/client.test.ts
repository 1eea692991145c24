// The client against a real websocket server on port 0 (testing/scripted-server.ts), never a socket mock.
// Ports the Go client tests: close, read limit, handler chain (frame events), send of each type,
// concurrent calls; plus expiry (EXP), NACK, callee errors, protocol errors and reconnection.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decode, MessageType, newPub, newSub } from '../message';
import {
  CallError,
  CallExpiredError,
  ConnectError,
  ConnectionClosedError,
  type FrameRecord,
  InvalidOptionError,
  JugglerClient,
  type JugglerEvent,
  NackError,
  NotConnectedError,
  NoWebSocketError,
  ReconnectFailedError,
  SubprotocolError,
} from './index';
import { connect, createClient } from './node';
import { ScriptedServer } from './testing/scripted-server';

let server: ScriptedServer;
const clients: JugglerClient[] = [];

async function open(opts: Parameters<typeof connect>[1] = {}): Promise<JugglerClient> {
  const c = await connect(server.url, opts);
  clients.push(c);
  return c;
}

function nextEvent<T extends unknown[]>(c: JugglerClient, name: string): Promise<T> {
  return new Promise((resolve) => c.once(name, ((...args: T) => resolve(args)) as never));
}

async function until(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

beforeEach(async () => {
  server = await ScriptedServer.start({ nackUri: 'test.unavailable' });
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server.stop();
});

describe('connect', () => {
  it('negotiates the juggler.0 subprotocol', async () => {
    const c = await open();
    expect(c.state).toBe('open');
    expect(c.protocol).toBe('juggler.0');
  });

  it('fails with SubprotocolError when the server selects no subprotocol', async () => {
    const other = await ScriptedServer.start({ protocol: null });
    try {
      const err = await connect(other.url).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SubprotocolError);
      expect(err).toMatchObject({ code: 'SUBPROTOCOL_REJECTED' });
      expect((err as Error).message).toMatch(/did not accept the juggler\.0 subprotocol/);
    } finally {
      await other.stop();
    }
  });

  it('fails with SubprotocolError when the server selects another subprotocol', async () => {
    const other = await ScriptedServer.start({ protocol: 'juggler.9' });
    try {
      await expect(connect(other.url)).rejects.toBeInstanceOf(SubprotocolError);
    } finally {
      await other.stop();
    }
  });

  it('fails with ConnectError when nothing listens', async () => {
    const url = server.url;
    await server.stop();
    const err = await connect(url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect(err).toMatchObject({ code: 'CONNECT_FAILED' });
    expect((err as Error).message).toContain(url);
    server = await ScriptedServer.start();
  });

  it('sends the headers option in the upgrade request', async () => {
    await open({ headers: { 'Juggler-Allowed-Messages': 'call, pub' } });
    expect(server.lastHeaders()?.['juggler-allowed-messages']).toBe('call, pub');
  });

  it('refuses invalid options and a missing WebSocket with typed errors', () => {
    expect(() => createClient(server.url, { callTimeoutMs: -1 })).toThrow(InvalidOptionError);
    expect(() => createClient(server.url, { reconnect: { factor: 0.5 } })).toThrow(/reconnect\.factor/);
    expect(() => new JugglerClient(server.url)).toThrow(NoWebSocketError);
  });
});

describe('send of each type', () => {
  it('writes CALL, PUB, SUB and UNSB frames in the Go shape', async () => {
    const c = await open();
    await c.call('test.echo', 'hello', { timeoutMs: 1000 });
    await c.pub('news', { x: 1 });
    await c.sub('news');
    await c.sub('ne*', { pattern: true });
    await c.unsb('news');
    await c.unsb('ne*', { pattern: true });
    const shapes = server.received.map((t) => t.replace(/"uuid":"[0-9a-f-]{36}"/, '"uuid":"U"'));
    expect(shapes).toEqual([
      '{"meta":{"type":1,"uuid":"U"},"payload":{"uri":"test.echo","timeout":1000000000,"args":"hello"}}',
      '{"meta":{"type":2,"uuid":"U"},"payload":{"channel":"news","args":{"x":1}}}',
      '{"meta":{"type":3,"uuid":"U"},"payload":{"channel":"news","pattern":false}}',
      '{"meta":{"type":3,"uuid":"U"},"payload":{"channel":"ne*","pattern":true}}',
      '{"meta":{"type":4,"uuid":"U"},"payload":{"channel":"news","pattern":false}}',
      '{"meta":{"type":4,"uuid":"U"},"payload":{"channel":"ne*","pattern":true}}',
    ]);
  });

  it('send() writes a built message untracked and returns its uuid; sendRaw writes any text', async () => {
    const c = await open();
    const frames: FrameRecord[] = [];
    c.on('frame', (f) => frames.push(f));
    const msg = newSub('room');
    expect(c.send(msg)).toBe(msg.meta.uuid);
    c.sendRaw(JSON.stringify({ meta: { type: 2, uuid: newPub('x', 1).meta.uuid }, payload: { channel: 'room', args: 1 } }));
    await until(() => frames.filter((f) => f.direction === 'in').length >= 3);
    expect(c.pendingCount).toBe(0);
    const acks = frames.filter((f) => f.message?.meta.type === MessageType.ACK);
    expect(acks).toHaveLength(2);
  });

  it('a call with timeoutMs 0 sends no timeout (the server default applies)', async () => {
    const c = await open();
    await c.call('test.echo', 'x', { timeoutMs: 0 });
    expect(server.received[0]).toBe(
      `{"meta":{"type":1,"uuid":"${server.requests[0]!.meta.uuid}"},"payload":{"uri":"test.echo","args":"x"}}`,
    );
  });

  it('requests while not connected reject with NotConnectedError', async () => {
    const c = await open();
    await c.close();
    await expect(c.call('test.echo', 1)).rejects.toBeInstanceOf(NotConnectedError);
    await expect(c.pub('news', 1)).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
    expect(() => c.sendRaw('{}')).toThrow(NotConnectedError);
  });
});

describe('calls', () => {
  it('resolves with the result', async () => {
    const c = await open();
    await expect(c.call('test.reverse', 'abcdef')).resolves.toBe('fedcba');
    await expect(c.call('test.echo', { a: [1, 2, { b: null }] })).resolves.toEqual({ a: [1, 2, { b: null }] });
  });

  it('routes many concurrent calls, answered out of order, by uuid', async () => {
    const c = await open();
    const n = 200;
    const delays = Array.from({ length: n }, (_, i) => String((i * 37) % 50));
    const results = await Promise.all(delays.map((d) => c.call('test.delay', d)));
    expect(results).toEqual(delays);
    expect(c.pendingCount).toBe(0);
  });

  it('routes calls of several clients on their own connections', async () => {
    const cs = await Promise.all([open(), open(), open()]);
    const all = await Promise.all(cs.flatMap((c, i) => Array.from({ length: 20 }, (_, j) => c.call('test.echo', `${i}-${j}`))));
    expect(all).toEqual(cs.flatMap((_, i) => Array.from({ length: 20 }, (_, j) => `${i}-${j}`)));
  });

  it('a call with no RES before its timeout raises exp and rejects with CallExpiredError', async () => {
    const c = await open();
    const exp = nextEvent(c, 'exp');
    const started = Date.now();
    const err = await c.call('no.such.uri', null, { timeoutMs: 80 }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    expect(err).toBeInstanceOf(CallExpiredError);
    expect(err).toMatchObject({ code: 'CALL_EXPIRED', uri: 'no.such.uri', timeoutMs: 80 });
    const [e] = (await exp) as [{ uuid: string; uri: string; acked: boolean }];
    expect(e).toMatchObject({ uri: 'no.such.uri', acked: true, uuid: (err as CallExpiredError).callUuid });
    expect(c.pendingCount).toBe(0);
  });

  it('a RES arriving after expiry is still reported as a frame, and changes nothing', async () => {
    const c = await open();
    const frames: FrameRecord[] = [];
    c.on('frame', (f) => frames.push(f));
    await expect(c.call('test.delay', '100', { timeoutMs: 30 })).rejects.toBeInstanceOf(CallExpiredError);
    await until(() => frames.some((f) => f.message?.meta.type === MessageType.RES));
    expect(c.pendingCount).toBe(0);
  });

  it('a NACK rejects with NackError carrying the code and message', async () => {
    const c = await open();
    const err = await c.call('test.unavailable', 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NackError);
    expect(err).toMatchObject({ code: 'NACK', nackCode: 503 });
    expect((err as NackError).nack.payload.message).toBe('broker unavailable');
    expect((err as Error).message).toBe('request refused by the server (NACK 503 for test.unavailable): broker unavailable');
  });

  it('a RES with an error object rejects with CallError', async () => {
    const c = await open();
    const err = await c.call('test.delay', 'notanumber').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallError);
    expect(err).toMatchObject({ code: 'CALL_ERROR', uri: 'test.delay' });
    expect((err as CallError).error.message).toBe('strconv.Atoi: parsing "notanumber": invalid syntax');
  });
});

describe('pub-sub', () => {
  it('delivers events on channels and patterns, with the publishing uuid', async () => {
    const sub = await open();
    const pub = await open();
    const events: JugglerEvent[] = [];
    sub.on('event', (e) => events.push(e));
    await sub.sub('room');
    await sub.sub('ro*', { pattern: true });
    await pub.pub('room', { hi: 'there' });
    await until(() => events.length === 2);
    const pubUuid = server.requests.find((r) => r.meta.type === MessageType.PUB)!.meta.uuid;
    expect(events.map(({ uuid: _, ...e }) => e)).toEqual([
      { channel: 'room', args: { hi: 'there' }, for: pubUuid },
      { channel: 'room', pattern: 'ro*', args: { hi: 'there' }, for: pubUuid },
    ]);
    expect(sub.subscriptions).toEqual([
      { channel: 'room', pattern: false },
      { channel: 'ro*', pattern: true },
    ]);
    await sub.unsb('room');
    await sub.unsb('ro*', { pattern: true });
    expect(sub.subscriptions).toEqual([]);
  });
});

describe('frames (the Go handler chain)', () => {
  it('reports every frame in and out, in order, with a timestamp', async () => {
    const c = await open();
    const frames: FrameRecord[] = [];
    const before = Date.now();
    c.on('frame', (f) => frames.push(f));
    await c.call('test.echo', 'hello');
    expect(frames.map((f) => [f.direction, f.message?.meta.type])).toEqual([
      ['out', MessageType.CALL],
      ['in', MessageType.ACK],
      ['in', MessageType.RES],
    ]);
    for (const f of frames) expect(f.at).toBeGreaterThanOrEqual(before);
    expect(frames[1]!.text.endsWith('\n')).toBe(true);
    expect(decode(frames[0]!.text).meta.uuid).toBe(frames[0]!.message!.meta.uuid);
  });

  it('several listeners all run; one that throws is reported on error and the others still run', async () => {
    const c = await open();
    const seen: string[] = [];
    const errors: Error[] = [];
    c.on('error', (e) => errors.push(e));
    c.on('frame', () => seen.push('a'));
    c.on('frame', () => {
      throw new Error('listener bug');
    });
    const off = c.on('frame', () => seen.push('c'));
    await c.pub('x', 1);
    off();
    await c.pub('x', 2);
    expect(seen).toEqual(['a', 'c', 'a', 'c', 'a', 'a']);
    expect(errors.map((e) => e.message)).toEqual(Array(4).fill('listener bug'));
  });
});

describe('close', () => {
  it('close() sends the code and reason, emits close, and rejects what is pending', async () => {
    const c = await open();
    const closed = nextEvent(c, 'close');
    const pending = c.call('no.such.uri', null).catch((e: unknown) => e);
    await until(() => server.requests.length === 1);
    await c.close(4000, 'bye');
    expect(c.state).toBe('closed');
    expect((await closed)[0]).toEqual({ code: 4000, reason: 'bye', byClient: true, willReconnect: false });
    const err = await pending;
    expect(err).toBeInstanceOf(ConnectionClosedError);
    expect(err).toMatchObject({ closeCode: 4000, reason: 'bye' });
    await until(() => server.closes.length === 1);
    expect(server.closes[0]).toEqual({ code: 4000, reason: 'bye' });
    await c.close(); // closing twice is harmless
  });

  it('a close from the server is reported with its code and reason', async () => {
    const c = await open();
    const closed = nextEvent(c, 'close');
    server.closeAll(1001, 'going away');
    expect((await closed)[0]).toEqual({ code: 1001, reason: 'going away', byClient: false, willReconnect: false });
    expect(c.state).toBe('closed');
  });

  it('terminate() drops the connection without a closing handshake', async () => {
    const c = await open();
    await c.terminate();
    expect(c.state).toBe('closed');
    await until(() => server.closes.length === 1);
    expect(server.closes[0]!.code).toBe(1006);
  });
});

describe('protocol errors from the server close the connection', () => {
  it('read limit: a frame larger than readLimit closes with 1009', async () => {
    const c = await open({ readLimit: 1024 });
    const errors: Error[] = [];
    c.on('error', (e) => errors.push(e));
    const closed = nextEvent(c, 'close');
    const pending = c.call('test.echo', 'x'.repeat(2000)).catch((e: unknown) => e);
    expect(await pending).toBeInstanceOf(ConnectionClosedError);
    await closed;
    await until(() => server.closes.length === 1);
    expect(server.closes[0]!.code).toBe(1009);
    expect(errors[0]).toMatchObject({ code: 'FRAME_TOO_BIG' });
    expect(errors[0]!.message).toMatch(/readLimit/);
  });

  it('read limit: frames up to the limit pass', async () => {
    const c = await open({ readLimit: 4096 });
    await expect(c.call('test.echo', 'x'.repeat(3000))).resolves.toHaveLength(3000);
  });

  it.each([
    ['invalid JSON', '{not json', 1007, 'INVALID_JSON'],
    ['a request type', JSON.stringify(newSub('x')), 1008, 'TYPE_NOT_ALLOWED'],
    ['an unknown type', '{"meta":{"type":99,"uuid":"3f17cb94-3574-41c3-8768-cc7fb353ce0d"},"payload":{}}', 1002, 'UNKNOWN_TYPE'],
  ])('%s', async (_name, text, closeCode, code) => {
    const c = await open();
    const errors: Error[] = [];
    const frames: FrameRecord[] = [];
    c.on('error', (e) => errors.push(e));
    c.on('frame', (f) => frames.push(f));
    const closed = nextEvent(c, 'close');
    server.broadcastRaw(text);
    expect((await closed)[0]).toMatchObject({ code: closeCode, byClient: false });
    expect(errors[0]).toMatchObject({ code });
    expect(frames[0]).toMatchObject({ direction: 'in', text, error: { code } });
  });

  it('a binary frame closes with 1003', async () => {
    const c = await open();
    const closed = nextEvent(c, 'close');
    server.broadcastRaw(Buffer.from('{}'));
    expect((await closed)[0]).toMatchObject({ code: 1003 });
  });
});

describe('reconnect', () => {
  it('is off by default', async () => {
    const c = await open();
    const closed = nextEvent(c, 'close');
    server.dropAll();
    expect((await closed)[0]).toMatchObject({ code: 1006, willReconnect: false });
    expect(c.state).toBe('closed');
  });

  it('reconnects with backoff and renews channel and pattern subscriptions', async () => {
    const c = await open({ reconnect: { initialDelayMs: 20, maxDelayMs: 200 } });
    await c.sub('room');
    await c.sub('ro*', { pattern: true });
    await c.sub('gone');
    await c.unsb('gone');
    const attempts: number[] = [];
    c.on('reconnecting', (r) => attempts.push(r.attempt));
    const closed = nextEvent(c, 'close');
    const reopened = nextEvent(c, 'open');
    const inFlight = c.call('no.such.uri', null).catch((e: unknown) => e);
    await until(() => server.requests.length === 5);
    const before = server.requests.length;
    server.dropAll();
    expect((await closed)[0]).toMatchObject({ code: 1006, willReconnect: true });
    expect(await inFlight).toBeInstanceOf(ConnectionClosedError);
    expect((await reopened)[0]).toEqual({ url: server.url, reconnected: true, resubscribed: 2 });
    expect(attempts).toEqual([1]);
    expect(c.state).toBe('open');
    const renewed = server.requests
      .slice(before)
      .map((r) => [r.meta.type, (r.payload as { channel: string; pattern: boolean }).channel, (r.payload as { pattern: boolean }).pattern]);
    expect(renewed).toEqual([
      [MessageType.SUB, 'room', false],
      [MessageType.SUB, 'ro*', true],
    ]);
    const events: JugglerEvent[] = [];
    c.on('event', (e) => events.push(e));
    await c.pub('room', 'again');
    await until(() => events.length === 2);
    await expect(c.call('test.echo', 'ok')).resolves.toBe('ok');
  });

  it('keeps trying while the server is down, then comes back', async () => {
    const c = await open({ reconnect: { initialDelayMs: 10, maxDelayMs: 40, jitter: 0 } });
    const port = new URL(server.url).port;
    const delays: number[] = [];
    c.on('reconnecting', (r) => delays.push(r.delayMs));
    await server.stop();
    await until(() => delays.length >= 4);
    expect(delays.slice(0, 4)).toEqual([10, 20, 40, 40]);
    expect(c.state).toBe('reconnecting');
    // the same port again: a real restart
    const { WebSocketServer } = await import('ws');
    const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(port), handleProtocols: () => 'juggler.0' });
    try {
      await nextEvent(c, 'open');
      expect(c.state).toBe('open');
    } finally {
      await c.close();
      await new Promise((r) => wss.close(r));
    }
    server = await ScriptedServer.start();
  });

  it('gives up after maxAttempts with ReconnectFailedError', async () => {
    const c = await open({ reconnect: { initialDelayMs: 5, maxDelayMs: 5, maxAttempts: 3 } });
    const error = nextEvent(c, 'error');
    await server.stop();
    const [err] = (await error) as [Error];
    expect(err).toBeInstanceOf(ReconnectFailedError);
    expect(err).toMatchObject({ code: 'RECONNECT_FAILED', attempts: 3 });
    expect(c.state).toBe('closed');
    server = await ScriptedServer.start();
  });

  it('close() while waiting to reconnect stops reconnecting', async () => {
    const c = await open({ reconnect: { initialDelayMs: 1000 } });
    const reconnecting = nextEvent(c, 'reconnecting');
    server.dropAll();
    await reconnecting;
    await c.close();
    expect(c.state).toBe('closed');
  });
});
