// The real npm clients (@hat-open/juggler 0.5.7, 0.6.18, 0.7.0) through the sync proxy to real
// `juggler sync-server` processes: they work through it as they do directly, and the proxy's replicas
// of both ends follow (0.5.7's patches carry `test` operations; 0.7's messages come in segments).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, runCli } from '../../../test/cli-process';
import { type Any, loadNpmSyncClients, type NpmSyncClients } from '../../../test/npm-sync-clients';
import type { Generation } from '../sync/generation';
import { until } from '../sync/test-support';
import { SyncProxy } from './sync-proxy';

let npm: NpmSyncClients;
beforeAll(async () => {
  npm = await loadNpmSyncClients();
});
afterAll(() => npm?.dispose());

const procs: CliProcess[] = [];
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await Promise.all(procs.splice(0).map((p) => p.stop()));
});

async function proxied(generation: Generation): Promise<SyncProxy> {
  const proc = runCli(['sync-server', '--addr', '127.0.0.1:0', '--generation', generation, '--delay', '0', '--demo']);
  procs.push(proc);
  const [, url] = await proc.waitFor(/listening on (ws:\/\/\S+)/);
  const proxy = await SyncProxy.listen({ upstream: url! });
  cleanups.push(() => proxy.close());
  return proxy;
}

describe('npm clients through the sync proxy', () => {
  it('@hat-open/juggler 0.5.7 (seed): its local data, sent as patches with test operations, reaches the server; both ends decoded', async () => {
    const proxy = await proxied('seed');
    const client: Any = new npm.j05.Connection(proxy.url, 0);
    cleanups.push(() => client.close());
    await until(() => (client.remoteData as { tick?: number } | null)?.tick !== undefined, 'the demo data', 10_000);
    for (const v of [{ a: 1 }, { a: 2, list: [1, 2] }, { list: [2] }]) client.setLocalData(v);
    const conn = [...proxy.connections.values()][0]!;
    await until(() => JSON.stringify(conn.replicas.server.remote.value) === '{"list":[2]}', "the server's copy", 10_000);
    expect(conn.replicas.client.local.value).toEqual({ list: [2] });
    expect(conn.replicas.generation).toBe('seed');
    await until(() => JSON.stringify(conn.replicas.client.remote.value) === JSON.stringify(client.remoteData), "the client's copy");
    expect(proxy.decodeFailures).toBe(0);
  });

  for (const generation of ['0.6', '0.7'] as const) {
    it(`@hat-open/juggler ${generation === '0.6' ? '0.6.18' : '0.7.0'}: its state and requests work through the proxy; both ends decoded`, async () => {
      const proxy = await proxied(generation);
      const client: Any = new (generation === '0.6' ? npm.j06 : npm.j07).Connection(proxy.url);
      cleanups.push(() => client.close());
      await until(() => (client.state as { tick?: number } | null)?.tick !== undefined, 'the demo state', 10_000);
      expect(await client.send('share', { big: 'x'.repeat(200_000) })).toEqual({ name: 'share', data: { big: 'x'.repeat(200_000) } });
      await until(() => (client.state as { shared?: unknown }).shared !== undefined, 'the shared state');
      const conn = [...proxy.connections.values()][0]!;
      await until(() => JSON.stringify(conn.replicas.client.remote.value) === JSON.stringify(client.state), "the client's copy");
      expect(conn.replicas.server.local.value).toEqual(conn.replicas.client.remote.value);
      expect(conn.replicas.generation).toBe(generation);
      expect(proxy.decodeFailures).toBe(0);
    });
  }
});
