// Sync attach (issue 12, item 5): the Studio host, driven over its bridge, watches `juggler sync-server`
// processes it did not start, of every generation, as an observing client (explicit generation or
// detect), and proxies a real client to a real server with both replicas shown.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../../../test/bridge-harness';
import { type CliProcess, runCli } from '../../../test/cli-process';
import { trackDivergence } from '../../renderer/src/views/sync/divergence';
import type { SyncPeerInfo } from '../../shared/bridge/contract';
import type { FrameTrace } from '../../shared/trace/events';
import type { Generation } from '../sync/generation';
import { rawSocket } from '../sync/test-support';
import { SyncServer } from '../sync/ws-server';
import { KEEP_CLOSED_CONNECTIONS } from './sync-attach';

let h: Harness;
const procs: CliProcess[] = [];

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});
afterEach(async () => {
  for (const t of await h.bridge.call('sync.targets')) await h.bridge.call('sync.detach', { targetId: t.targetId });
  await Promise.all(procs.splice(0).map((p) => p.stop()));
});

function start(args: string[]): CliProcess {
  const p = runCli(args);
  procs.push(p);
  return p;
}

async function syncServer(generation: Generation, demo = true): Promise<string> {
  const p = start(['sync-server', '--addr', '127.0.0.1:0', '--generation', generation, '--delay', '0', ...(demo ? ['--demo'] : [])]);
  return (await p.waitFor(/listening on (ws:\/\/\S+)/))[1]!;
}

async function peer(peerId: string): Promise<SyncPeerInfo | undefined> {
  return (await h.bridge.call('sync.peers')).find((p) => p.peerId === peerId);
}

/** Polls the bridge until `check` holds. */
async function eventually(check: () => Promise<boolean>, what: string, timeout = 15_000): Promise<void> {
  const startAt = Date.now();
  while (!(await check())) {
    if (Date.now() - startAt > timeout) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function syncFrames(connId: string): FrameTrace[] {
  return h.host.trace
    .events({ kinds: ['frame'], limit: 100_000 })
    .filter((e): e is FrameTrace => e.kind === 'frame' && e.proto === 'sync' && e.connId === connId);
}

describe('sync attach', () => {
  for (const generation of ['seed', '0.6', '0.7'] as const) {
    for (const requested of [generation, 'detect'] as const) {
      it(`generation ${generation}, attached with ${requested}: the generation is named, the remote data and its history follow what another real client shares`, async () => {
        const url = await syncServer(generation);
        const target = await h.bridge.call('sync.attach', { url, generation: requested });
        expect(target).toMatchObject({ kind: 'attach', url, requested, generation, connected: true });
        if (requested === 'detect') expect(target.tries?.at(-1)).toMatchObject({ generation, ok: true });
        const id = target.targetId;
        await eventually(async () => ((await peer(id))?.remote as { tick?: number } | null)?.tick !== undefined, 'the demo state');
        const info = (await peer(id))!;
        expect(info).toMatchObject({ role: 'client', generation, connected: true, target: { targetId: id, kind: 'attach', url } });

        // a second, real client shares a change; the attached view follows
        const other = start(['sync-client', '--addr', url, '--generation', generation, '--delay', '0']);
        await other.waitFor(/connected to/);
        other.child.stdin!.write(generation === 'seed' ? 'set {"from":"other client"}\n' : 'request share {"from":"other client"}\n');
        await eventually(
          async () => JSON.stringify(((await peer(id))?.remote as { shared?: unknown } | null)?.shared) === '{"from":"other client"}',
          "the other client's change",
        );
        const history = await h.bridge.call('sync.history', { peerId: id, replica: 'remote' });
        expect(history.some((c) => JSON.stringify((c.after as { shared?: unknown } | null)?.shared) === '{"from":"other client"}')).toBe(
          true,
        );
        // observing: the attached peer sent nothing of its own on its connection
        expect(syncFrames(id).filter((f) => f.dir === 'out')).toEqual([]);
        expect(syncFrames(id).some((f) => f.dir === 'in' && f.source === url)).toBe(true);

        // detach: the peer and its history go
        await h.bridge.call('sync.detach', { targetId: id });
        expect(await peer(id)).toBeUndefined();
      });
    }

    it(`detect on a silent ${generation} server: each generation is tried in turn, the one that answered is named and why the others failed`, async () => {
      const url = await syncServer(generation, false);
      const target = await h.bridge.call('sync.attach', { url, generation: 'detect' });
      expect(target.generation).toBe(generation);
      const order = ['seed', '0.6', '0.7'];
      expect(target.tries!.map((t) => t.generation)).toEqual(order.slice(0, order.indexOf(generation) + 1));
      for (const t of target.tries!.slice(0, -1))
        expect(t).toMatchObject({ ok: false, reason: expect.stringMatching(/closed the connection \(\d+/) });
      expect(target.tries!.at(-1)!.reason).toMatch(/^answered /);
      // the pings detect sent are traced, each on its try's connection
      expect(syncFrames(`${target.targetId}/probe-${generation}`).map((f) => f.dir)).toEqual(['out', 'in']);
    });
  }

  it('detect on a URL where nothing listens fails with what each try met', async () => {
    const url = (await syncServer('0.7')).replace(/\/ws$/, '/elsewhere');
    await expect(h.bridge.call('sync.attach', { url, generation: 'detect' })).rejects.toMatchObject({
      code: 'FAILED',
      message: expect.stringMatching(/no sync generation answered .*seed: the server refused the websocket upgrade: HTTP 404/),
    });
    expect(await h.bridge.call('sync.targets')).toEqual([]);
  });

  it('several sync servers attached at once, each named with its generation', async () => {
    const urls = await Promise.all((['seed', '0.6', '0.7'] as const).map((g) => syncServer(g)));
    const targets = [];
    for (const [i, url] of urls.entries())
      targets.push(await h.bridge.call('sync.attach', { url, generation: (['seed', '0.6', '0.7'] as const)[i] }));
    const listed = await h.bridge.call('sync.targets');
    expect(listed.map((t) => [t.url, t.generation])).toEqual([
      [urls[0], 'seed'],
      [urls[1], '0.6'],
      [urls[2], '0.7'],
    ]);
    const peers = await h.bridge.call('sync.peers');
    for (const t of targets) expect(peers.find((p) => p.peerId === t.targetId)?.generation).toBe(t.generation);
    // the demo pair's generation is named too
    expect(peers.find((p) => p.peerId === 'studio-client')?.generation).toBe('seed');
  });

  it('sync proxy: a real client through it to a real server; both replicas shown, in step, then a patch the server refuses raises the divergence alarm', async () => {
    const url = await syncServer('seed', false);
    const target = await h.bridge.call('sync.proxy', { upstream: url });
    expect(target).toMatchObject({ kind: 'proxy', url, requested: 'detect', generation: null, connected: true });
    const client = start(['sync-client', '--addr', target.listenUrl!, '--generation', 'seed', '--delay', '0']);
    await client.waitFor(/connected to/);
    client.child.stdin!.write('set {"a":0,"list":[1,2]}\n');
    const pid = `${target.targetId}-c1`;
    await eventually(async () => JSON.stringify((await peer(`${pid}-server`))?.remote) === '{"a":0,"list":[1,2]}', "the server's copy");
    const c = (await peer(`${pid}-client`))!;
    const s = (await peer(`${pid}-server`))!;
    expect(c).toMatchObject({
      role: 'client',
      generation: 'seed',
      connected: true,
      local: { a: 0, list: [1, 2] },
      target: { kind: 'proxy', connId: 'c1' },
    });
    expect(s).toMatchObject({ role: 'server', generation: 'seed', connected: true });
    expect((await h.bridge.call('sync.targets'))[0]).toMatchObject({
      generation: 'seed',
      connections: { open: 1, total: 1 },
      decodeFailures: 0,
    });
    let pairs = trackDivergence([], await h.bridge.call('sync.peers'), 0, 500);
    const mine = (p: { owner: string }) => p.owner.startsWith(pid);
    expect(pairs.filter(mine).length).toBe(2);
    expect(pairs.filter(mine).some((p) => p.diverged)).toBe(false);
    // every frame traced as the proxy saw it
    const frames = syncFrames(`${target.targetId}/c1`);
    expect(frames.some((f) => f.side === 'proxy' && f.dir === 'in' && f.type === 'DATA' && f.source === url)).toBe(true);

    // a second client whose patch the server refuses (a failing test guard): the two real copies differ
    const raw = await rawSocket(target.listenUrl!);
    raw.ws.send(JSON.stringify({ type: 'DATA', payload: [{ op: 'replace', path: '', value: { a: 0 } }] }));
    raw.ws.send(
      JSON.stringify({
        type: 'DATA',
        payload: [
          { op: 'test', path: '/a', value: 1 },
          { op: 'replace', path: '/a', value: 2 },
        ],
      }),
    );
    expect((await raw.closed).code).toBe(1007);
    const pid2 = `${target.targetId}-c2`;
    await eventually(async () => JSON.stringify((await peer(`${pid2}-client`))?.local) === '{"a":2}', "the client's data as it meant it");
    expect((await peer(`${pid2}-server`))?.remote).toEqual({ a: 0 });
    const peers = await h.bridge.call('sync.peers');
    pairs = trackDivergence([], peers, 0, 500);
    pairs = trackDivergence(pairs, peers, 1000, 500);
    expect(pairs.find((p) => p.owner === `${pid2}-client`)).toMatchObject({ mirror: `${pid2}-server`, diverged: true, alarm: true });
    expect(pairs.filter(mine).some((p) => p.alarm)).toBe(false);
    expect((await h.bridge.call('sync.targets'))[0]!.decodeFailures).toBe(1);
    // the refused frame is traced as the proxy saw it, with why the server could not take it
    expect(syncFrames(`${target.targetId}/c2`).find((f) => f.dir === 'in' && f.error)?.error).toMatch(
      /the server cannot apply the client's patch/,
    );
  });

  it(`a proxy keeps the last ${KEEP_CLOSED_CONNECTIONS} closed connections in view, and a pinned one beyond them`, async () => {
    const url = await syncServer('seed', false);
    const target = await h.bridge.call('sync.proxy', { upstream: url, generation: 'seed' });
    const n = KEEP_CLOSED_CONNECTIONS + 3;
    for (let i = 1; i <= n; i++) {
      const raw = await rawSocket(target.listenUrl!);
      raw.ws.send(JSON.stringify({ type: 'DATA', payload: [{ op: 'replace', path: '', value: { i } }] }));
      await eventually(
        async () => JSON.stringify((await peer(`${target.targetId}-c${i}-server`))?.remote) === JSON.stringify({ i }),
        `c${i}`,
      );
      if (i === 1) await h.bridge.call('sync.pin', { peerId: `${target.targetId}-c1-server`, pinned: true });
      raw.ws.close();
      await raw.closed;
    }
    await eventually(
      async () => (await h.bridge.call('sync.targets')).find((t) => t.targetId === target.targetId)?.connections?.open === 0,
      'every connection closed',
      30_000,
    );
    const ids = (await h.bridge.call('sync.peers'))
      .filter((p) => p.target?.targetId === target.targetId && p.role === 'server')
      .map((p) => p.target!.connId);
    expect(ids).toEqual(['c1', ...Array.from({ length: KEEP_CLOSED_CONNECTIONS }, (_, k) => `c${n - KEEP_CLOSED_CONNECTIONS + 1 + k}`)]);
    // eleven connections one after another: on a loaded machine that outlasts the default timeout
  }, 90_000);

  it('attach with an explicit generation to a URL that refuses says why', async () => {
    const url = (await syncServer('0.6')).replace(/\/ws$/, '/nope');
    await expect(h.bridge.call('sync.attach', { url, generation: '0.6' })).rejects.toMatchObject({
      code: 'FAILED',
      message: expect.stringMatching(/cannot connect to .* as a 0\.6 client: Unexpected server response: 404/),
    });
    expect(await h.bridge.call('sync.targets')).toEqual([]);
  });

  it('credentials in the URL reach a basic-auth server (attach and proxy) and are never shown, traced or logged', async () => {
    const server = await SyncServer.listen({ generation: '0.6', port: 0, syncDelay: 0, basicAuth: { user: 'ann', password: 's3cret' } });
    try {
      server.setState({ secret: false });
      const url = server.url.replace('ws://', 'ws://ann:s3cret@');
      const attached = await h.bridge.call('sync.attach', { url, generation: 'detect' });
      expect(attached).toMatchObject({ generation: '0.6', url: server.url.replace('ws://', 'ws://ann:***@') });
      await eventually(async () => JSON.stringify((await peer(attached.targetId))?.remote) === '{"secret":false}', 'the state');
      const proxy = await h.bridge.call('sync.proxy', { upstream: url, generation: '0.6' });
      expect(proxy.url).not.toContain('s3cret');
      const everything = JSON.stringify([
        await h.bridge.call('sync.targets'),
        await h.bridge.call('sync.peers'),
        h.host.trace.events({ limit: 100_000 }),
      ]);
      expect(everything).not.toContain('s3cret');
    } finally {
      await server.close();
    }
  });

  it('a proxy forwards only: an edit or a send on its peers is refused with the reason', async () => {
    const url = await syncServer('0.7');
    const target = await h.bridge.call('sync.proxy', { upstream: url, generation: '0.7' });
    const client = start(['sync-client', '--addr', target.listenUrl!, '--generation', '0.7']);
    await client.waitFor(/connected to/);
    const pid = `${target.targetId}-c1-client`;
    await eventually(async () => (await peer(pid)) !== undefined, 'the proxied peers');
    await expect(h.bridge.call('sync.setLocal', { peerId: pid, data: 1 })).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    await expect(h.bridge.call('sync.proxy', { upstream: 'http://x' })).rejects.toMatchObject({ code: 'BAD_PARAMS' });
  });
});
