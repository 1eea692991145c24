// Server behaviour beyond the recorded scenarios: handshake rules, limits, the handler chain,
// many clients at once, and graceful shutdown. Real redis, real sockets.
import { afterAll, beforeAll, describe, expect, inject, test, vi } from 'vitest';
import { RawPeer, type Stack, startStack } from '../../../test/stack';
import { authorize } from './handler';

const redis = { url: inject('redisUrl') };
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    redis,
    server: { readLimit: 4096, closeUri: 'test.close', panicUri: 'test.panic' },
    handlers: [authorize((_conn, msg) => !(msg.meta.type === 3 && (msg.payload as { channel: string }).channel.startsWith('secret.')))],
  });
});
afterAll(async () => {
  await stack?.close();
});

const call = (uri: string, args: unknown, timeoutNs = 2e9) => ({
  meta: { type: 1, uuid: crypto.randomUUID() },
  payload: { uri, timeout: timeoutNs, args },
});

describe('handshake', () => {
  test('a client offering no subprotocol is refused with 400 and a reason', async () => {
    await expect(RawPeer.connect(stack.url, [])).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/offer the "juggler\.0" subprotocol/),
    });
  });

  test('a client offering only another subprotocol is refused with 400', async () => {
    await expect(RawPeer.connect(stack.url, ['juggler.1', 'mqtt'])).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/unsupported subprotocol "juggler\.1", "mqtt"/),
    });
  });

  test('juggler.0 among others is chosen', async () => {
    const p = await RawPeer.connect(stack.url, ['x', 'juggler.0']);
    expect(p.ws.protocol).toBe('juggler.0');
    p.close();
  });

  test('another path is 404', async () => {
    await expect(RawPeer.connect(stack.url.replace(/\/ws$/, '/nope'))).rejects.toMatchObject({ status: 404 });
  });

  test('allowEmptySubprotocol accepts a client without subprotocol', async () => {
    const s2 = await startStack({ redis, server: { allowEmptySubprotocol: true }, callee: false });
    try {
      const p = await RawPeer.connect(s2.url, []);
      expect(p.ws.protocol).toBe('');
      p.close();
    } finally {
      await s2.close();
    }
  });

  test('Juggler-Allowed-Messages: a request of another kind closes the connection with 1008', async () => {
    const p = await RawPeer.connect(stack.url, ['juggler.0'], { 'Juggler-Allowed-Messages': 'call, pub' });
    const c = call('test.echo', 1);
    p.send(c);
    await p.forType(9, c.meta.uuid);
    p.send({ meta: { type: 3, uuid: crypto.randomUUID() }, payload: { channel: 'x', pattern: false } });
    const closed = await p.closed;
    expect(closed).toEqual({ code: 1008, reason: expect.stringMatching(/SUB \(a client request\) is not allowed/) });
  });

  test('Juggler-Allowed-Messages with an unknown name is refused at the handshake', async () => {
    await expect(RawPeer.connect(stack.url, ['juggler.0'], { 'Juggler-Allowed-Messages': 'call, shout' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/unknown request type "shout"/),
    });
  });
});

describe('limits and hooks', () => {
  test('a frame over the read limit closes that connection with 1009 and a reason', async () => {
    const p = await RawPeer.connect(stack.url);
    p.send(call('test.echo', 'x'.repeat(5000)));
    expect(await p.closed).toEqual({ code: 1009, reason: 'frame exceeds the read limit of 4096 bytes' });
  });

  test('the close URI closes the connection (Go test hook)', async () => {
    const p = await RawPeer.connect(stack.url);
    p.send(call('test.close', null));
    expect(await p.closed).toEqual({ code: 1000, reason: 'bye' });
  });

  test('a handler that throws is recovered: NACK 500, counted, the connection goes on', async () => {
    const p = await RawPeer.connect(stack.url);
    const before = stack.server.metrics.RecoveredPanics;
    const c = call('test.panic', null);
    p.send(c);
    const nack = await p.forType(7, c.meta.uuid);
    expect(nack.payload).toMatchObject({ for_type: 1, uri: 'test.panic', code: 500, message: expect.stringMatching(/internal error/) });
    expect(stack.server.metrics.RecoveredPanics).toBe(before + 1);
    const ok = call('test.echo', 'still here');
    p.send(ok);
    expect((await p.forType(9, ok.meta.uuid)).payload.args).toBe('still here');
    p.close();
  });

  test('an authorisation handler refuses with NACK 403 and the request is not processed', async () => {
    const p = await RawPeer.connect(stack.url);
    const id = crypto.randomUUID();
    p.send({ meta: { type: 3, uuid: id }, payload: { channel: 'secret.plans', pattern: false } });
    const nack = await p.forType(7, id);
    expect(nack.payload).toEqual({ for: id, for_type: 3, channel: 'secret.plans', code: 403, message: expect.stringMatching(/forbidden/) });
    p.close();
  });

  test('a CALL with a uuid already in flight is NACKed, the first one still answered', async () => {
    const a = await RawPeer.connect(stack.url);
    const b = await RawPeer.connect(stack.url);
    const c = call('test.delay', '200');
    a.send(c);
    await a.forType(8, c.meta.uuid);
    b.send(c);
    expect((await b.forType(7, c.meta.uuid)).payload.message).toMatch(/already in flight/);
    expect((await a.forType(9, c.meta.uuid)).payload.args).toBe('200');
    a.close();
    b.close();
  });

  test('a CALL that nobody answers within its timeout is counted in CallsTimedOut (Metrics: expired calls/s)', async () => {
    const p = await RawPeer.connect(stack.url);
    try {
      const before = stack.server.metrics.CallsTimedOut;
      const c = call('nobody.serves.this', 1, 100e6);
      p.send(c);
      await p.forType(8, c.meta.uuid);
      // the server sweeps once a second, a second after the call's timeout
      await vi.waitFor(() => expect(stack.server.metrics.CallsTimedOut).toBe(before + 1), { timeout: 5000 });
      const answered = call('test.echo', 2);
      p.send(answered);
      await p.forType(9, answered.meta.uuid);
      await new Promise((r) => setTimeout(r, 2200));
      expect(stack.server.metrics.CallsTimedOut).toBe(before + 1);
    } finally {
      p.close();
    }
  });

  test('an invalid CALL timeout closes with 1007', async () => {
    const p = await RawPeer.connect(stack.url);
    p.send({ meta: { type: 1, uuid: crypto.randomUUID() }, payload: { uri: 'test.echo', timeout: 1.5, args: 1 } });
    expect(await p.closed).toEqual({ code: 1007, reason: expect.stringMatching(/timeout" must be an integer number of nanoseconds/) });
  });
});

describe('many clients', () => {
  test('50 clients × 20 concurrent calls and a subscription each: every result reaches its caller', async () => {
    const peers = await Promise.all(Array.from({ length: 50 }, () => RawPeer.connect(stack.url)));
    const channel = `fanout.${crypto.randomUUID()}`;
    await Promise.all(
      peers.map(async (p) => {
        const id = crypto.randomUUID();
        p.send({ meta: { type: 3, uuid: id }, payload: { channel, pattern: false } });
        await p.forType(8, id);
      }),
    );
    await Promise.all(
      peers.map(async (p, i) => {
        const calls = Array.from({ length: 20 }, (_, j) => call('test.echo', { i, j }, 5e9));
        for (const c of calls) p.send(c);
        const results = await Promise.all(calls.map((c) => p.forType(9, c.meta.uuid, 10_000)));
        for (const [j, r] of results.entries()) expect(r.payload.args).toEqual({ i, j });
      }),
    );
    const pubId = crypto.randomUUID();
    peers[0]!.send({ meta: { type: 2, uuid: pubId }, payload: { channel, args: 'to all' } });
    const evs = await Promise.all(peers.map((p) => p.forType(10, pubId)));
    expect(evs.every((e) => e.payload.args === 'to all')).toBe(true);
    for (const p of peers) p.close();
  });
});

describe('graceful shutdown', () => {
  test('in-flight calls are finished, new requests NACKed, sockets closed with 1001', async () => {
    const s2 = await startStack({ redis, server: { shutdownGraceMs: 3000 } });
    const p = await RawPeer.connect(s2.url);
    const slow = call('test.delay', '300', 5e9);
    p.send(slow);
    await p.forType(8, slow.meta.uuid);
    const closing = s2.server.close();
    const late = call('test.echo', 'late');
    p.send(late);
    expect((await p.forType(7, late.meta.uuid)).payload).toMatchObject({ code: 503, message: expect.stringMatching(/shutting down/) });
    expect((await p.forType(9, slow.meta.uuid)).payload.args).toBe('300');
    expect(await p.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    await closing;
    await s2.close();
  });
});

test('requests read before a bad frame are still answered before the connection closes', async () => {
  const p = await RawPeer.connect(stack.url);
  const calls = Array.from({ length: 5 }, (_, i) => call('test.echo', i));
  for (const c of calls) p.send(c);
  p.send('{not json');
  const acks = await Promise.all(calls.map((c) => p.forType(8, c.meta.uuid)));
  expect(acks).toHaveLength(5);
  expect((await p.closed).code).toBe(1007);
});

describe('write side', () => {
  test('a RES larger than the write limit closes that connection with 1009 and a reason (Go: limited writer)', async () => {
    const s2 = await startStack({ redis, server: { writeLimit: 2048 } });
    try {
      const p = await RawPeer.connect(s2.url);
      const small = call('test.echo', 'fits');
      p.send(small);
      expect((await p.forType(9, small.meta.uuid)).payload.args).toBe('fits');
      p.send(call('test.echo', 'x'.repeat(4000)));
      expect(await p.closed).toEqual({ code: 1009, reason: expect.stringMatching(/exceeds the write limit of 2048/) });
    } finally {
      await s2.close();
    }
  });

  test('a client that stops reading is closed once its write queue passes the limit; others are unaffected', async () => {
    const s2 = await startStack({ redis, server: { writeQueueLimit: 64 * 1024 } });
    try {
      const slow = await RawPeer.connect(s2.url);
      const other = await RawPeer.connect(s2.url);
      const sub = crypto.randomUUID();
      slow.send({ meta: { type: 3, uuid: sub }, payload: { channel: 'flood', pattern: false } });
      await slow.forType(8, sub);
      // the slow client's socket stops reading: the server's writes pile up in its queue
      (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const big = 'y'.repeat(16 * 1024);
      for (let i = 0; i < 1000; i++) other.send({ meta: { type: 2, uuid: crypto.randomUUID() }, payload: { channel: 'flood', args: big } });
      const deadline = performance.now() + 5000;
      while (s2.server.connections.size > 1 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(s2.server.connections.size).toBe(1);
      const c = call('test.echo', 'unaffected');
      other.send(c);
      expect((await other.forType(9, c.meta.uuid, 5000)).payload.args).toBe('unaffected');
      other.close();
      slow.ws.terminate();
    } finally {
      await s2.close();
    }
  });
});
