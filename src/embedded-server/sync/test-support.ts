// Helpers shared by the sync tests: real servers on port 0 and real `ws` clients, no socket mocks.
import { WebSocket } from 'ws';
import type { ClientPeer } from './client-peer';
import type { SeedPeer } from './seed-peer';
import { type ClientConnectOptions, connectClient, connectSeed, type SeedConnectOptions, type WebSocketConstructor } from './ws-client';
import type { ServerConnection, SyncServer } from './ws-server';

export const NodeWebSocket = WebSocket as unknown as WebSocketConstructor;

/** Polls `check` until it returns true; fails after `timeout` ms with `what`. */
export async function until(check: () => boolean, what = 'condition', timeout = 5000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function seedClient(server: SyncServer, options: SeedConnectOptions = {}): Promise<SeedPeer> {
  return connectSeed(server.url, { WebSocket: NodeWebSocket, ...options });
}

export function requestClient(
  server: SyncServer,
  options: Omit<ClientConnectOptions, 'generation'> & { generation?: '0.6' | '0.7' } = {},
): Promise<ClientPeer> {
  return connectClient(server.url, {
    WebSocket: NodeWebSocket,
    generation: server.generation as '0.6' | '0.7',
    pingDelay: null,
    ...options,
  });
}

/** The server side of the next connection. */
export function nextConnection<T extends ServerConnection = ServerConnection>(server: SyncServer): Promise<T> {
  return new Promise((resolve) => {
    const off = server.on('connection', (c) => {
      off();
      resolve(c as T);
    });
  });
}

/** A raw `ws` socket that records what it receives, for frame-level tests. */
export async function rawSocket(
  url: string,
): Promise<{ ws: WebSocket; frames: string[]; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(url);
  const frames: string[] = [];
  ws.on('message', (data) => frames.push(data.toString()));
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, closed };
}
