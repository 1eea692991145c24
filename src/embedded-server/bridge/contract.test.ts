// The bridge contract, driven through the web-mode websocket against a real Studio host with its own
// embedded redis: every group of methods and events, as the UI uses them.

import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import WebSocket from 'ws';
import { type Harness, openBridgeSocket, startHarness, wsTransport } from '../../../test/bridge-harness';
import { BridgeClient } from '../../shared/bridge/client';
import type { ClientEvent, SyncChange, SyncOverview } from '../../shared/bridge/contract';
import type { TraceEvent } from '../../shared/trace/events';
import { batchEvents } from '../../shared/trace/trace-batch';

let h: Harness;
let clientId: string;
const traced: TraceEvent[] = [];
const batches: number[] = [];

beforeAll(async () => {
  h = await startHarness();
  h.bridge.on('trace', (batch) => {
    batches.push(batch.n);
    traced.push(...batchEvents(batch));
  });
  clientId = (await h.bridge.call('clients.connect', { name: 'alice' })).clientId;
}, 30_000);
afterAll(async () => {
  await h?.close();
});

describe('bridge frames', () => {
  test('an unknown method gets UNKNOWN_METHOD', async () => {
    await expect(h.bridge.call('nope.nothing' as 'host.info')).rejects.toMatchObject({
      code: 'UNKNOWN_METHOD',
      message: expect.stringMatching(/nope\.nothing/),
    });
  });

  test('malformed frames get BAD_FRAME and the session goes on', async () => {
    const replies: unknown[] = [];
    h.ws.on('message', (d) => replies.push(JSON.parse(d.toString())));
    h.ws.send('{not json');
    h.ws.send(JSON.stringify({ kind: 'call', method: 'host.info' }));
    h.ws.send(JSON.stringify([1, 2]));
    await vi.waitFor(() => expect(replies.filter((r) => (r as { kind: string }).kind === 'error')).toHaveLength(3));
    for (const r of replies.filter((x) => (x as { kind: string }).kind === 'error'))
      expect(r).toMatchObject({ payload: { code: 'BAD_FRAME' } });
    expect((await h.bridge.call('host.info')).mode).toBe('web');
  });

  test('bad params get BAD_PARAMS naming the field', async () => {
    await expect(h.bridge.call('clients.call', { clientId, uri: 42 } as never)).rejects.toMatchObject({
      code: 'BAD_PARAMS',
      message: expect.stringMatching(/"uri"/),
    });
    await expect(h.bridge.call('trace.events', { kinds: ['frame', 'bogus'] } as never)).rejects.toMatchObject({ code: 'BAD_PARAMS' });
    await expect(h.bridge.call('clients.call', { clientId: 'c999', uri: 'test.echo', args: 1 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  test('a plain GET of the bridge path says whether a token is taken (a browser cannot see a refused upgrade)', async () => {
    expect((await fetch(`${h.web.origin}/bridge?token=${h.web.token}`)).status).toBe(204);
    for (const q of ['', `?token=${'x'.repeat(64)}`]) {
      const res = await fetch(`${h.web.origin}/bridge${q}`);
      expect(res.status).toBe(403);
      expect(await res.text()).toMatch(/missing or wrong token: open the URL the Studio printed/);
    }
  });

  test('the bridge refuses a wrong token and a foreign origin', async () => {
    await expect(openBridgeSocket(h.web, { token: 'x'.repeat(64) })).rejects.toMatchObject({ status: 403 });
    await expect(openBridgeSocket(h.web, { origin: 'http://evil.example' })).rejects.toMatchObject({ status: 403 });
    const ws = new WebSocket(`${h.web.origin.replace('http', 'ws')}/bridge?token=${h.web.token}`);
    await expect(
      new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('unexpected-response', (_q, r) => reject(new Error(String(r.statusCode))));
      }),
    ).rejects.toThrow('403');
  });
});

describe('host, clients and the trace', () => {
  test('host.info and host.status describe the embedded setup', async () => {
    const info = await h.bridge.call('host.info');
    expect(info.redis.embedded).toBe(true);
    expect(info.server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/);
    const status = await h.bridge.call('host.status');
    expect(status.redis.up).toBe(true);
    expect(status.callees.running).toBeGreaterThanOrEqual(3);
  });

  test('a CALL appears in the trace as one chain with every hop in order', async () => {
    const out = await h.bridge.call('clients.call', { clientId, uri: 'test.echo', args: { hi: 1 }, timeoutMs: 5000 });
    expect(out).toMatchObject({ ok: true, result: { hi: 1 } });
    expect(out.uuid).toMatch(/^[0-9a-f-]{36}$/);
    await vi.waitFor(async () => {
      const chain = await h.bridge.call('trace.chain', { corr: out.uuid });
      expect(chain?.verdict).toBe('ok');
      const labels = chain!.hops.map((x) => x.label);
      for (const want of ['CALL in', 'push call', 'pop call', 'run', 'push result', 'pop result', 'RES out'])
        expect(labels).toContain(want);
      expect(labels.indexOf('CALL in')).toBeLessThan(labels.indexOf('push call'));
      expect(labels.indexOf('push call')).toBeLessThan(labels.indexOf('pop call'));
      expect(labels.indexOf('run')).toBeLessThan(labels.indexOf('push result'));
      expect(labels.indexOf('pop result')).toBeLessThan(labels.indexOf('RES out'));
      for (const hop of chain!.hops) expect(hop.delta).toBeGreaterThanOrEqual(0);
    });
    // the events reached the UI in batches, not one frame per event
    await vi.waitFor(() => expect(traced.some((e) => e.corr === out.uuid && e.kind === 'callee')).toBe(true));
    expect(Math.max(...batches)).toBeGreaterThan(1);
  });

  test('a CALL over the server read limit closes that client with 1009, and the UI sees why', async () => {
    const out = await h.bridge.call('clients.call', { clientId, uri: 'test.echo', args: 'x'.repeat(2 << 20), timeoutMs: 2000 });
    expect(out.ok).toBe(false);
    await vi.waitFor(async () => {
      const c = (await h.bridge.call('clients.list')).find((x) => x.clientId === clientId);
      expect(c).toMatchObject({ state: 'closed', closeCode: 1009, closeReason: expect.stringMatching(/read limit/) });
    });
    await h.bridge.call('clients.disconnect', { clientId });
    clientId = (await h.bridge.call('clients.connect', { name: 'alice again' })).clientId;
  });

  test('subscribe, publish from another client, and the event reaches the UI', async () => {
    const bob = (await h.bridge.call('clients.connect', { name: 'bob' })).clientId;
    const events: ClientEvent[] = [];
    const off = h.bridge.on('clients.event', (e) => events.push(e));
    const info = await h.bridge.call('clients.sub', { clientId, channel: 'news.*', pattern: true });
    expect(info.subscriptions).toEqual([{ channel: 'news.*', pattern: true }]);
    const { uuid } = await h.bridge.call('clients.pub', { clientId: bob, channel: 'news.today', args: { x: 1 } });
    await vi.waitFor(() =>
      expect(events).toContainEqual(
        expect.objectContaining({ clientId, for: uuid, channel: 'news.today', pattern: 'news.*', args: { x: 1 } }),
      ),
    );
    off();
    await h.bridge.call('clients.disconnect', { clientId: bob });
  });

  test('a CALL that takes longer than the bridge timeout still gets its result (the bridge waits for the call)', async () => {
    // a second bridge client on the same socket whose own timeout is shorter than the call's work
    const impatient = new BridgeClient(wsTransport(h.ws), 300);
    try {
      const out = await impatient.call('clients.call', { clientId, uri: 'test.delay', args: 800, timeoutMs: 3000 });
      expect(out).toMatchObject({ ok: true });
      // a method with no work of its own keeps the bridge's timeout
      expect(await impatient.call('host.info')).toMatchObject({ mode: 'web' });
    } finally {
      impatient.close();
    }
  });

  test('a client that cannot connect shows why (refused, HTTP status) in its info and in the trace', async () => {
    const { server } = await h.bridge.call('host.info');
    const cases = [
      { url: 'ws://127.0.0.1:1/ws', why: /ECONNREFUSED/ },
      { url: server.url.replace(/\/ws$/, '/nope'), why: /404/ },
    ];
    for (const { url, why } of cases) {
      await expect(h.bridge.call('clients.connect', { name: 'nowhere', url })).rejects.toMatchObject({
        message: expect.stringMatching(why),
      });
      const info = (await h.bridge.call('clients.list')).filter((c) => c.url === url).at(-1);
      expect(info).toMatchObject({ state: 'closed', closeReason: expect.stringMatching(why) });
      await vi.waitFor(() =>
        expect(traced).toContainEqual(
          expect.objectContaining({ kind: 'conn', side: 'client', state: 'closed', remote: url, reason: expect.stringMatching(why) }),
        ),
      );
      await h.bridge.call('clients.disconnect', { clientId: info!.clientId });
    }
  });

  test('a Studio client appears in the trace under the name the user gave it', async () => {
    const carol = (await h.bridge.call('clients.connect', { name: 'carol' })).clientId;
    const out = await h.bridge.call('clients.call', { clientId: carol, uri: 'test.echo', args: 1, timeoutMs: 5000 });
    await vi.waitFor(() =>
      expect(traced).toContainEqual(
        expect.objectContaining({ kind: 'frame', side: 'client', type: 'CALL', uuid: out.uuid, connId: 'carol' }),
      ),
    );
    await h.bridge.call('clients.disconnect', { clientId: carol });
  });

  test("a call that expires on the client's timeout is traced as the client saw it, in the call's chain", async () => {
    const out = await h.bridge.call('clients.call', { clientId, uri: 'test.delay', args: 600, timeoutMs: 150 });
    expect(out).toMatchObject({ ok: false, error: { code: 'EXPIRED' } });
    // the message says where the time went (a callee took it and ran past the timeout), not a generic hint
    expect(out.error?.message).toMatch(/no result within 150 ms; queued [\d.]+ (ms|µs), then the callee ran past the timeout/);
    expect(out.error?.message).not.toMatch(/check that a callee serves/);
    await vi.waitFor(() =>
      expect(traced).toContainEqual(
        expect.objectContaining({
          kind: 'log',
          corr: out.uuid,
          message: expect.stringMatching(/expired: no RES within its 150 ms timeout/),
        }),
      ),
    );
  });

  test('a traced CALL can be sent again', async () => {
    const first = await h.bridge.call('clients.call', { clientId, uri: 'test.reverse', args: 'abc', timeoutMs: 5000 });
    let seq = 0;
    await vi.waitFor(() => {
      const ev = traced.find((e) => e.kind === 'frame' && e.type === 'CALL' && e.uuid === first.uuid && e.side === 'client');
      expect(ev).toBeDefined();
      seq = ev!.seq;
    });
    const again = await h.bridge.call('clients.resend', { clientId, seq });
    expect(again).toMatchObject({ ok: true, result: 'cba' });
    expect(again.uuid).not.toBe(first.uuid);
  });

  test('export and import of a session round-trip the events', async () => {
    const { ndjson, count } = await h.bridge.call('trace.export');
    expect(count).toBeGreaterThan(10);
    expect(ndjson.split('\n')[0]).toContain('juggler-studio-trace');
    const { count: imported } = await h.bridge.call('trace.import', { ndjson });
    expect(imported).toBe(count);
    // the bus now shows the imported session and records nothing new until tracing is switched on again
    expect((await h.bridge.call('trace.stats')).enabled).toBe(false);
    expect((await h.bridge.call('trace.setEnabled', { enabled: true })).enabled).toBe(true);
    await expect(h.bridge.call('trace.import', { ndjson: '{"format":"juggler-studio-trace","version":1}\n{broken' })).rejects.toMatchObject(
      {
        code: 'BAD_PARAMS',
        message: expect.stringMatching(/line 2/),
      },
    );
  });
});

describe('redis inspector and faults', () => {
  test('with the callee stopped, a pending call shows in the inspector with its TTL; started again, it is answered', async () => {
    await h.bridge.call('callees.stop', { uri: 'test.echo' });
    const pending = h.bridge.call('clients.call', { clientId, uri: 'test.echo', args: 'waited', timeoutMs: 8000 });
    let first = 0;
    await vi.waitFor(async () => {
      const snap = await h.bridge.call('redis.snapshot');
      const u = snap.uris.find((x) => x.uri === 'test.echo');
      expect(u?.pending).toBe(1);
      expect(u?.noCalleeWaiting).toBe(true);
    });
    const p1 = await h.bridge.call('redis.pending', { uri: 'test.echo' });
    first = p1.calls[0]!.ttlMs!;
    expect(first).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 200));
    const p2 = await h.bridge.call('redis.pending', { uri: 'test.echo' });
    expect(p2.calls[0]!.ttlMs!).toBeLessThan(first);
    await h.bridge.call('callees.start', { uri: 'test.echo' });
    expect(await pending).toMatchObject({ ok: true, result: 'waited' });
  });

  test('a redis outage turns calls into NACKs, and service resumes by itself', async () => {
    await h.bridge.call('fault.redis', { action: 'pause' });
    await vi.waitFor(async () => {
      const out = await h.bridge.call('clients.call', { clientId, uri: 'test.echo', args: 1, timeoutMs: 1000 });
      expect(out.ok).toBe(false);
      expect(out.error?.nackCode).toBe(500);
      const chain = await h.bridge.call('trace.chain', { corr: out.uuid });
      expect(chain?.verdict).toBe('nacked');
    });
    const status = await h.bridge.call('fault.redis', { action: 'resume' });
    expect(status.redis.embedded).toBe(true);
    await vi.waitFor(
      async () => {
        const out = await h.bridge.call('clients.call', { clientId, uri: 'test.echo', args: 'back', timeoutMs: 1000 });
        expect(out).toMatchObject({ ok: true, result: 'back' });
      },
      { timeout: 10_000, interval: 200 },
    );
  });
});

describe('user callees', () => {
  test('a user callee is saved, called, changed and called again', async () => {
    const save = await h.bridge.call('callees.save', {
      uri: 'user.greet',
      language: 'ts',
      source: "export default (name: string) => 'hello ' + name;",
    });
    expect(save).toMatchObject({ ok: true, callee: { uri: 'user.greet', kind: 'user', running: true } });
    expect(await h.bridge.call('clients.call', { clientId, uri: 'user.greet', args: 'ada', timeoutMs: 5000 })).toMatchObject({
      ok: true,
      result: 'hello ada',
    });
    await h.bridge.call('callees.save', { uri: 'user.greet', language: 'js', source: "module.exports = (name) => 'bonjour ' + name;" });
    expect(await h.bridge.call('clients.call', { clientId, uri: 'user.greet', args: 'ada', timeoutMs: 5000 })).toMatchObject({
      ok: true,
      result: 'bonjour ada',
    });
    const bad = await h.bridge.call('callees.save', { uri: 'user.greet', language: 'js', source: 'module.exports = (' });
    expect(bad.ok).toBe(false);
    expect(bad.problems?.[0]?.line).toBe(1);
  });

  test("callees.runs lists a callee's recent runs: args, result or error with the stack in the user's source", async () => {
    await h.bridge.call('callees.save', {
      uri: 'user.picky',
      language: 'ts',
      source: "export default (n: number) => {\n  if (n > 1) throw new Error('too big: ' + n);\n  return n * 2;\n};\n",
    });
    expect(await h.bridge.call('clients.call', { clientId, uri: 'user.picky', args: 1, timeoutMs: 5000 })).toMatchObject({
      ok: true,
      result: 2,
    });
    expect(await h.bridge.call('clients.call', { clientId, uri: 'user.picky', args: 5, timeoutMs: 5000 })).toMatchObject({ ok: false });
    const runs = await h.bridge.call('callees.runs', { uri: 'user.picky' });
    expect(runs.map((r) => r.outcome)).toEqual(['error', 'ok']);
    expect(runs[0]).toMatchObject({ args: '5', error: 'too big: 5', stack: expect.stringMatching(/user\.picky\.ts:2:\d+/) });
    expect(runs[1]).toMatchObject({ args: '1', result: '2' });
    expect(await h.bridge.call('callees.runs', { uri: 'user.picky', errorsOnly: true })).toHaveLength(1);
    // the demo callee's runs too
    await h.bridge.call('clients.call', { clientId, uri: 'test.reverse', args: 'abc', timeoutMs: 5000 });
    expect((await h.bridge.call('callees.runs', { uri: 'test.reverse' }))[0]).toMatchObject({
      args: '"abc"',
      result: '"cba"',
      outcome: 'ok',
    });
  });

  test('a looping user callee is killed while the host keeps answering', async () => {
    await h.bridge.call('callees.save', { uri: 'user.loop', language: 'js', source: 'module.exports = () => { while (true) {} };' });
    // the harness's user callees kill a run after 1 s (maxCallMs); the call may wait 8 s for that answer
    const looping = h.bridge.call('clients.call', { clientId, uri: 'user.loop', args: null, timeoutMs: 8000 });
    const t0 = performance.now();
    expect((await h.bridge.call('host.status')).redis.up).toBe(true);
    expect(performance.now() - t0).toBeLessThan(1000);
    const out = await looping;
    expect(out.ok).toBe(false);
    expect(JSON.stringify(out.error)).toMatch(/killed/);
  });
});

describe('every other method and event', () => {
  test('trace.events by kind, trace.stats, trace.spill to a file and back off', async () => {
    const frames = await h.bridge.call('trace.events', { kinds: ['frame'], limit: 50 });
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.every((e) => e.kind === 'frame')).toBe(true);
    const stats = await h.bridge.call('trace.stats');
    expect(stats.capacity).toBe(1_000_000);
    const file = join(h.dataDir, 'spill.ndjson');
    expect((await h.bridge.call('trace.spill', { file })).spillFile).toBe(file);
    await h.bridge.call('clients.call', { clientId, uri: 'test.echo', args: 'spilled', timeoutMs: 5000 });
    await h.bridge.call('trace.spill', { file: null });
    expect(readFileSync(file, 'utf8')).toContain('spilled');
  });

  test('trace.spill writes only inside the data folder: elsewhere, .. and symlinks out get SPILL_OUTSIDE_DIR', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'spill-elsewhere-'));
    symlinkSync(elsewhere, join(h.dataDir, 'out-link'));
    symlinkSync(join(elsewhere, 'target.ndjson'), join(h.dataDir, 'file-link.ndjson'));
    for (const file of [
      join(elsewhere, 'x.ndjson'),
      '/etc/x.ndjson',
      '../x.ndjson',
      join(h.dataDir, '..', 'x.ndjson'),
      'out-link/x.ndjson',
      'file-link.ndjson',
    ]) {
      await expect(h.bridge.call('trace.spill', { file }), file).rejects.toMatchObject({
        code: 'SPILL_OUTSIDE_DIR',
        message: expect.stringContaining("only inside the Studio's data folder"),
      });
    }
    expect(readdirSync(elsewhere)).toEqual([]);
    // a name alone is taken inside the data folder
    expect((await h.bridge.call('trace.spill', { file: 'named.ndjson' })).spillFile).toBe(join(realpathSync(h.dataDir), 'named.ndjson'));
    await h.bridge.call('trace.spill', { file: null });
    expect(existsSync(join(h.dataDir, 'named.ndjson'))).toBe(true);
  });

  test('clients.unsb, callees.remove, sync.message and metrics.sample', async () => {
    await h.bridge.call('clients.sub', { clientId, channel: 'tmp' });
    expect((await h.bridge.call('clients.unsb', { clientId, channel: 'tmp' })).subscriptions).not.toContainEqual({
      channel: 'tmp',
      pattern: false,
    });
    await h.bridge.call('callees.save', { uri: 'user.gone', language: 'js', source: 'module.exports = () => 1;' });
    const after = await h.bridge.call('callees.remove', { uri: 'user.gone' });
    expect(after.some((c) => c.uri === 'user.gone')).toBe(false);
    await expect(h.bridge.call('callees.remove', { uri: 'user.gone' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const studio = (await h.bridge.call('sync.peers')).find((p) => p.role === 'client')!;
    expect(await h.bridge.call('sync.message', { peerId: studio.peerId, message: { hi: 1 } })).toEqual({ sent: true });
    const m = await h.bridge.call('metrics.sample');
    expect(m.server.MsgsCALL).toBeGreaterThan(0);
    expect(m.broker.Calls).toBeGreaterThan(0);
  });

  test('sync.pin keeps a closed peer until unpinned; sync.overview events tell the UI; a big patch is outlined in the trace', async () => {
    const overviews: SyncOverview[] = [];
    const off = h.bridge.on('sync.overview', (o) => overviews.push(o));
    const url = (await h.bridge.call('host.info')).sync.url;
    const open = async () => {
      const ws = new WebSocket(url);
      await new Promise((r) => ws.once('open', r));
      return ws;
    };
    const [a, b] = [await open(), await open()];
    await vi.waitFor(() => expect(overviews.at(-1)?.peers.length).toBeGreaterThanOrEqual(4), { timeout: 10_000 });
    const [pa, pb] = overviews
      .at(-1)!
      .peers.slice(-2)
      .map((p) => p.peerId) as [string, string];
    expect((await h.bridge.call('sync.pin', { peerId: pa, pinned: true })).peers.find((p) => p.peerId === pa)?.pinned).toBe(true);
    // a 64 kB patch: held whole in the sync history, outlined (op and path) in the trace
    b.send(JSON.stringify({ type: 'DATA', payload: [{ op: 'replace', path: '', value: { big: 'y'.repeat(64 << 10) } }] }));
    await vi.waitFor(() => expect(traced.some((e) => e.kind === 'sync' && e.peerId === pb && e.truncated)).toBe(true), { timeout: 10_000 });
    const ev = traced.find((e) => e.kind === 'sync' && e.peerId === pb && e.truncated);
    expect(ev).toMatchObject({ patch: [{ op: 'replace', path: '' }] });
    expect((ev as { size: number }).size).toBeGreaterThan(64 << 10);
    a.close();
    b.close();
    await vi.waitFor(
      () => {
        const last = overviews.at(-1)!;
        expect(last.peers.find((p) => p.peerId === pa)).toMatchObject({ connected: false, pinned: true });
        expect(last.peers.some((p) => p.peerId === pb)).toBe(false);
      },
      { timeout: 10_000 },
    );
    await expect(h.bridge.call('sync.history', { peerId: pb, replica: 'remote' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const unpinned = await h.bridge.call('sync.pin', { peerId: pa, pinned: false });
    expect(unpinned.peers.some((p) => p.peerId === pa)).toBe(false);
    expect(unpinned.history).toMatchObject({ maxChanges: 5000, maxBytes: 64 << 20 });
    expect(unpinned.history.droppedPeers).toBeGreaterThanOrEqual(2);
    expect(await h.bridge.call('sync.overview')).toMatchObject({ history: { heldBytes: unpinned.history.heldBytes } });
    off();
  });

  test('a call list whose key is not UTF-8 is peeked through the snapshot key object', async () => {
    const key = Buffer.concat([Buffer.from('juggler:calls:{bin'), Buffer.from([0xff, 0xfe]), Buffer.from('}')]);
    await h.host.serverBroker.client.lpush(key, 'not a juggler payload');
    let ref: { text: string; base64?: string; bytes: number } | undefined;
    await vi.waitFor(async () => {
      const snap = await h.bridge.call('redis.snapshot');
      ref = snap.uris.find((u) => u.callList?.key.base64 === key.toString('base64'))?.callList?.key;
      expect(ref).toBeDefined();
    });
    const page = await h.bridge.call('redis.peek', { key: ref! });
    expect(page.length).toBe(1);
    expect(page.entries[0]!.error).toBeDefined();
    await h.host.serverBroker.client.del(key);
  });

  test('status and metrics events arrive every second while a session is attached', async () => {
    let statuses = 0;
    let samples = 0;
    const offs = [h.bridge.on('status', () => statuses++), h.bridge.on('metrics', () => samples++)];
    await vi.waitFor(() => expect(Math.min(statuses, samples)).toBeGreaterThanOrEqual(2), { timeout: 5000 });
    for (const off of offs) off();
  });

  test('redis.peek, redis.tap/untap, redis.target and the callee delay and TTL-lapse faults', async () => {
    try {
      await faults();
    } finally {
      await h.bridge.call('callees.start', { uri: 'test.echo' });
      await h.bridge.call('fault.calleeDelay', { ms: 0 });
    }
  });

  async function faults() {
    await h.bridge.call('callees.stop', { uri: 'test.echo' });
    const waiting = h.bridge.call('clients.call', { clientId, uri: 'test.echo', args: 'lapsed', timeoutMs: 3000 });
    // if an assertion below fails first, the harness closes the bridge under this call: that is not a second failure
    waiting.catch(() => {});
    let msgUUID = '';
    await vi.waitFor(async () => {
      const page = await h.bridge.call('redis.peek', { key: 'juggler:calls:{test.echo}' });
      expect(page.length).toBe(1);
      msgUUID = page.entries[0]!.call!.msgUUID;
    });
    expect(await h.bridge.call('fault.expireCall', { uri: 'test.echo', msgUUID })).toEqual({ expired: true });
    await new Promise((r) => setTimeout(r, 20));
    await h.bridge.call('callees.start', { uri: 'test.echo' });
    // the callee finds the call expired and drops it: the client learns it from its own timeout
    await vi.waitFor(async () =>
      expect((await h.bridge.call('redis.snapshot')).uris.find((u) => u.uri === 'test.echo')?.pending ?? 0).toBe(0),
    );
    // the list empties when the callee pops the call; it counts the call expired only after it has read the TTL key
    await vi.waitFor(async () =>
      expect((await h.bridge.call('callees.list')).find((c) => c.uri === 'test.echo')!.metrics.expired).toBeGreaterThanOrEqual(1),
    );
    expect(await waiting).toMatchObject({ ok: false, error: { code: 'EXPIRED' } });

    const taps: unknown[] = [];
    const off = h.bridge.on('redis.tap', (m) => taps.push(m));
    const { tapId } = await h.bridge.call('redis.tap', { channels: ['tapped'] });
    await h.bridge.call('clients.pub', { clientId, channel: 'tapped', args: { via: 'tap' } });
    await vi.waitFor(() => expect(taps).toContainEqual(expect.objectContaining({ tapId, msgUUID: expect.any(String) })));
    await h.bridge.call('redis.untap', { tapId });
    await expect(h.bridge.call('redis.untap', { tapId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    off();

    const info = await h.bridge.call('host.info');
    const target = await h.bridge.call('redis.target', { url: info.redis.url.replace('redis://', 'redis://') });
    expect(target.cluster).toBe(false);
    await expect(h.bridge.call('redis.target', { url: 'redis://127.0.0.1:1' })).rejects.toMatchObject({ code: 'FAILED' });
    await h.bridge.call('redis.target', { url: null });

    const status = await h.bridge.call('fault.calleeDelay', { ms: 300 });
    expect(status.faults.calleeDelayMs).toBe(300);
    const slow = await h.bridge.call('clients.call', { clientId, uri: 'test.echo', args: 'slow', timeoutMs: 5000 });
    expect(slow.ok).toBe(true);
    expect(slow.latencyMs).toBeGreaterThanOrEqual(300);
  }
});

describe('load', () => {
  test('a load run reports progress while it goes and a final report', async () => {
    const progress: { state: string; results: number }[] = [];
    const off = h.bridge.on('load.progress', (p) => progress.push(p));
    const { loadId } = await h.bridge.call('load.start', {
      connections: 4,
      rateMs: -1,
      durationMs: 1200,
      uri: 'test.echo',
      payload: 'x',
      timeoutMs: 2000,
    });
    await expect(
      h.bridge.call('load.start', { connections: 1, rateMs: 10, durationMs: 500, uri: 'test.echo', payload: 'x', timeoutMs: 1000 }),
    ).rejects.toMatchObject({
      code: 'FAILED',
    });
    await vi.waitFor(() => expect(progress.at(-1)?.state).toBe('done'), { timeout: 10_000 });
    expect(progress.filter((p) => p.state === 'running').length).toBeGreaterThan(1);
    expect(progress.at(-1)!.results).toBeGreaterThan(10);
    expect(loadId).toMatch(/^load-/);
    off();
  });

  test('load.stop ends a long run early as stopped, with what it did so far; an unknown run is NOT_FOUND', async () => {
    const progress: { state: string; results: number; loadId: string }[] = [];
    const off = h.bridge.on('load.progress', (p) => progress.push(p));
    const started = performance.now();
    const { loadId } = await h.bridge.call('load.start', {
      connections: 2,
      rateMs: -1,
      durationMs: 60_000,
      uri: 'test.echo',
      payload: 'x',
      timeoutMs: 2000,
    });
    await vi.waitFor(() => expect(progress.some((p) => p.loadId === loadId && p.state === 'running' && p.results > 0)).toBe(true), {
      timeout: 10_000,
    });
    expect(await h.bridge.call('load.stop', { loadId })).toEqual({ loadId });
    await vi.waitFor(() => expect(progress.filter((p) => p.loadId === loadId).at(-1)?.state).toBe('stopped'), { timeout: 10_000 });
    expect(performance.now() - started).toBeLessThan(30_000);
    expect(progress.filter((p) => p.loadId === loadId).at(-1)!.results).toBeGreaterThan(0);
    await expect(h.bridge.call('load.stop', { loadId: 'load-nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    off();
  });
});

describe('sync', () => {
  test('editing one peer reaches the other after the batching window, with patches and revisions', async () => {
    const peers = await h.bridge.call('sync.peers');
    const studio = peers.find((p) => p.role === 'client')!;
    const server = peers.find((p) => p.role === 'server')!;
    expect(studio.connected).toBe(true);
    const changes: SyncChange[] = [];
    const off = h.bridge.on('sync.change', (c) => changes.push(c));
    await h.bridge.call('sync.setLocal', { peerId: studio.peerId, data: { hello: 'world', n: [1, 2] } });
    await vi.waitFor(async () => {
      const s = (await h.bridge.call('sync.peers')).find((p) => p.peerId === server.peerId)!;
      expect(s.remote).toEqual({ hello: 'world', n: [1, 2] });
    });
    expect(changes.some((c) => c.peerId === server.peerId && c.replica === 'remote' && c.patch.length > 0)).toBe(true);
    const history = await h.bridge.call('sync.history', { peerId: server.peerId, replica: 'remote' });
    expect(history.at(-1)?.after).toEqual({ hello: 'world', n: [1, 2] });
    off();
  });
});

describe('trace batches as columns', () => {
  test('the live trace event and trace.batch carry, as columns, exactly the events trace.events returns', async () => {
    await h.bridge.call('trace.setEnabled', { enabled: true });
    const from = (await h.bridge.call('trace.stats')).recorded + 1;
    // frames, redis operations and a callee run; a sync patch; a connection that failed
    await h.bridge.call('clients.call', { clientId, uri: 'test.echo', args: { columns: [1, 'é', null] }, timeoutMs: 5000 });
    const peer = (await h.bridge.call('sync.peers')).find((p) => p.role === 'client')!;
    await h.bridge.call('sync.setLocal', { peerId: peer.peerId, data: { columns: true } });
    await expect(h.bridge.call('clients.connect', { name: 'nowhere', url: 'ws://127.0.0.1:1/' })).rejects.toBeDefined();
    const held = await h.bridge.call('trace.events', { fromSeq: from, limit: 100_000 });
    expect(new Set(held.map((e) => e.kind))).toEqual(new Set(['frame', 'redis', 'callee', 'sync', 'conn']));
    const last = held.at(-1)!.seq;
    await vi.waitFor(() => expect(traced.at(-1)?.seq).toBeGreaterThanOrEqual(last));
    const live = traced.filter((e) => e.seq >= from && e.seq <= last);
    expect(live).toEqual(held);
    const paged = await h.bridge.call('trace.batch', { fromSeq: from, limit: held.length });
    expect(paged.n).toBe(held.length);
    expect(batchEvents(paged)).toEqual(held);
    await expect(h.bridge.call('trace.batch', { limit: 0 })).rejects.toMatchObject({ code: 'BAD_PARAMS' });
  });

  test('trace.follow caps the live batches at the newest maxBatch, saying how many were left out; null sends every event again', async () => {
    const sizes: { n: number; skipped?: number }[] = [];
    const off = h.bridge.on('trace', (b) => sizes.push({ n: b.n, skipped: b.skipped }));
    try {
      expect(await h.bridge.call('trace.follow', { maxBatch: 2 })).toEqual({ maxBatch: 2 });
      const from = (await h.bridge.call('trace.stats')).recorded;
      for (let i = 0; i < 3; i++) await h.bridge.call('clients.call', { clientId, uri: 'test.echo', args: i, timeoutMs: 5000 });
      const to = (await h.bridge.call('trace.stats')).recorded;
      await vi.waitFor(() => expect(sizes.reduce((s, b) => s + b.n + (b.skipped ?? 0), 0)).toBeGreaterThanOrEqual(to - from));
      expect(Math.max(...sizes.map((b) => b.n))).toBeLessThanOrEqual(2);
      expect(sizes.some((b) => (b.skipped ?? 0) > 0)).toBe(true);
    } finally {
      expect(await h.bridge.call('trace.follow', { maxBatch: null })).toEqual({ maxBatch: null });
      off();
    }
    await expect(h.bridge.call('trace.follow', { maxBatch: 0 })).rejects.toMatchObject({ code: 'BAD_PARAMS' });
    await expect(h.bridge.call('trace.follow', {} as never)).rejects.toMatchObject({ code: 'BAD_PARAMS' });
  });

  test('trace.follow is per window: the live batch is cut only while every window follows, and a closed window stops counting', async () => {
    const ws2 = await openBridgeSocket(h.web);
    const second = new BridgeClient(wsTransport(ws2), 20_000);
    try {
      await h.bridge.call('trace.follow', { maxBatch: 64 });
      // the second window asked for nothing: it gets every event, so nobody's batch is cut
      expect(h.host.traceLiveMaxBatch).toBeUndefined();
      await second.call('trace.follow', { maxBatch: 16 });
      expect(h.host.traceLiveMaxBatch).toBe(64);
      await second.call('trace.follow', { maxBatch: null });
      expect(h.host.traceLiveMaxBatch).toBeUndefined();
      await second.call('trace.follow', { maxBatch: 16 });
      ws2.close();
      await vi.waitFor(() => expect(h.host.dispatcher.sessions).toBe(1));
      expect(h.host.traceLiveMaxBatch).toBe(64);
    } finally {
      ws2.close();
      await h.bridge.call('trace.follow', { maxBatch: null });
    }
    expect(h.host.traceLiveMaxBatch).toBeUndefined();
  });
});
