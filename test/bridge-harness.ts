// A real Studio host behind the web-mode bridge, and a typed bridge client on a real websocket: the
// contract tests drive the host exactly as the UI does.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { StudioHost, type StudioHostOptions } from '../src/embedded-server/host/studio-host';
import { BridgeClient, type FrameTransport } from '../src/shared/bridge/client';
import type { BridgeFrame } from '../src/shared/bridge/frame';
import { WebHost } from '../src/web/web-host';

export interface Harness {
  host: StudioHost;
  web: WebHost;
  bridge: BridgeClient;
  ws: WebSocket;
  dataDir: string;
  close(): Promise<void>;
}

export function openBridgeSocket(web: WebHost, o: { token?: string; origin?: string } = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${web.origin.replace('http', 'ws')}/bridge?token=${o.token ?? web.token}`, {
      origin: o.origin ?? web.origin,
    });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    ws.once('error', reject);
  });
}

export function wsTransport(ws: WebSocket): FrameTransport {
  return {
    send: (f: BridgeFrame) => ws.send(JSON.stringify(f)),
    onFrame: (cb) => {
      const l = (data: WebSocket.RawData) => cb(JSON.parse(data.toString()) as BridgeFrame);
      ws.on('message', l);
      return () => ws.off('message', l);
    },
  };
}

export async function startHarness(o: StudioHostOptions = {}): Promise<Harness> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'studio-data-'));
  const rendererDir = mkdtempSync(join(tmpdir(), 'studio-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Juggler Studio</title><div id="root"></div>');
  const host = await StudioHost.start({ mode: 'web', dataDir, userCalleeLimits: { maxCallMs: 1000 }, ...o });
  const web = await WebHost.start({ dispatcher: host.dispatcher, rendererDir });
  const ws = await openBridgeSocket(web);
  const bridge = new BridgeClient(wsTransport(ws), 20_000);
  return {
    host,
    web,
    bridge,
    ws,
    dataDir,
    async close() {
      bridge.close();
      ws.close();
      await web.close();
      await host.close();
    },
  };
}
