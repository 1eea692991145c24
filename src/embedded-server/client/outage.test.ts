// The client library through outages: redis stopped and restarted under a running server (requests
// NACKed meanwhile, service resumes, subscriptions still deliver), the server process itself killed and
// restarted (the client reconnects and renews its subscriptions), and many connections with calls in
// flight across a redis outage, where no result may ever reach a connection that did not make the call.
// This file owns its redis-server so that it can stop and restart it.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type CliProcess, runCli } from '../../../test/cli-process';
import { freePort, type RedisProcess, startRedis } from '../../../test/redis-server';
import { RawPeer, type Stack, startStack, type WireFrame } from '../../../test/stack';
import type { JugglerClient, JugglerEvent, OpenInfo } from './client';
import { NackError } from './errors';
import { connect } from './node';

let redis: RedisProcess;
let stack: Stack;
const reconnect = { initialDelayMs: 50, maxDelayMs: 300 };

beforeAll(async () => {
  redis = await startRedis();
  stack = await startStack({
    redis: { url: redis.url, reconnectMaxDelayMs: 200 },
    callee: {
      'test.echo': (a) => a,
      // slow enough that calls are still in flight when redis goes away
      'slow.echo': async (a) => {
        await new Promise((r) => setTimeout(r, 300));
        return a;
      },
    },
  });
});
afterAll(async () => {
  await stack?.close();
  await redis?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with the first event on `channel` carrying `value`, published again every 200 ms until it comes. */
async function eventArrives(pub: JugglerClient, sub: JugglerClient, channel: string, timeoutMs = 5000): Promise<JugglerEvent> {
  const value = crypto.randomUUID();
  let got: JugglerEvent | undefined;
  const off = sub.on('event', (ev) => {
    if (ev.channel === channel && ev.args === value) got = ev;
  });
  try {
    const deadline = performance.now() + timeoutMs;
    while (!got && performance.now() < deadline) {
      // a PUB may be NACKed while the subscriber's redis connection comes back: try again
      await pub.pub(channel, value).catch(() => undefined);
      for (let i = 0; i < 10 && !got; i++) await sleep(20);
    }
  } finally {
    off();
  }
  if (!got) throw new Error(`no event on ${channel} within ${timeoutMs} ms`);
  return got;
}

test('redis stopped and restarted: the client gets NACKs while it is down, then service and subscriptions resume', async () => {
  const client = await connect(stack.url, { reconnect, callTimeoutMs: 3000 });
  client.on('error', () => {});
  await client.sub('outage.news');
  expect(await client.call('test.echo', 'before')).toBe('before');

  await redis.stop(true);
  await sleep(100);
  const refused = await client.call('test.echo', 'during').catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(NackError);
  expect(refused).toMatchObject({ code: 'NACK', nackCode: 500 });
  expect((refused as Error).message).toMatch(/redis unavailable/);
  expect(await client.sub('outage.other').catch((e: unknown) => e)).toBeInstanceOf(NackError);
  // the websocket itself stayed up: an outage of redis is not a reason to drop clients
  expect(client.state).toBe('open');

  await redis.start();
  const back = performance.now();
  let recoveredMs: number | undefined;
  while (performance.now() - back < 10_000) {
    if ((await client.call('test.echo', 'after', { timeoutMs: 1000 }).catch(() => undefined)) === 'after') {
      recoveredMs = performance.now() - back;
      break;
    }
    await sleep(50);
  }
  expect(recoveredMs).toBeDefined();
  console.log(`client through a redis outage: calls answered again ${recoveredMs!.toFixed(0)} ms after redis restarted`);
  // the subscription made before the outage delivers again, without the client doing anything
  const ev = await eventArrives(client, client, 'outage.news');
  expect(ev.channel).toBe('outage.news');
  await client.close();
});

test('the server process killed and restarted: the client reconnects, renews its subscriptions and carries on', async () => {
  const port = await freePort();
  const args = ['server', '--addr', `127.0.0.1:${port}`, '--redis', redis.url];
  let server: CliProcess = runCli(args);
  try {
    const [, url] = await server.waitFor(/listening on (ws:\/\/\S+)/);
    const client = await connect(url!, { reconnect, callTimeoutMs: 3000 });
    client.on('error', () => {});
    await client.sub('restart.news');
    await client.sub('restart.*', { pattern: true });
    expect(await client.call('test.echo', 1)).toBe(1);
    const reopened = new Promise<OpenInfo>((resolve) => client.once('open', resolve));
    const closed = new Promise<{ code: number; willReconnect: boolean }>((resolve) => client.once('close', resolve));

    await server.stop('SIGKILL');
    expect(await closed).toMatchObject({ willReconnect: true });
    // a request while reconnecting fails at once with a typed error rather than hanging
    expect(await client.call('test.echo', 2).catch((e: unknown) => (e as { code?: string }).code)).toBe('NOT_CONNECTED');
    await sleep(300);
    server = runCli(args);
    await server.waitFor(/listening on/);
    expect(await reopened).toMatchObject({ reconnected: true, resubscribed: 2 });
    expect(await client.call('test.echo', 3)).toBe(3);
    const ev = await eventArrives(client, client, 'restart.news');
    expect(ev.channel).toBe('restart.news');
    await client.close();
  } finally {
    await server.stop();
  }
});

test('many connections with calls in flight across a redis outage: every RES goes to the connection that made the call', async () => {
  const PEERS = 20;
  const peers = await Promise.all(Array.from({ length: PEERS }, () => RawPeer.connect(stack.url)));
  const sent = peers.map(() => new Map<string, { peer: number; i: number }>());
  let n = 0;
  const callFrom = (p: number) => {
    const uuid = crypto.randomUUID();
    const args = { peer: p, i: n++ };
    sent[p]!.set(uuid, args);
    peers[p]!.send({ meta: { type: 1, uuid }, payload: { uri: n % 2 ? 'slow.echo' : 'test.echo', timeout: 4e9, args } });
  };
  const wave = (count: number) => {
    for (let k = 0; k < count; k++) for (let p = 0; p < PEERS; p++) callFrom(p);
  };
  wave(5);
  // wait for the ACKs of the first wave: those calls are accepted, and their results are in flight
  await Promise.all(peers.map((peer, p) => Promise.all([...sent[p]!.keys()].map((u) => peer.forType(8, u, 5000)))));
  // some results come back, while slow.echo calls are still running in the callee (BRPOP serves the
  // first non-empty list of its keys first, so the slow ones go first)
  await sleep(400);
  await redis.stop(true);
  wave(2);
  await sleep(300);
  await redis.start();
  const restartedAt = n;
  // keep calling until results flow again on every connection
  const t0 = performance.now();
  while (performance.now() - t0 < 5000) {
    wave(1);
    await sleep(100);
    if (peers.every((peer) => peer.frames.some((f) => f.msg?.meta?.type === 9 && (f.msg.payload?.args?.i ?? -1) >= restartedAt))) break;
  }
  wave(3);
  // every call is answered with ACK or NACK; every call ACKed after the restart gets its result: nothing
  // accepted once redis is back is lost
  // (from the frames log: the first wave's ACKs were already taken from the inbox)
  const replied = (f: { dir: string; msg?: WireFrame }) => f.dir === 'in' && (f.msg?.meta?.type === 7 || f.msg?.meta?.type === 8);
  const deadline = performance.now() + 8000;
  while (peers.some((peer, p) => peer.frames.filter(replied).length < sent[p]!.size)) {
    if (performance.now() > deadline) throw new Error('some calls got neither ACK nor NACK within 8 s');
    await sleep(20);
  }
  const ackedAfter = peers.map((peer, p) =>
    peer.frames
      .filter((f) => f.msg?.meta?.type === 8 && (sent[p]!.get(f.msg.payload.for)?.i ?? -1) >= restartedAt)
      .map((f) => f.msg!.payload.for as string),
  );
  expect(ackedAfter.flat().length).toBeGreaterThan(0);
  await Promise.all(peers.map((peer, p) => Promise.all(ackedAfter[p]!.map((u) => peer.forType(9, u, 8000)))));

  let results = 0;
  for (let p = 0; p < PEERS; p++) {
    const res = peers[p]!.frames.filter((f) => f.dir === 'in' && f.msg?.meta?.type === 9).map((f) => f.msg as WireFrame);
    const fors = res.map((r) => r.payload.for as string);
    // each RES answers one of this connection's own CALLs, with that call's own args, and only once
    for (const r of res) expect(sent[p]!.get(r.payload.for)).toEqual(r.payload.args);
    expect(new Set(fors).size).toBe(fors.length);
    results += res.length;
    expect(res.length).toBeGreaterThan(0);
  }
  const nacks = peers.reduce((k, p) => k + p.frames.filter((f) => f.msg?.meta?.type === 7).length, 0);
  const acks = peers.reduce((k, p) => k + p.frames.filter((f) => f.msg?.meta?.type === 8).length, 0);
  console.log(
    `redis outage with ${PEERS} connections: ${n} calls sent, ${acks} ACKs, ${nacks} NACKs, ${results} results, each routed to its caller`,
  );
  for (const p of peers) p.close();
});
