import { applyPatch, type Operation } from 'fast-json-patch';
import { describe, expect, test } from 'vitest';
import type { SyncChange, SyncPeerInfo } from '../../../../shared/bridge/contract';
import { DIVERGENCE_WINDOW_MS, trackDivergence } from './divergence';
import { parseJsonInput } from './json-input';
import { changedPaths, deepEqual, diffRevisions, diffValues, formatOp, replayTo, revisionsOf, stateAt } from './revisions';
import { createSyncStore, historyKey, type SyncBridge } from './sync-store';

/** A history made the way the host makes it: each change's before, patch and after. */
function historyOf(start: unknown, patches: Operation[][], firstRevision = 1): SyncChange[] {
  let doc = start;
  return patches.map((patch, i) => {
    const after = applyPatch(doc, patch, true, false).newDocument;
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
    expect(applyPatch(stateAt(history, 1), ops, true, false).newDocument).toEqual(stateAt(history, 4));
    expect(ops.length).toBeGreaterThan(0);
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
  function fakeBridge() {
    const peers = [peer('studio-client', 'client', null, null), peer('server-1', 'server', { s: 1 }, null)];
    let listener: ((c: SyncChange) => void) | undefined;
    const calls: string[] = [];
    const bridge = {
      call: async (method: string, params?: { peerId: string; replica: string; data: unknown }) => {
        calls.push(method);
        if (method === 'sync.peers') return peers;
        if (method === 'sync.history') return params!.peerId === 'server-1' && params!.replica === 'local' ? history : [];
        if (method === 'sync.setLocal') return { ...peers[0], local: params!.data };
        throw new Error(`unexpected ${method}`);
      },
      on: (_e: string, l: (c: SyncChange) => void) => {
        listener = l;
        return () => undefined;
      },
    } as unknown as SyncBridge;
    return { bridge, calls, emit: (c: SyncChange) => listener?.(c) };
  }

  test('load reads the peers and every replica history, and shows the server side remote copy first', async () => {
    const { bridge } = fakeBridge();
    const store = createSyncStore(bridge, () => 0);
    await store.getState().load();
    expect(store.getState().peers).toHaveLength(2);
    expect(store.getState().histories[historyKey('server-1', 'local')]).toHaveLength(4);
    expect(store.getState().selected).toEqual({ peerId: 'server-1', replica: 'remote' });
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

test('JSON input: a value, null included, or why not', () => {
  expect(parseJsonInput('null')).toEqual({ ok: true, value: null });
  expect(parseJsonInput('{"a":')).toMatchObject({ ok: false });
  expect(parseJsonInput('  ')).toMatchObject({ ok: false });
});
