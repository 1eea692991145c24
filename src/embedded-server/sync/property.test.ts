// Property: whatever random sequence of local edits one peer makes, once the batching window has passed
// the other peer's copy deep-equals the sender's, in every generation. Seeded, so a failure replays.
import { afterEach, describe, expect, it } from 'vitest';
import type { JsonValue } from '../../shared/json-patch/json-value';
import { jsonEqual } from '../../shared/json-patch/json-value';
import { SeededRandom } from '../../shared/json-patch/seeded-random';
import type { ClientPeer } from './client-peer';
import type { SeedPeer } from './seed-peer';
import { nextConnection, requestClient, seedClient, sleep, until } from './test-support';
import { SyncServer } from './ws-server';

const servers: SyncServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const SEEDS = [1, 2, 3, 4, 5];
const DELAY = 3;

describe('random local edits converge after the batching window', () => {
  it.each(SEEDS)('seed generation, both directions (seed %i)', async (seed) => {
    const rnd = new SeededRandom(seed);
    const server = await SyncServer.listen({ generation: 'seed', syncDelay: DELAY });
    servers.push(server);
    const srvP = nextConnection<SeedPeer>(server);
    const cli = await seedClient(server, { syncDelay: DELAY });
    const srv = await srvP;
    let a: JsonValue = null;
    let b: JsonValue = null;
    for (let round = 0; round < 15; round++) {
      for (let i = rnd.int(8); i > 0; i--) {
        a = rnd.edit(a);
        cli.setLocalData(a);
        b = rnd.edit(b);
        srv.setLocalData(b);
        if (rnd.int(3) === 0) await sleep(rnd.int(DELAY + 2));
      }
      await until(
        () => jsonEqual(srv.remoteData, cli.localData) && jsonEqual(cli.remoteData, srv.localData),
        `convergence in round ${round} (seed ${seed})`,
      );
      expect(srv.remoteData).toEqual(a);
      expect(cli.remoteData).toEqual(b);
    }
  });

  for (const generation of ['0.6', '0.7'] as const) {
    it.each(SEEDS)(`${generation}: server state to every client (seed %i)`, async (seed) => {
      const rnd = new SeededRandom(seed);
      const server = await SyncServer.listen({ generation, syncDelay: DELAY, maxSegmentSize: 16 });
      servers.push(server);
      const clients: ClientPeer[] = await Promise.all([requestClient(server), requestClient(server)]);
      await until(() => server.connections.size === 2, 'connections');
      let state: JsonValue = null;
      for (let round = 0; round < 15; round++) {
        for (let i = rnd.int(8); i > 0; i--) {
          state = rnd.edit(state);
          server.setState(state);
          if (rnd.int(3) === 0) await sleep(rnd.int(DELAY + 2));
        }
        await until(
          () => clients.every((c) => jsonEqual(c.state.value, server.state.value)),
          `convergence in round ${round} (seed ${seed})`,
        );
        for (const c of clients) expect(c.state.value).toEqual(state);
      }
    });
  }
});
