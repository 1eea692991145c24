// A client that stays connected: it cycles through a list of addresses, one connection each, waits
// `retryDelay` after the last and starts over (like the JS `Application`). Its replicas outlive the
// connections, so revisions keep growing; the remote one goes back to null on every close (spec).
// Browser-safe: no node:* imports.

import { Emitter } from '../../shared/emitter';
import type { JsonValue } from '../../shared/json-patch/json-value';
import type { SyncDelay } from './batcher';
import type { ClientPeer, Notification } from './client-peer';
import { connectionClosed } from './errors';
import type { Generation } from './generation';
import type { CloseEvent } from './peer';
import { type ChangeEvent, Replica } from './replica';
import type { RpcOptions } from './rpc';
import type { SeedPeer } from './seed-peer';
import { connectClient, connectSeed, type SocketOptions } from './ws-client';

export interface SyncClientOptions extends SocketOptions {
  generation: Generation;
  /** Addresses tried in order, e.g. ['ws://127.0.0.1:9200/ws']. */
  addresses: string[];
  /** ms to wait after the last address failed or closed; null: stop. Default 5000. */
  retryDelay?: number | null;
  /** seed: batching window for local data. Default 100. */
  syncDelay?: SyncDelay;
  /** Keepalive ping delay; null disables. Default: seed off, 0.6/0.7 5000. */
  pingDelay?: number | null;
  pingTimeout?: number;
  maxSegmentSize?: number;
  /** seed: the rpc-over-MESSAGE layer. */
  rpc?: RpcOptions;
}

export interface SyncClientEvents {
  [name: string]: unknown[];
  connected: [{ address: string }];
  disconnected: [{ address: string } & CloseEvent];
  /** The remote data (seed) or the server state (0.6/0.7) changed; also its reset to null on close. */
  change: [ChangeEvent];
  /** The local data changed (seed). */
  localChange: [ChangeEvent];
  notify: [Notification];
  message: [JsonValue];
}

export class SyncClient extends Emitter<SyncClientEvents> {
  readonly remote = new Replica('remote data');
  readonly local = new Replica('local data');
  private current: SeedPeer | ClientPeer | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: SyncClientOptions) {
    super();
    this.remote.on('change', (e) => this.emit('change', e));
    this.local.on('change', (e) => this.emit('localChange', e));
    void this.loop();
  }

  get peer(): SeedPeer | ClientPeer | undefined {
    return this.current?.isOpen ? this.current : undefined;
  }

  get remoteData(): JsonValue {
    return this.remote.value;
  }

  get localData(): JsonValue {
    return this.local.value;
  }

  /** seed: sets local data; sent now if connected, else on the next connection. */
  setLocalData(value: unknown): void {
    this.local.set(value);
    const peer = this.peer;
    if (peer && 'setLocalData' in peer) peer.setLocalData(this.local.value);
  }

  /** seed: a MESSAGE; 0.6/0.7: a request `name` with `data`. Fails with CONNECTION_CLOSED when not connected. */
  send(nameOrMessage: unknown, data?: unknown): Promise<JsonValue> {
    const peer = this.peer;
    if (!peer) return Promise.reject(connectionClosed('send'));
    if ('setLocalData' in peer) {
      peer.send(nameOrMessage);
      return Promise.resolve(null);
    }
    return peer.send(String(nameOrMessage), data ?? null);
  }

  async flush(): Promise<void> {
    const peer = this.peer;
    if (!peer || !('setLocalData' in peer)) throw connectionClosed('flush');
    await peer.flush();
  }

  /** Closes the current connection; the client tries the next address at once. */
  disconnect(): void {
    this.current?.close();
  }

  /** Stops reconnecting and closes the current connection. */
  close(): void {
    this.stopped = true;
    this.current?.close();
    this.wake?.();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      for (const address of this.options.addresses) {
        if (this.stopped) return;
        const peer = await this.connect(address).catch(() => undefined);
        if (!peer) continue;
        if (this.stopped) {
          peer.close();
          return;
        }
        this.current = peer;
        const closed = new Promise<CloseEvent>((resolve) => peer.on('close', resolve));
        this.emit('connected', { address });
        if ('setLocalData' in peer && this.local.value !== null) peer.setLocalData(this.local.value);
        const event = await closed;
        this.current = undefined;
        this.remote.reset();
        this.emit('disconnected', { address, ...event });
      }
      const delay = this.options.retryDelay === undefined ? 5000 : this.options.retryDelay;
      if (delay === null || this.stopped) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private connect(address: string): Promise<SeedPeer | ClientPeer> {
    const o = this.options;
    const socket = { WebSocket: o.WebSocket, createWebSocket: o.createWebSocket };
    if (o.generation === 'seed') {
      return connectSeed(address, {
        ...socket,
        syncDelay: o.syncDelay,
        pingDelay: o.pingDelay,
        pingTimeout: o.pingTimeout,
        rpc: o.rpc,
        remote: this.remote,
      }).then((p) => {
        p.on('message', (m) => this.emit('message', m));
        return p;
      });
    }
    return connectClient(address, {
      ...socket,
      generation: o.generation,
      pingDelay: o.pingDelay,
      pingTimeout: o.pingTimeout,
      maxSegmentSize: o.maxSegmentSize,
      state: this.remote,
    }).then((p) => {
      p.on('notify', (n) => this.emit('notify', n));
      return p;
    });
  }
}
