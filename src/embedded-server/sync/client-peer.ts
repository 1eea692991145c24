// Generations 0.6/0.7, client end of one connection: sends requests, mirrors the server state, receives
// notifications. Keepalive: 0.6 pings with an empty-name request, 0.7 with a transport `2` frame.

import { cloneJson, type JsonValue } from '../../shared/json-patch/json-value';
import { connectionClosed, SyncError } from './errors';
import { type FrameSink, Peer, type PeerEvents, type PeerOptions } from './peer';
import { type ChangeEvent, Replica } from './replica';
import { decodeServerMessage, encodeMessage } from './request-codec';

export interface ClientPeerOptions extends PeerOptions {
  generation: '0.6' | '0.7';
  /** Ping after this many ms without a received frame; null disables. Default 5000 (JS client). */
  pingDelay?: number | null;
  /** Close when nothing arrives within this many ms of a ping. Default 5000. */
  pingTimeout?: number;
  /** Mirror to update (a reconnecting client keeps one across connections); default a new one. */
  state?: Replica;
}

export interface Notification {
  readonly name: string;
  readonly data: JsonValue;
}

export interface ClientPeerEvents extends PeerEvents {
  change: [ChangeEvent];
  notify: [Notification];
}

export class ClientPeer extends Peer<ClientPeerEvents> {
  readonly state: Replica;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: JsonValue) => void; reject: (e: SyncError) => void }>();
  private readonly unsubscribe: () => void;

  constructor(sink: FrameSink, options: ClientPeerOptions) {
    super(options.generation, sink, options);
    this.state = options.state ?? new Replica('state');
    this.unsubscribe = this.state.on('change', (e) => this.emit('change', e));
    const keepalive = { delay: options.pingDelay === undefined ? 5000 : options.pingDelay, timeout: options.pingTimeout ?? 5000 };
    this.startKeepalive(keepalive, () => {
      if (options.generation === '0.7') this.sendTransportPing();
      else this.request('', null).catch(() => {}); // any frame, the response included, proves liveness
    });
  }

  /**
   * Sends a request; resolves with the response data, rejects with REQUEST_FAILED (its `data` is the raw
   * data of the failed response) or CONNECTION_CLOSED.
   */
  send(name: string, data: unknown = null): Promise<JsonValue> {
    if (!this.isOpen) return Promise.reject(connectionClosed('send'));
    let payload: JsonValue;
    try {
      payload = cloneJson(data, `data of request ${name}`);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.request(name, payload);
  }

  private request(name: string, data: JsonValue): Promise<JsonValue> {
    const id = this.nextId++;
    this.sendMessage(encodeMessage({ type: 'request', id, name, data }), 'send');
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  protected handleMessage(text: string): void {
    const msg = decodeServerMessage(text, this.generation);
    switch (msg.type) {
      case 'state':
        this.state.apply(msg.diff, this.patchLimits);
        return;
      case 'notify':
        this.emit('notify', { name: msg.name, data: msg.data });
        return;
      case 'response': {
        // unknown or already answered ids are ignored (spec)
        const waiter = this.pending.get(msg.id);
        if (!waiter) return;
        this.pending.delete(msg.id);
        if (msg.success) waiter.resolve(msg.data);
        else
          waiter.reject(
            new SyncError('REQUEST_FAILED', `request failed: ${typeof msg.data === 'string' ? msg.data : JSON.stringify(msg.data)}`, {
              data: msg.data,
            }),
          );
      }
    }
  }

  protected onClosed(): void {
    this.unsubscribe();
    for (const waiter of this.pending.values()) waiter.reject(connectionClosed('request'));
    this.pending.clear();
  }
}
