// Generation seed: symmetric peers, each with local data (writable, sent as DATA patches after the
// batching window) and remote data (the mirror of the other side's local data), plus MESSAGE, PING/PONG
// and the optional rpc-in-MESSAGE layer. Used on both ends of a connection.

import { cloneJson, type JsonValue } from '../../shared/json-patch/json-value';
import { Batcher, type SyncDelay } from './batcher';
import { connectionClosed, SyncError } from './errors';
import { type FrameSink, Peer, type PeerEvents, type PeerOptions } from './peer';
import { type ChangeEvent, Replica } from './replica';
import { isRpcPayload, RpcLayer, type RpcOptions } from './rpc';
import { decodeSeed, encodeSeed } from './seed-codec';

export interface SeedPeerOptions extends PeerOptions {
  /** Batching window for local changes in ms; 0 sends each change; null only on flush(). Default 100. */
  syncDelay?: SyncDelay;
  /** Send PING after this many ms without a received frame. Default null: 0.5.7 peers close on PING. */
  pingDelay?: number | null;
  /** Close when nothing arrives within this many ms of a PING. Default 5000. */
  pingTimeout?: number;
  /** Enables the rpc-over-MESSAGE layer (off by default: then rpc MESSAGEs are regular messages). */
  rpc?: RpcOptions;
  /** Mirror of the remote data to update (a reconnecting client keeps one); default a new one. */
  remote?: Replica;
}

export interface SeedPeerEvents extends PeerEvents {
  /** One per received DATA. */
  remoteChange: [ChangeEvent];
  /** One per setLocalData that changed the value. */
  localChange: [ChangeEvent];
  /** A MESSAGE payload (not an rpc one when rpc is enabled). */
  message: [JsonValue];
}

export class SeedPeer extends Peer<SeedPeerEvents> {
  readonly local = new Replica('local data');
  readonly remote: Replica;
  private readonly batcher: Batcher;
  private readonly rpcLayer: RpcLayer | undefined;
  private readonly unsubscribe: () => void;

  constructor(sink: FrameSink, options: SeedPeerOptions = {}) {
    super('seed', sink, options);
    this.remote = options.remote ?? new Replica('remote data');
    this.batcher = new Batcher(options.syncDelay === undefined ? 100 : options.syncDelay, (patch) =>
      this.sendMessage(encodeSeed({ type: 'DATA', payload: patch }), 'sending local data'),
    );
    if (options.rpc) this.rpcLayer = new RpcLayer(options.rpc, (payload) => this.send(payload));
    this.local.on('change', (e) => this.emit('localChange', e));
    this.unsubscribe = this.remote.on('change', (e) => this.emit('remoteChange', e));
    this.startKeepalive({ delay: options.pingDelay ?? null, timeout: options.pingTimeout ?? 5000 }, () =>
      this.sendMessage(encodeSeed({ type: 'PING', payload: {} }), 'ping'),
    );
  }

  get localData(): JsonValue {
    return this.local.value;
  }

  get remoteData(): JsonValue {
    return this.remote.value;
  }

  /** Sets local data (deep-copied and checked); it reaches the other side after the batching window. */
  setLocalData(value: unknown): void {
    if (!this.isOpen) throw connectionClosed('setLocalData');
    this.local.set(value);
    this.batcher.set(this.local.value);
  }

  /** Sends pending local changes now; resolves once handed to the socket. */
  async flush(): Promise<void> {
    if (!this.isOpen) throw connectionClosed('flush');
    this.batcher.flush();
  }

  /** Sends a MESSAGE at once (ahead of pending DATA: flush first to keep the order). */
  send(message: unknown): void {
    if (!this.isOpen) throw connectionClosed('send');
    this.sendMessage(encodeSeed({ type: 'MESSAGE', payload: cloneJson(message, 'message') }), 'send');
  }

  /** Calls `action` over the rpc layer; needs the `rpc` option. */
  call(action: string, ...args: unknown[]): Promise<JsonValue> {
    if (!this.rpcLayer) return Promise.reject(new SyncError('RPC_DISABLED', 'rpc is off on this peer: pass the rpc option to enable it'));
    if (!this.isOpen) return Promise.reject(connectionClosed('rpc call'));
    return this.rpcLayer.call(action, args);
  }

  protected handleMessage(text: string): void {
    const msg = decodeSeed(text);
    switch (msg.type) {
      case 'DATA':
        this.remote.apply(msg.payload, this.patchLimits);
        return;
      case 'MESSAGE':
        if (this.rpcLayer && isRpcPayload(msg.payload)) this.rpcLayer.handle(msg.payload);
        else this.emit('message', msg.payload);
        return;
      case 'PING':
        this.sendMessage(encodeSeed({ type: 'PONG', payload: {} }), 'pong');
        return;
      case 'PONG':
        return;
    }
  }

  protected onClosed(): void {
    this.unsubscribe();
    this.batcher.stop();
    this.rpcLayer?.closed();
  }
}
