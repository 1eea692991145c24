// Generations 0.6/0.7, server end of one connection: answers requests, sends the server state as `state`
// patches through the batching window, and sends notifications. The state may be shared with other
// connections (one Replica for the whole server) or be this connection's own.

import { cloneJson, type JsonValue } from '../../shared/json-patch/json-value';
import { Batcher, type SyncDelay } from './batcher';
import { connectionClosed } from './errors';
import { type FrameSink, Peer, type PeerOptions } from './peer';
import { Replica } from './replica';
import { decodeClientMessage, encodeMessage, type RequestMessage } from './request-codec';

/**
 * Answers a request: the returned value (or promise) is sent with success true, a thrown error's message
 * with success false.
 */
export type RequestHandler = (connection: ServerPeer, name: string, data: JsonValue) => unknown;

export interface ServerPeerOptions extends PeerOptions {
  generation: '0.6' | '0.7';
  /** Batching window for state changes in ms; 0 sends each change; null only on flush(). Default 200. */
  syncDelay?: SyncDelay;
  /** The state this connection sends; default: a state of its own. */
  state?: Replica;
  requestHandler?: RequestHandler;
  /** 0.7 transport ping after this many ms without a frame; null disables. Default 30,000 (Python peers). */
  pingDelay?: number | null;
  /** 0.7: close when nothing arrives within this many ms of a ping. Default 30,000. */
  pingTimeout?: number;
  /** Where the connection comes from (honouring Forwarded / X-Forwarded-For), for handlers and logs. */
  remoteAddress?: string;
}

export class ServerPeer extends Peer {
  readonly state: Replica;
  readonly remoteAddress: string | undefined;
  private readonly batcher: Batcher;
  private readonly unsubscribe: () => void;
  private readonly requestHandler: RequestHandler | undefined;

  constructor(sink: FrameSink, options: ServerPeerOptions) {
    super(options.generation, sink, options);
    this.remoteAddress = options.remoteAddress;
    this.requestHandler = options.requestHandler;
    this.state = options.state ?? new Replica('state');
    this.batcher = new Batcher(options.syncDelay === undefined ? 200 : options.syncDelay, (diff) =>
      this.sendMessage(encodeMessage({ type: 'state', diff }), 'sending state'),
    );
    this.unsubscribe = this.state.on('change', (e) => this.batcher.set(e.after));
    // The first state message carries a non-null current state at once, as `replace ""`.
    if (this.state.value !== null) {
      this.batcher.set(this.state.value);
      this.batcher.flush();
    }
    if (options.generation === '0.7') {
      this.startKeepalive(
        { delay: options.pingDelay === undefined ? 30_000 : options.pingDelay, timeout: options.pingTimeout ?? 30_000 },
        () => this.sendTransportPing(),
      );
    }
  }

  /** Sets the state (shared: for every connection of the server) ; sent after the batching window. */
  setState(value: unknown): void {
    if (!this.isOpen) throw connectionClosed('setState');
    this.state.set(value);
  }

  /** Sends the pending state change now: call before notify() to keep the change ahead of it. */
  async flush(): Promise<void> {
    if (!this.isOpen) throw connectionClosed('flush');
    this.batcher.flush();
  }

  notify(name: string, data: unknown): void {
    if (!this.isOpen) throw connectionClosed('notify');
    this.sendMessage(encodeMessage({ type: 'notify', name, data: cloneJson(data, `notify ${name}`) }), 'notify');
  }

  protected handleMessage(text: string): void {
    const req = decodeClientMessage(text, this.generation);
    // An empty name is a ping: echoed at once, no handler sees it.
    if (req.name === '') {
      this.respond(req, true, req.data);
      return;
    }
    // Handlers run concurrently and answer as they finish: reading frames and answering pings goes on.
    void this.runHandler(req);
  }

  private async runHandler(req: RequestMessage): Promise<void> {
    if (!this.requestHandler) return this.respond(req, false, 'request handler not implemented');
    let result: JsonValue;
    try {
      result = cloneJson(await this.requestHandler(this, req.name, req.data), `result of request ${req.name}`);
    } catch (err) {
      return this.respond(req, false, err instanceof Error ? err.message : String(err));
    }
    this.respond(req, true, result);
  }

  private respond(req: RequestMessage, success: boolean, data: JsonValue): void {
    if (!this.isOpen) return; // closed while the handler ran: the client already failed its promise
    this.sendMessage(encodeMessage({ type: 'response', id: req.id, success, data }), 'response');
  }

  protected onClosed(): void {
    this.unsubscribe();
    this.batcher.stop();
  }
}
