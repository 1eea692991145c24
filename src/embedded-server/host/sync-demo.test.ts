// The Studio's sync pair keeps its history bounded (issue 11, item 6): real websockets to the host's
// sync server, many connections opened and closed, large DATA frames. The Studio client (studio-client)
// and its server side (server-1) are always there; the test's own connections come after.
import { afterEach, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { until } from '../sync/test-support';
import { SyncDemo } from './sync-demo';

let demo: SyncDemo | undefined;
afterEach(async () => {
  await demo?.close();
  demo = undefined;
});

async function openSocket(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

function data(value: unknown): string {
  return JSON.stringify({ type: 'DATA', payload: [{ op: 'replace', path: '', value }] });
}

function closeAll(sockets: WebSocket[]): Promise<unknown> {
  return Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.close();
        }),
    ),
  );
}

describe('the sync history held by the Studio host', () => {
  test('closed, unpinned server peers are forgotten with their history; a pinned one is kept until unpinned', async () => {
    demo = await SyncDemo.start({ syncDelay: 0 });
    const d = demo;
    await until(() => d.overview().peers.length === 2, 'the Studio pair', 10_000);
    const sockets: WebSocket[] = [];
    for (let i = 0; i < 10; i++) {
      const batch = await Promise.all(Array.from({ length: 20 }, () => openSocket(d.url)));
      for (const ws of batch) ws.send(data({ from: sockets.length, pad: 'x'.repeat(2000) }));
      sockets.push(...batch);
    }
    await until(() => d.overview().peers.length === 202, '200 server peers', 20_000);
    // every connection's DATA arrived (its remote replica changed once)
    const mine = () => d.overview().peers.filter((p) => p.peerId !== 'studio-client' && p.peerId !== 'server-1');
    await until(() => mine().every((p) => d.history(p.peerId, 'remote').length > 0), 'their DATA', 20_000);
    const heldOpen = d.overview().history.heldBytes;
    const pinnedId = 'server-7';
    expect(d.pin(pinnedId, true).peers.find((p) => p.peerId === pinnedId)).toMatchObject({ pinned: true });
    const pinnedHistory = d.history(pinnedId, 'remote');

    await closeAll(sockets);
    await until(() => d.overview().peers.length === 3, 'the closed peers to be forgotten', 20_000);
    const after = d.overview();
    expect(after.peers.map((p) => p.peerId).sort()).toEqual(['server-1', pinnedId, 'studio-client'].sort());
    expect(after.peers.find((p) => p.peerId === pinnedId)).toMatchObject({ connected: false, pinned: true });
    expect(after.history.droppedPeers).toBe(199);
    // what is held now: the Studio pair and the pinned peer, nothing of the 199 others
    const kept = ['studio-client', 'server-1', pinnedId].reduce((n, id) => n + d.historySize(id).bytes, 0);
    expect(after.history.heldBytes).toBe(kept);
    expect(after.history.heldBytes).toBeLessThan(heldOpen / 20);
    expect(d.history(pinnedId, 'remote')).toEqual(pinnedHistory);
    expect(() => d.history('server-8', 'remote')).toThrow(/does not exist/);

    // unpinning a closed peer forgets it at once
    expect(d.pin(pinnedId, false).peers.map((p) => p.peerId)).not.toContain(pinnedId);
    expect(d.overview().history.droppedPeers).toBe(200);
    expect(() => d.pin('studio-client', false)).toThrow(/always kept/);
  }, 60_000);

  test('large DATA frames on one connection are held only up to the byte bound, and nothing once it closes', async () => {
    const maxBytes = 4 << 20;
    demo = await SyncDemo.start({ syncDelay: 0, history: { maxBytes } });
    const d = demo;
    await until(() => d.overview().peers.length === 2, 'the Studio pair', 10_000);
    const ws = await openSocket(d.url);
    await until(() => d.overview().peers.length === 3, 'the new peer', 10_000);
    const peerId = d.overview().peers.at(-1)!.peerId;
    const frames = 24;
    for (let i = 0; i < frames; i++) {
      ws.send(data({ i, blob: String(i % 10).repeat(1 << 20) }));
      await until(() => d.peers().find((p) => p.peerId === peerId)!.remoteRevision === i + 1, `frame ${i}`, 20_000);
      expect(d.overview().history.heldBytes).toBeLessThanOrEqual(maxBytes);
    }
    const stats = d.overview().history;
    expect(stats.droppedChanges).toBeGreaterThanOrEqual(frames - 4);
    expect(stats.droppedBytes).toBeGreaterThan(20 << 20);
    const held = d.history(peerId, 'remote');
    expect(held.length).toBeGreaterThan(0);
    expect(held.at(-1)!.revision).toBe(frames);

    await closeAll([ws]);
    await until(() => !d.overview().peers.some((p) => p.peerId === peerId), 'the closed peer to be forgotten', 10_000);
    expect(d.historySize(peerId)).toEqual({ changes: 0, bytes: 0 });
    expect(d.overview().history.heldBytes).toBeLessThan(64 << 10);
  }, 60_000);

  test('a replica holds at most maxChanges changes, the oldest let go and counted', async () => {
    demo = await SyncDemo.start({ syncDelay: 0, history: { maxChanges: 10 } });
    const d = demo;
    await until(() => d.overview().peers.length === 2, 'the Studio pair', 10_000);
    const ws = await openSocket(d.url);
    await until(() => d.overview().peers.length === 3, 'the new peer', 10_000);
    const peerId = d.overview().peers.at(-1)!.peerId;
    for (let i = 1; i <= 25; i++) ws.send(data({ i }));
    await until(() => d.peers().find((p) => p.peerId === peerId)!.remoteRevision === 25, 'the 25 frames', 10_000);
    expect(d.history(peerId, 'remote').map((c) => c.revision)).toEqual([16, 17, 18, 19, 20, 21, 22, 23, 24, 25]);
    expect(d.overview().history).toMatchObject({ maxChanges: 10, droppedChanges: 15 });
    await closeAll([ws]);
  }, 30_000);
});
