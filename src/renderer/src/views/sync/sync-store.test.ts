import { describe, expect, test } from 'vitest';
import type { SyncChange, SyncHistoryStats, SyncOverview, SyncPeerInfo } from '../../../../shared/bridge/contract';
import { applyPatch, type JsonValue, type Patch } from '../../../../shared/json-patch';
import type { BridgeLike } from '../../bridge/bridge-like';
import { DIVERGENCE_WINDOW_MS, trackDivergence } from './divergence';
import {
  changedPaths,
  deepEqual,
  diffRevisions,
  diffValues,
  formatOp,
  replayTo,
  revisionsOf,
  stateAt,
  valueAt,
  withOldValues,
} from './revisions';
import { createSyncStore, defaultSelection, historyKey, serverPeer } from './sync-store';

/** A history made the way the host makes it: each change's before, patch and after. */
function historyOf(start: JsonValue, patches: Patch[], firstRevision = 1): SyncChange[] {
  let doc = start;
  return patches.map((patch, i) => {
    const after = applyPatch(doc, patch);
    const c: SyncChange = { peerId: 'p', replica: 'local', revision: firstRevision + i, patch, before: doc, after, at: i };
    doc = after;
    return c;
  });
}

const history = historyOf(null, [
  [{ op: 'replace', path: '', value: { todos: [], n: 0 } }],
  [{ op: 'add', path: '/todos/-', value: { title: 'a' } }],
  [
    { op: 'replace', path: '/n', value: 1 },
    { op: 'add', path: '/todos/-', value: { title: 'b' } },
  ],
  [{ op: 'remove', path: '/todos/0' }],
]);

describe('revision reconstruction', () => {
  test('the revisions are the state before the first change and after each change', () => {
    expect(revisionsOf(history)).toEqual([0, 1, 2, 3, 4]);
    expect(revisionsOf([])).toEqual([]);
  });

  test('the state at a revision comes from the history', () => {
    expect(stateAt(history, 0)).toBeNull();
    expect(stateAt(history, 1)).toEqual({ todos: [], n: 0 });
    expect(stateAt(history, 3)).toEqual({ todos: [{ title: 'a' }, { title: 'b' }], n: 1 });
    expect(stateAt(history, 4)).toEqual({ todos: [{ title: 'b' }], n: 1 });
    expect(stateAt(history, 99)).toEqual({ todos: [{ title: 'b' }], n: 1 });
  });

  test('replaying the patches gives the same state at every revision, without touching the history', () => {
    const frozen = JSON.stringify(history);
    for (const r of revisionsOf(history)) expect(replayTo(history, r)).toEqual(stateAt(history, r));
    expect(JSON.stringify(history)).toBe(frozen);
  });

  test('a history that starts late (the host trims old changes) starts from its first before', () => {
    const tail = history.slice(2);
    expect(revisionsOf(tail)).toEqual([2, 3, 4]);
    expect(stateAt(tail, 2)).toEqual({ todos: [{ title: 'a' }], n: 0 });
    expect(replayTo(tail, 4)).toEqual(stateAt(history, 4));
  });
});

describe('diff between revisions', () => {
  test('the operations turn the earlier state into the later one', () => {
    const ops = diffRevisions(history, 1, 4);
    expect(applyPatch(stateAt(history, 1) as JsonValue, ops)).toEqual(stateAt(history, 4));
    expect(ops.length).toBeGreaterThan(0);
  });

  test('a prepend is the one add a peer would send, not a replace of every element (issue 14)', () => {
    const list = historyOf({ a: [1, 2, 3, 4, 5] }, [[{ op: 'add', path: '/a/0', value: 0 }]]);
    expect(diffRevisions(list, 0, 1)).toEqual([{ op: 'add', path: '/a/0', value: 0 }]);
    expect(diffRevisions(list, 1, 0)).toEqual([{ op: 'remove', path: '/a/0' }]);
  });

  test('a null root diffs and replays without crashing, both ways (issue 14)', () => {
    const fromNull = historyOf(null, [[{ op: 'replace', path: '', value: { a: [0] } }], [{ op: 'replace', path: '', value: null }]]);
    expect(diffRevisions(fromNull, 0, 1)).toEqual([{ op: 'replace', path: '', value: { a: [0] } }]);
    expect(diffRevisions(fromNull, 1, 2)).toEqual([{ op: 'replace', path: '', value: null }]);
    expect(diffRevisions(fromNull, 0, 2)).toEqual([]);
    expect(replayTo(fromNull, 2)).toBeNull();
    expect(diffValues(null, 'x')).toEqual([{ op: 'replace', path: '', value: 'x' }]);
  });

  test('the same revision twice is no difference; a scalar or null root is one replace', () => {
    expect(diffRevisions(history, 3, 3)).toEqual([]);
    expect(diffRevisions(history, 0, 1)).toEqual([{ op: 'replace', path: '', value: { todos: [], n: 0 } }]);
    expect(diffValues([1], { a: 1 })).toEqual([{ op: 'replace', path: '', value: { a: 1 } }]);
    expect(diffValues(0, false)).toHaveLength(1);
  });

  test('changed paths mark each operation, and a removed value its parent', () => {
    expect([...changedPaths([{ op: 'remove', path: '/todos/0' }])].sort()).toEqual(['/todos', '/todos/0']);
    expect(changedPaths([{ op: 'test', path: '/n', value: 0 }]).size).toBe(0);
    expect(changedPaths([{ op: 'move', from: '/a/x', path: '/b' }])).toEqual(new Set(['/b', '/a/x', '/a']));
    expect(changedPaths([{ op: 'replace', path: '', value: 1 }])).toEqual(new Set(['']));
  });

  test('each operation is paired with the value it overwrites, read just before it (issue 13)', () => {
    const before = { note: 'first', items: [1, 2, 3] };
    const ops: Patch = [
      { op: 'replace', path: '/note', value: 'second' },
      { op: 'remove', path: '/items/0' },
      { op: 'replace', path: '/items/0', value: 20 },
      { op: 'add', path: '/extra', value: true },
    ];
    expect(withOldValues(before, ops)).toEqual([
      { op: ops[0], old: { value: 'first' } },
      { op: ops[1], old: { value: 1 } },
      // /items/0 after the remove is what was /items/1
      { op: ops[2], old: { value: 2 } },
      { op: ops[3] },
    ]);
    expect(withOldValues(before, ops, 1)).toHaveLength(1);
    expect(withOldValues(null, [{ op: 'replace', path: '', value: 1 }])).toEqual([
      { op: { op: 'replace', path: '', value: 1 }, old: { value: null } },
    ]);
    // a patch that does not apply to what is held: listed, without old values past the failure
    expect(
      withOldValues({}, [
        { op: 'remove', path: '/x' },
        { op: 'replace', path: '/y', value: 1 },
      ]).map((e) => e.old),
    ).toEqual([undefined, undefined]);
    expect(valueAt({ a: [{ 'b/c': 0 }] }, '/a/0/b~1c')).toEqual({ value: 0 });
    expect(valueAt({ a: [] }, '/a/01')).toBeUndefined();
    expect(valueAt({}, '/constructor')).toBeUndefined();
  });

  test('an operation reads on one line', () => {
    expect(formatOp({ op: 'replace', path: '/n', value: 1 })).toBe('replace /n 1');
    expect(formatOp({ op: 'remove', path: '' })).toBe('remove ""');
    expect(formatOp({ op: 'move', from: '/a', path: '/b' })).toBe('move /b from /a');
  });

  test('deep equality ignores key order and tells types apart', () => {
    expect(deepEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(deepEqual(0, false)).toBe(false);
    expect(deepEqual([], {})).toBe(false);
    expect(deepEqual({ a: undefined }, { b: undefined })).toBe(false);
  });
});

function peer(peerId: string, role: 'client' | 'server', local: unknown, remote: unknown): SyncPeerInfo {
  return { peerId, role, generation: 'seed', connected: true, local, remote, localRevision: 0, remoteRevision: 0 };
}

describe('divergence detection', () => {
  const inStep = [peer('studio-client', 'client', { a: 1 }, { s: 1 }), peer('server-1', 'server', { s: 1 }, { a: 1 })];
  const apart = [peer('studio-client', 'client', { a: 2 }, { s: 1 }), peer('server-1', 'server', { s: 1 }, { a: 1 })];

  test('copies in step raise nothing', () => {
    const d = trackDivergence([], inStep, 1000);
    expect(d).toHaveLength(2);
    expect(d.every((p) => !p.diverged && !p.alarm)).toBe(true);
  });

  test('a difference within the batching window is a change on its way, after it an alarm', () => {
    let d = trackDivergence([], apart, 1000);
    const pair = d.find((p) => p.diverged)!;
    expect(pair).toMatchObject({ owner: 'studio-client', mirror: 'server-1', since: 1000, alarm: false });
    d = trackDivergence(d, apart, 1000 + DIVERGENCE_WINDOW_MS);
    expect(d.find((p) => p.diverged)!.alarm).toBe(false);
    d = trackDivergence(d, apart, 1001 + DIVERGENCE_WINDOW_MS);
    expect(d.find((p) => p.diverged)).toMatchObject({ since: 1000, alarm: true });
  });

  test('once the copies agree again the alarm clears and a later difference starts a new window', () => {
    let d = trackDivergence([], apart, 0);
    d = trackDivergence(d, apart, 10_000);
    expect(d.some((p) => p.alarm)).toBe(true);
    d = trackDivergence(d, inStep, 10_001);
    expect(d.some((p) => p.diverged || p.alarm)).toBe(false);
    d = trackDivergence(d, apart, 20_000);
    expect(d.find((p) => p.diverged)).toMatchObject({ since: 20_000, alarm: false });
  });

  test('key order does not count as a difference; a disconnected peer is not compared', () => {
    const reordered = [peer('studio-client', 'client', { a: 1, b: 2 }, null), peer('server-1', 'server', null, { b: 2, a: 1 })];
    expect(trackDivergence([], reordered, 0).some((p) => p.diverged)).toBe(false);
    const gone = [peer('studio-client', 'client', { a: 2 }, null), { ...peer('server-1', 'server', null, null), connected: false }];
    expect(trackDivergence([], gone, 0)).toEqual([]);
  });
});

describe('sync store', () => {
  const hostStats: SyncHistoryStats = {
    maxChanges: 5000,
    maxBytes: 64 << 20,
    heldChanges: 4,
    heldBytes: 300,
    droppedChanges: 0,
    droppedBytes: 0,
    droppedPeers: 0,
  };
  const overviewOf = (peers: SyncPeerInfo[], history = hostStats): SyncOverview => ({
    peers: peers.map((p) => ({ peerId: p.peerId, role: p.role, connected: p.connected, pinned: p.pinned ?? p.role === 'client' })),
    history,
  });

  function fakeBridge() {
    const peers = [peer('studio-client', 'client', null, null), peer('server-1', 'server', { s: 1 }, null)];
    const listeners: Record<string, (payload: never) => void> = {};
    const calls: string[] = [];
    const bridge = {
      call: async (method: string, params?: { peerId: string; replica: string; data: unknown; pinned: boolean }) => {
        calls.push(method);
        if (method === 'sync.peers') return peers;
        if (method === 'sync.overview') return overviewOf(peers);
        if (method === 'sync.history') return params!.peerId === 'server-1' && params!.replica === 'local' ? history : [];
        if (method === 'sync.setLocal') return { ...peers[0], local: params!.data };
        if (method === 'sync.pin') {
          const p = peers.find((x) => x.peerId === params!.peerId)!;
          p.pinned = params!.pinned;
          return overviewOf(peers);
        }
        throw new Error(`unexpected ${method}`);
      },
      on: (e: string, l: (payload: never) => void) => {
        listeners[e] = l;
        return () => undefined;
      },
    } as unknown as BridgeLike;
    return {
      bridge,
      calls,
      peers,
      emit: (c: SyncChange) => listeners['sync.change']?.(c as never),
      overview: (o: SyncOverview) => listeners['sync.overview']?.(o as never),
    };
  }

  test('load reads the peers and every replica history, and opens on a history with changes (issue 13)', async () => {
    const { bridge } = fakeBridge();
    const store = createSyncStore(bridge, () => 0);
    await store.getState().load();
    expect(store.getState().peers).toHaveLength(2);
    expect(store.getState().histories[historyKey('server-1', 'local')]).toHaveLength(4);
    // the server side's remote copy has no change yet: its local data has four
    expect(store.getState().selected).toEqual({ peerId: 'server-1', replica: 'local' });
  });

  test('the server side remote copy is shown first once it has changes, until the user picks a history', async () => {
    const { bridge, emit } = fakeBridge();
    const store = createSyncStore(bridge, () => 0);
    store.getState().listen();
    await store.getState().load();
    const change = (peerId: string, replica: 'local' | 'remote', revision: number): SyncChange => ({
      peerId,
      replica,
      revision,
      patch: [{ op: 'replace', path: '', value: revision }],
      before: revision - 1,
      after: revision,
      at: revision,
    });
    emit(change('server-1', 'remote', 1));
    expect(store.getState().selected).toEqual({ peerId: 'server-1', replica: 'remote' });
    store.getState().select('studio-client', 'local');
    emit(change('server-1', 'remote', 2));
    expect(store.getState().selected).toEqual({ peerId: 'studio-client', replica: 'local' });
    await store.getState().load();
    expect(store.getState().selected).toEqual({ peerId: 'studio-client', replica: 'local' });
  });

  test('with no change anywhere the server side remote copy is the default; a replica with changes wins over it', () => {
    const peers = [peer('studio-client', 'client', null, null), peer('server-1', 'server', null, null)];
    expect(defaultSelection(peers, {})).toEqual({ peerId: 'server-1', replica: 'remote' });
    expect(defaultSelection(peers, { 'server-1/remote': [], 'studio-client/remote': history })).toEqual({
      peerId: 'studio-client',
      replica: 'remote',
    });
    expect(defaultSelection([], {})).toBeUndefined();
  });

  test('a sync.change updates the replica and appends to its history; divergence follows', async () => {
    let clock = 0;
    const { bridge, emit } = fakeBridge();
    const store = createSyncStore(bridge, () => clock);
    store.getState().listen();
    await store.getState().load();
    const c: SyncChange = {
      peerId: 'studio-client',
      replica: 'local',
      revision: 1,
      patch: [{ op: 'replace', path: '', value: { a: 1 } }],
      before: null,
      after: { a: 1 },
      at: 0,
    };
    emit(c);
    expect(store.getState().peers[0]!.local).toEqual({ a: 1 });
    expect(store.getState().peers[0]!.localRevision).toBe(1);
    expect(store.getState().histories[historyKey('studio-client', 'local')]).toEqual([c]);
    expect(store.getState().divergence.find((d) => d.owner === 'studio-client')).toMatchObject({ diverged: true, alarm: false });
    clock = 2000;
    store.getState().checkDivergence();
    expect(store.getState().divergence.find((d) => d.owner === 'studio-client')?.alarm).toBe(true);
    emit({ ...c, peerId: 'server-1', replica: 'remote' });
    expect(store.getState().divergence.find((d) => d.owner === 'studio-client')).toMatchObject({ diverged: false, alarm: false });
  });

  test('changes that arrive while the histories load are not lost', async () => {
    const { bridge, emit } = fakeBridge();
    const store = createSyncStore(bridge);
    store.getState().listen();
    const loading = store.getState().load();
    emit({ ...history[3]!, peerId: 'server-1', revision: 5 });
    await loading;
    expect(store.getState().histories[historyKey('server-1', 'local')]!.map((c) => c.revision)).toEqual([1, 2, 3, 4, 5]);
  });

  test('the held history stays within the view bound (count per replica and text), and what it let go is counted', async () => {
    const { bridge, emit } = fakeBridge();
    // each change below is charged about 2 × 1,020 + its patch: six of them pass 12,000
    const store = createSyncStore(bridge, () => 0, { maxChanges: 8, maxBytes: 12_000 });
    store.getState().listen();
    await store.getState().load();
    expect(store.getState().held).toMatchObject({ maxChanges: 8, maxBytes: 12_000, changes: 4, droppedChanges: 0 });
    expect(store.getState().hostHistory).toEqual(hostStats);
    const big = (i: number) => ({ n: i, pad: 'x'.repeat(1000) });
    for (let i = 1; i <= 30; i++) {
      emit({
        peerId: 'studio-client',
        replica: 'local',
        revision: i,
        patch: [{ op: 'replace', path: '/n', value: i }],
        before: big(i - 1),
        after: big(i),
        at: i,
      });
      const held = store.getState().held;
      expect(held.bytes).toBeLessThanOrEqual(12_000);
      expect(store.getState().histories[historyKey('studio-client', 'local')]!.length).toBeLessThanOrEqual(8);
    }
    const held = store.getState().held;
    const h = store.getState().histories[historyKey('studio-client', 'local')]!;
    expect(h.map((c) => c.revision)).toEqual([26, 27, 28, 29, 30]);
    // the small server-1 history (at 0..3) went first: it was the oldest
    expect(store.getState().histories[historyKey('server-1', 'local')]).toEqual([]);
    expect(held.changes).toBe(h.length);
    expect(held.droppedChanges).toBe(34 - h.length);
    expect(held.droppedBytes).toBeGreaterThan(0);
  });

  test('a peer the host forgot leaves the view with its history; a pinned closed one stays and shows as pinned', async () => {
    const { bridge, overview, peers } = fakeBridge();
    const store = createSyncStore(bridge, () => 0);
    store.getState().listen();
    await store.getState().load();
    const server2 = peer('server-2', 'server', null, { x: 1 });
    peers.push(server2);
    await store.getState().load();
    expect(store.getState().peers.map((p) => p.peerId)).toContain('server-2');
    expect(await store.getState().pin('server-2', true)).toBe(true);
    expect(store.getState().peers.find((p) => p.peerId === 'server-2')?.pinned).toBe(true);
    expect(store.getState().notice?.text).toMatch(/pinned/);
    // server-1 closes unpinned: the host forgets it; server-2 closes pinned: kept
    overview({
      peers: [
        { peerId: 'studio-client', role: 'client', connected: true, pinned: true },
        { peerId: 'server-2', role: 'server', connected: false, pinned: true },
      ],
      history: { ...hostStats, droppedPeers: 1 },
    });
    expect(store.getState().peers.map((p) => p.peerId)).toEqual(['studio-client', 'server-2']);
    expect(store.getState().peers[1]).toMatchObject({ connected: false, pinned: true });
    expect(store.getState().histories[historyKey('server-1', 'local')]).toBeUndefined();
    expect(store.getState().hostHistory?.droppedPeers).toBe(1);
    expect(store.getState().selected?.peerId).toBe('server-2');
    expect(store.getState().held.changes).toBe(0);
  });

  test('setLocal reports success; a failure is a notice, not a throw', async () => {
    const { bridge } = fakeBridge();
    const store = createSyncStore(bridge);
    await store.getState().load();
    expect(await store.getState().setLocal('studio-client', { x: 1 })).toBe(true);
    expect(store.getState().peers[0]!.local).toEqual({ x: 1 });
    expect(await store.getState().sendMessage('studio-client', 1)).toBe(false);
    expect(store.getState().notice?.error).toBe(true);
  });
});

describe('attached and proxied sync targets (issue 12, item 5)', () => {
  const proxied = (side: 'client' | 'server', connId: string, local: unknown, remote: unknown, connected = true): SyncPeerInfo => ({
    ...peer(`proxy-1-${connId}-${side}`, side, local, remote),
    connected,
    target: { targetId: 'proxy-1', kind: 'proxy', url: 'ws://h/ws', connId },
  });

  test("a proxied connection's two real ends are compared, also after it closed; the demo pair keeps its own pairing", () => {
    const peers = [
      peer('studio-client', 'client', { a: 1 }, { s: 1 }),
      peer('server-1', 'server', { s: 1 }, { a: 1 }),
      proxied('client', 'c1', { x: 2 }, null, false),
      proxied('server', 'c1', null, { x: 1 }, false),
      { ...peer('attach-2', 'client', null, { t: 1 }), target: { targetId: 'attach-2', kind: 'attach' as const, url: 'ws://a/ws' } },
    ];
    let d = trackDivergence([], peers, 0);
    d = trackDivergence(d, peers, DIVERGENCE_WINDOW_MS + 1);
    expect(d.map((p) => [p.owner, p.mirror, p.alarm])).toEqual([
      ['proxy-1-c1-server', 'proxy-1-c1-client', false],
      ['proxy-1-c1-client', 'proxy-1-c1-server', true],
      ['server-1', 'studio-client', false],
      ['studio-client', 'server-1', false],
    ]);
  });

  test('attach and detach go through the bridge; the targets follow sync.targets events; a failure is a notice', async () => {
    const target = {
      targetId: 'attach-1',
      kind: 'attach' as const,
      url: 'ws://h:1/ws',
      requested: 'detect' as const,
      generation: '0.7' as const,
      tries: [],
      connected: true,
      since: 0,
    };
    const listeners: Record<string, (payload: never) => void> = {};
    const bridge = {
      call: async (method: string, params?: { url?: string }) => {
        if (method === 'sync.attach') {
          if (params?.url === 'ws://bad/ws') throw new Error('no sync generation answered at ws://bad/ws');
          return target;
        }
        if (method === 'sync.detach') return [];
        if (method === 'sync.peers') return [];
        if (method === 'sync.overview') return { peers: [], history: {} };
        if (method === 'sync.targets') return [target];
        throw new Error(`unexpected ${method}`);
      },
      on: (e: string, l: (payload: never) => void) => {
        listeners[e] = l;
        return () => undefined;
      },
    } as unknown as BridgeLike;
    const store = createSyncStore(bridge, () => 0);
    store.getState().listen();
    expect(await store.getState().attach('ws://h:1/ws', 'detect')).toEqual(target);
    expect(store.getState().targets).toEqual([target]);
    expect(store.getState().notice?.text).toBe('attached ws://h:1/ws: generation 0.7 (detected), watching only');
    expect(await store.getState().attach('ws://bad/ws', 'detect')).toBeUndefined();
    expect(store.getState().notice).toEqual({ text: 'cannot attach ws://bad/ws: no sync generation answered at ws://bad/ws', error: true });
    expect(await store.getState().detach('attach-1')).toBe(true);
    expect(store.getState().targets).toEqual([]);
    listeners['sync.targets']?.([target] as never);
    expect(store.getState().targets).toEqual([target]);
  });

  test("the demo pair's server side is never a proxied connection's server end", () => {
    expect(serverPeer([peer('server-1', 'server', null, null), proxied('server', 'c1', null, null)])?.peerId).toBe('server-1');
  });
});
