// The reconnecting client: cycles through addresses, keeps its replicas (and revisions) across
// connections, resets the remote copy to null on close and re-sends seed local data on open.
import { afterEach, describe, expect, it } from 'vitest';
import type { ChangeEvent } from './replica';
import type { SeedPeer } from './seed-peer';
import { SyncClient } from './sync-client';
import { NodeWebSocket, nextConnection, until } from './test-support';
import { SyncServer } from './ws-server';

const servers: SyncServer[] = [];
const clients: SyncClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const DEAD = 'ws://127.0.0.1:9/ws';

describe('SyncClient', () => {
  it('seed: skips a dead address, re-sends local data on every connection, resets remote data on close', async () => {
    const server = await SyncServer.listen({ generation: 'seed', syncDelay: 0 });
    servers.push(server);
    let connP = nextConnection<SeedPeer>(server);
    const client = new SyncClient({
      generation: 'seed',
      addresses: [DEAD, server.url],
      retryDelay: 20,
      syncDelay: 0,
      WebSocket: NodeWebSocket,
    });
    clients.push(client);
    client.setLocalData({ mine: 1 }); // before any connection: kept and sent on open
    const changes: ChangeEvent[] = [];
    client.on('change', (e) => changes.push(e));
    let conn = await connP;
    await until(() => conn.remoteData !== null, 'local data at the server');
    expect(conn.remoteData).toEqual({ mine: 1 });
    conn.setLocalData({ theirs: true });
    await until(() => client.remoteData !== null, 'server data at the client');
    connP = nextConnection<SeedPeer>(server);
    conn.close();
    conn = await connP;
    await until(() => conn.remoteData !== null, 'local data re-sent');
    expect(conn.remoteData).toEqual({ mine: 1 });
    // revision 1: the server's data, 2: reset to null on close; never restarting at 1
    expect(changes.map((e) => [e.revision, e.after])).toEqual([
      [1, { theirs: true }],
      [2, null],
    ]);
  });

  it.each(['0.6', '0.7'] as const)(
    '%s: requests go through the current connection and it reconnects after a server restart',
    async (generation) => {
      const server = await SyncServer.listen({ generation, requestHandler: (_c, name) => `hi ${name}` });
      const port = server.port;
      servers.push(server);
      const client = new SyncClient({ generation, addresses: [server.url], retryDelay: 20, pingDelay: null, WebSocket: NodeWebSocket });
      clients.push(client);
      const connected: unknown[] = [];
      client.on('connected', (e) => connected.push(e));
      await until(() => connected.length === 1, 'connected');
      expect(await client.send('you')).toBe('hi you');
      await server.close();
      await expect(client.send('x')).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' });
      const again = await SyncServer.listen({ generation, port, requestHandler: (_c, name) => `again ${name}` });
      servers.push(again);
      await until(() => connected.length === 2, 'reconnected');
      expect(await client.send('you')).toBe('again you');
    },
  );
});
