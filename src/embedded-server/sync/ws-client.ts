// The websocket binding, client side, for Node and browsers: no node:* imports. Takes any WebSocket-like
// constructor (the browser's, or `ws`'s in Node) and turns one socket into one peer.

import { CloseCode } from '../../shared/close-code';
import type { WebSocketLike } from '../../shared/websocket-like';
import { ClientPeer, type ClientPeerOptions } from './client-peer';
import { SyncError } from './errors';
import type { FrameSink, Peer } from './peer';
import { SeedPeer, type SeedPeerOptions } from './seed-peer';

export type { WebSocketLike };

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface SocketOptions {
  /** The WebSocket class; default `globalThis.WebSocket` (browsers, Node 22). In Node 20 pass `ws`'s. */
  WebSocket?: WebSocketConstructor;
  /** Or a factory, for what a constructor with only a URL cannot say (TLS CA, headers...). */
  createWebSocket?: (url: string) => WebSocketLike;
}

export type SeedConnectOptions = SeedPeerOptions & SocketOptions;
export type ClientConnectOptions = ClientPeerOptions & SocketOptions;

/** Opens a seed connection; resolves with the peer once the socket is open. */
export function connectSeed(address: string, options: SeedConnectOptions = {}): Promise<SeedPeer> {
  return open(address, options, (sink) => new SeedPeer(sink, options));
}

/** Opens a 0.6/0.7 client connection; resolves with the peer once the socket is open. */
export function connectClient(address: string, options: ClientConnectOptions): Promise<ClientPeer> {
  return open(address, options, (sink) => new ClientPeer(sink, options));
}

function open<P extends Pick<Peer, 'receive' | 'transportClosed'>>(
  address: string,
  options: SocketOptions,
  makePeer: (sink: FrameSink) => P,
): Promise<P> {
  return new Promise((resolve, reject) => {
    let ws: WebSocketLike;
    try {
      ws = createSocket(address, options);
    } catch (err) {
      return reject(new SyncError('CONNECT_FAILED', `cannot connect to ${address}: ${(err as Error).message}`, { cause: err }));
    }
    ws.binaryType = 'arraybuffer';
    let peer: P | undefined;
    let error = '';
    ws.onerror = (event) => {
      // ws gives an ErrorEvent with a message; the DOM gives a bare Event
      error = (event as { message?: string }).message ?? 'websocket error';
    };
    ws.onopen = () => {
      peer = makePeer({
        send: (frame) => ws.send(frame),
        close: (code, reason) => ws.close(code, reason),
      });
      resolve(peer);
    };
    ws.onmessage = (event) => peer?.receive(event.data as string, typeof event.data !== 'string');
    ws.onclose = (event) => {
      if (peer) return peer.transportClosed(event.code ?? CloseCode.normal, event.reason ?? '');
      reject(
        new SyncError(
          'CONNECT_FAILED',
          `cannot connect to ${address}${error ? `: ${error}` : ''} (check the address, path and credentials)`,
        ),
      );
    };
  });
}

function createSocket(address: string, options: SocketOptions): WebSocketLike {
  if (options.createWebSocket) return options.createWebSocket(address);
  const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!Ctor) {
    throw new SyncError('INVALID_OPTION', 'no WebSocket class: pass options.WebSocket (in Node 20: `import { WebSocket } from "ws"`)');
  }
  return new Ctor(address);
}
