// Chains of real requests: a real redis, server, callee and client, wired to the bus through the adapters.
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { RawPeer, type Stack, startStack } from '../../../test/stack';
import type { Chain } from '../../shared/trace/events';
import { demoHandlers } from '../callee/demo';
import { connect } from '../client/node';
import { newUUID } from '../message';
import { Replica } from '../sync/replica';
import { brokerOnOp, calleeOnInvocation, clientFrames, serverHooks, syncChanges } from './adapters';
import { TraceBus } from './trace-bus';

let bus: TraceBus;
let stack: Stack;
let peer: RawPeer;

beforeAll(async () => {
  bus = new TraceBus();
  stack = await startStack({
    redis: { url: inject('redisUrl') },
    hooks: serverHooks(bus),
    serverRedis: { onOp: brokerOnOp(bus, 'server') },
    calleeRedis: { onOp: brokerOnOp(bus, 'callee') },
    onInvocation: calleeOnInvocation(bus, 'demo'),
    callee: {
      ...demoHandlers,
      'trace.fail': () => {
        throw new Error('the callee failed on purpose');
      },
    },
  });
  peer = await RawPeer.connect(stack.url);
});

afterAll(async () => {
  peer?.close();
  await stack?.close();
  await bus?.close();
});

const labels = (c: Chain | undefined) => c?.hops.map((h) => h.label) ?? [];

/** The chain once it has `label` (a callee reports its run after the server may have sent the RES). */
async function chainWith(corr: string, label: string): Promise<Chain> {
  return vi.waitFor(
    () => {
      const c = bus.chain(corr);
      if (!c || !labels(c).includes(label)) throw new Error(`no ${label} yet in ${labels(c).join(', ')}`);
      return c;
    },
    { timeout: 3000, interval: 5 },
  );
}

function expectTimesInOrder(c: Chain): void {
  expect(c.hops[0]!.delta).toBe(0);
  for (let i = 1; i < c.hops.length; i++) {
    expect(c.hops[i]!.delta).toBeGreaterThanOrEqual(0);
    expect(c.hops[i]!.at).toBeGreaterThanOrEqual(c.hops[i - 1]!.at);
  }
  expect(c.totalMs).toBe(c.hops[c.hops.length - 1]!.at);
}

/** `before` comes before `after` in the chain. */
function expectBefore(c: Chain, before: string, after: string): void {
  const l = labels(c);
  expect(l.indexOf(before), `${before} in ${l.join(', ')}`).toBeGreaterThanOrEqual(0);
  expect(l.indexOf(before), `${before} before ${after} in ${l.join(', ')}`).toBeLessThan(l.indexOf(after));
}

describe('chain', () => {
  it('a CALL answered by the callee: every hop from CALL in to RES out, in order, verdict ok', async () => {
    const uuid = newUUID();
    peer.send({ meta: { type: 1, uuid }, payload: { uri: 'test.echo', args: 'hi' } });
    await peer.forType(9, uuid);
    const c = await chainWith(uuid, 'run');
    expect(new Set(labels(c))).toEqual(
      new Set([
        'CALL in',
        'push call',
        'ACK out',
        'pop call',
        'check call TTL',
        'run',
        'push result',
        'pop result',
        'check result TTL',
        'RES out',
      ]),
    );
    expect(c.hops).toHaveLength(10);
    // the ACK races the callee's pop (both follow the push); everything else is one line
    const line = ['CALL in', 'push call', 'pop call', 'check call TTL', 'run', 'push result', 'pop result', 'check result TTL', 'RES out'];
    for (let i = 1; i < line.length; i++) expectBefore(c, line[i - 1]!, line[i]!);
    expectBefore(c, 'push call', 'ACK out');
    expectBefore(c, 'ACK out', 'RES out');
    expectTimesInOrder(c);
    expect(c.verdict).toBe('ok');
    const roles = c.hops.filter((h) => h.event.kind === 'redis').map((h) => (h.event.kind === 'redis' ? `${h.label}:${h.event.role}` : ''));
    expect(roles).toEqual(
      expect.arrayContaining(['push call:server', 'pop call:callee', 'check call TTL:callee', 'push result:callee', 'pop result:server']),
    );
  });

  it('a CALL whose callee throws: verdict error-result', async () => {
    const uuid = newUUID();
    peer.send({ meta: { type: 1, uuid }, payload: { uri: 'trace.fail', args: null } });
    const res = await peer.forType(9, uuid);
    expect(res.payload.args.error.message).toMatch(/on purpose/);
    const c = await chainWith(uuid, 'run (error)');
    expect(c.verdict).toBe('error-result');
  });

  it('a CALL without URI is NACKed: verdict nacked', async () => {
    const uuid = newUUID();
    peer.send({ meta: { type: 1, uuid }, payload: { args: 1 } });
    await peer.forType(7, uuid);
    const c = await chainWith(uuid, 'NACK out');
    expect(labels(c)).toEqual(['CALL in', 'NACK out']);
    expect(c.verdict).toBe('nacked');
  });

  it('a CALL to an unserved URI is pending until its timeout, then expired', async () => {
    const uuid = newUUID();
    peer.send({ meta: { type: 1, uuid }, payload: { uri: `trace.nobody.${uuid}`, timeout: 300e6, args: 1 } });
    await peer.forType(8, uuid);
    const c = await chainWith(uuid, 'ACK out');
    expect(labels(c)).toEqual(['CALL in', 'push call', 'ACK out']);
    expect(c.verdict).toBe('pending');
    await new Promise((r) => setTimeout(r, 350));
    expect(bus.chain(uuid)?.verdict).toBe('expired');
  });

  it('a PUB: PUBLISH, the message from redis and the EVNT to the subscriber, verdict event', async () => {
    const channel = `trace.${newUUID()}`;
    const sub = newUUID();
    peer.send({ meta: { type: 3, uuid: sub }, payload: { channel, pattern: false } });
    await peer.forType(8, sub);
    expect(bus.chain(sub)?.verdict).toBe('event');
    const pub = newUUID();
    peer.send({ meta: { type: 2, uuid: pub }, payload: { channel, args: { n: 1 } } });
    await peer.forType(10, pub);
    const c = await chainWith(pub, 'EVNT out');
    expect(labels(c)).toEqual(expect.arrayContaining(['PUB in', 'publish', 'ACK out', 'event from redis', 'EVNT out']));
    expectBefore(c, 'PUB in', 'publish');
    expectBefore(c, 'event from redis', 'EVNT out');
    expect(c.verdict).toBe('event');
    expect(c.hops.find((h) => h.label === 'EVNT out')?.event).toMatchObject({ kind: 'frame', channel, type: 'EVNT', corr: pub });
  });

  it("a client's frames join the chain of its call", async () => {
    const client = await connect(stack.url);
    const stop = clientFrames(bus, client, 'playground-1');
    try {
      await client.call('test.echo', 'from the client');
      const out = bus.events({ kinds: ['frame'], filter: (e) => e.kind === 'frame' && e.side === 'client' && e.type === 'CALL' }).at(-1);
      expect(out).toMatchObject({ connId: 'playground-1', dir: 'out', uri: 'test.echo' });
      const c = await chainWith(out!.corr!, 'client RES in');
      expectBefore(c, 'client CALL out', 'CALL in');
      expectBefore(c, 'RES out', 'client RES in');
      expect(c.verdict).toBe('ok');
    } finally {
      stop();
      await client.close();
    }
  });
});

describe('adapters', () => {
  it('server connections are traced as conn events', () => {
    const conns = bus.events({ kinds: ['conn'], limit: 100 });
    expect(conns[0]).toMatchObject({ kind: 'conn', proto: 'juggler', side: 'server', state: 'connecting' });
    expect(conns.some((e) => e.kind === 'conn' && e.state === 'connected')).toBe(true);
  });

  it('sync changes carry revision and patch', () => {
    const b = new TraceBus();
    const r = new Replica('state');
    const stop = syncChanges(b, r, 'peer-1', 'local');
    r.set({ a: 1 });
    r.set({ a: 2 });
    stop();
    r.set({ a: 3 });
    expect(b.events().map((e) => (e.kind === 'sync' ? [e.peerId, e.replica, e.revision, e.patch] : e.kind))).toEqual([
      ['peer-1', 'local', 1, [{ op: 'replace', path: '', value: { a: 1 } }]],
      ['peer-1', 'local', 2, [{ op: 'replace', path: '/a', value: 2 }]],
    ]);
  });

  it('a disabled bus records nothing from the adapters', async () => {
    bus.enabled = false;
    const before = bus.stats().recorded;
    const uuid = newUUID();
    peer.send({ meta: { type: 1, uuid }, payload: { uri: 'test.echo', args: 'quiet' } });
    await peer.forType(9, uuid);
    await new Promise((r) => setTimeout(r, 20));
    bus.enabled = true;
    expect(bus.stats().recorded).toBe(before);
  });
});
