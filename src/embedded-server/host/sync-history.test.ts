// The bounds of the host's sync history, as pure logic (sync-demo.test.ts drives them over websockets).
import { describe, expect, test } from 'vitest';
import type { SyncChange } from '../../shared/bridge/contract';
import { DEFAULT_SYNC_HISTORY_LIMITS, SyncHistory } from './sync-history';

const change = (
  peerId: string,
  replica: 'local' | 'remote',
  revision: number,
  text: string,
): SyncChange & { replica: 'local' | 'remote' } => ({
  peerId,
  replica,
  revision,
  patch: [{ op: 'replace', path: '', value: text }],
  before: null,
  after: text,
  at: revision,
});
// the patch's JSON text: [{"op":"replace","path":"","value":"…"}] is 38 + the text's length
const cost = (text: string) => JSON.stringify(change('p', 'local', 1, text).patch).length;

describe('SyncHistory', () => {
  test('the defaults are documented ones: 5,000 changes per replica, 64 Mi of patch text', () => {
    expect(new SyncHistory().limits).toEqual(DEFAULT_SYNC_HISTORY_LIMITS);
    expect(DEFAULT_SYNC_HISTORY_LIMITS).toEqual({ maxChanges: 5000, maxBytes: 64 << 20 });
  });

  test('past the byte bound the oldest change of any peer goes first, and is counted', () => {
    const t = 'x'.repeat(100);
    const h = new SyncHistory({ maxBytes: cost(t) * 3 });
    h.add(change('a', 'local', 1, t));
    h.add(change('b', 'remote', 1, t));
    h.add(change('a', 'remote', 1, t));
    expect(h.stats()).toMatchObject({ heldChanges: 3, heldBytes: cost(t) * 3, droppedChanges: 0 });
    h.add(change('b', 'remote', 2, t));
    expect(h.list('a', 'local')).toEqual([]);
    expect(h.list('b', 'remote').map((c) => c.revision)).toEqual([1, 2]);
    h.add(change('a', 'remote', 2, t));
    expect(h.list('b', 'remote').map((c) => c.revision)).toEqual([2]);
    expect(h.stats()).toMatchObject({ heldChanges: 3, droppedChanges: 2, droppedBytes: cost(t) * 2 });
  });

  test('a change bigger than the whole bound is not held, only counted', () => {
    const h = new SyncHistory({ maxBytes: 50 });
    h.add(change('a', 'local', 1, 'y'.repeat(1000)));
    expect(h.stats()).toMatchObject({ heldChanges: 0, heldBytes: 0, droppedChanges: 1, droppedBytes: cost('y'.repeat(1000)) });
  });

  test('forgetting a peer gives back all it held and counts the peer, not its changes', () => {
    const h = new SyncHistory({ maxChanges: 2 });
    for (let r = 1; r <= 3; r++) h.add(change('a', 'local', r, 'z'));
    h.add(change('b', 'local', 1, 'z'));
    expect(h.peerSize('a')).toEqual({ changes: 2, bytes: cost('z') * 2 });
    h.forget('a');
    expect(h.peerSize('a')).toEqual({ changes: 0, bytes: 0 });
    expect(h.stats()).toMatchObject({ heldChanges: 1, heldBytes: cost('z'), droppedChanges: 1, droppedPeers: 1 });
    expect(h.list('b', 'local', 2)).toEqual([]);
  });
});
