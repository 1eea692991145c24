// A second bridge connection to the Studio under test, with the page's own token and origin (as
// test/bridge-harness.ts does for the contract tests): specs use it to set the scene (stop a callee,
// send a call) while the page shows what happens.
import WebSocket from 'ws';
import { BridgeClient, type FrameTransport } from '../src/shared/bridge/client';
import type { BridgeFrame } from '../src/shared/bridge/frame';

export interface PageBridge {
  client: BridgeClient;
  close(): void;
}

export async function openPageBridge(pageUrl: string): Promise<PageBridge> {
  const u = new URL(pageUrl);
  const ws = await new Promise<WebSocket>((resolve, reject) => {
    const sock = new WebSocket(`ws://${u.host}/bridge?token=${u.searchParams.get('token') ?? ''}`, { origin: u.origin });
    sock.once('open', () => resolve(sock));
    sock.once('unexpected-response', (_req, res) => reject(new Error(`the bridge refused the connection: HTTP ${res.statusCode}`)));
    sock.once('error', reject);
  });
  const transport: FrameTransport = {
    send: (f: BridgeFrame) => ws.send(JSON.stringify(f)),
    onFrame: (cb) => {
      const l = (data: WebSocket.RawData) => cb(JSON.parse(data.toString()) as BridgeFrame);
      ws.on('message', l);
      return () => ws.off('message', l);
    },
  };
  // calls the spec leaves running (a long CALL) must not time out the client on their own
  const client = new BridgeClient(transport, 0);
  return {
    client,
    close: () => {
      client.close();
      ws.close();
    },
  };
}
