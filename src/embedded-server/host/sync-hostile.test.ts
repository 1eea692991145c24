// The Studio's own sync server listens on loopback without a token: any local process can send it a
// frame. One DATA patch nested 5,000 deep (10 KB) used to make the host's trace throw RangeError and end
// the process, with its redis, juggler server and UI (issue 11, item 1). Driven through a real host
// behind the web-mode bridge, as the UI uses it.
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Harness, startHarness } from '../../../test/bridge-harness';
import { Opcode, RawWebSocket } from '../../../test/raw-ws';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await h.bridge.call('trace.setEnabled', { enabled: true });
}, 30_000);
afterAll(async () => {
  await h?.close();
});

test('a DATA patch nested 5,000 deep to the Studio sync server closes that connection with 1009; the host keeps answering', async () => {
  const url = new URL(h.host.sync.url);
  const attacker = await RawWebSocket.open(Number(url.port), url.pathname);
  const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
  attacker.send({ opcode: Opcode.text, payload: `{"type":"DATA","payload":[{"op":"replace","path":"","value":${deep}}]}` });
  expect(await attacker.ended).toEqual({ code: 1009, reason: expect.stringMatching(/^TOO_DEEP: /) });
  attacker.destroy();
  expect((await h.bridge.call('host.info')).mode).toBe('web');
  // the Studio's own pair still syncs
  const studio = (await h.bridge.call('sync.peers')).find((p) => p.role === 'client')!;
  await h.bridge.call('sync.setLocal', { peerId: studio.peerId, data: { after: 'the attack' } });
  const deadline = Date.now() + 10_000;
  let mirrored = false;
  while (!mirrored && Date.now() < deadline) {
    const peers = await h.bridge.call('sync.peers');
    mirrored = peers.some((p) => p.role === 'server' && p.connected && JSON.stringify(p.remote) === '{"after":"the attack"}');
    if (!mirrored) await new Promise((r) => setTimeout(r, 50));
  }
  expect(mirrored).toBe(true);
}, 30_000);
