// The Studio's data-sync pair: a sync server (seed generation: symmetric DATA/MESSAGE peers) and a
// Studio client connected to it, so that the Sync view has two replicas to edit and compare. Other
// peers (a user's app) may connect to the same server and show up too. Every change is kept, with its
// patch and the data before and after, so the UI can scrub through revisions.
import { WebSocket } from 'ws';
import type { SyncChange, SyncPeerInfo } from '../../shared/bridge/contract';
import { BridgeError, BridgeErrorCode } from '../../shared/bridge/errors';
import { SyncClient } from '../sync/reconnecting-client';
import type { ChangeEvent } from '../sync/replica';
import type { SeedPeer } from '../sync/seed-peer';
import { SyncServer } from '../sync/ws-server';

/** Changes kept per replica of each peer. */
const HISTORY_LIMIT = 5000;

export const sampleDocument = {
  todos: [
    { id: 1, title: 'call test.echo from the playground', done: false },
    { id: 2, title: 'watch the CALL chain in the trace', done: false },
  ],
  settings: { theme: 'dark', batchingMs: 100 },
};

interface PeerEntry {
  peerId: string;
  role: 'server' | 'client';
  connected: () => boolean;
  local: () => unknown;
  remote: () => unknown;
  setLocal: (data: unknown) => void;
  send: (message: unknown) => void;
  history: { local: SyncChange[]; remote: SyncChange[] };
  revisions: { local: number; remote: number };
}

export interface SyncDemoOptions {
  host?: string;
  port?: number;
  /** Batching window, ms. Default 100 (the JS client's default). */
  syncDelay?: number;
  onChange?: (change: SyncChange) => void;
  onPeers?: () => void;
  /** Every sync frame in or out, for the trace. */
  onFrame?: (peerId: string, dir: 'in' | 'out', text: string) => void;
}

export class SyncDemo {
  readonly #peers = new Map<string, PeerEntry>();
  #seq = 0;

  private constructor(
    readonly server: SyncServer,
    readonly client: SyncClient,
    private readonly opts: SyncDemoOptions,
  ) {}

  static async start(opts: SyncDemoOptions = {}): Promise<SyncDemo> {
    const syncDelay = opts.syncDelay ?? 100;
    const server = await SyncServer.listen({ generation: 'seed', host: opts.host ?? '127.0.0.1', port: opts.port ?? 0, syncDelay });
    const onFrame = opts.onFrame;
    // the Studio client's socket reports every frame it sends and receives: the pair's whole traffic
    class TracedWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols);
        if (onFrame) this.on('message', (data, isBinary) => onFrame('studio-client', 'in', isBinary ? '<binary>' : data.toString()));
      }
      override send(data: unknown, ...rest: unknown[]): void {
        onFrame?.('studio-client', 'out', typeof data === 'string' ? data : '<binary>');
        (super.send as (...a: unknown[]) => void)(data, ...rest);
      }
    }
    const client = new SyncClient({
      generation: 'seed',
      addresses: [server.url],
      retryDelay: 500,
      syncDelay,
      WebSocket: TracedWebSocket as never,
    });
    const demo = new SyncDemo(server, client, opts);
    server.on('connection', (conn) => demo.#addServerPeer(conn as SeedPeer));
    demo.#addClientPeer();
    await new Promise<void>((resolve) => {
      const t = setTimeout(done, 2000);
      const off = client.on('connected', done);
      function done() {
        clearTimeout(t);
        off();
        resolve();
      }
    });
    return demo;
  }

  get url(): string {
    return this.server.url;
  }

  #record(p: PeerEntry, replica: 'local' | 'remote', e: ChangeEvent): void {
    const change: SyncChange = {
      peerId: p.peerId,
      replica,
      revision: e.revision,
      patch: e.patch as unknown[],
      before: e.before,
      after: e.after,
      at: Date.now(),
    };
    const h = p.history[replica];
    h.push(change);
    if (h.length > HISTORY_LIMIT) h.splice(0, h.length - HISTORY_LIMIT);
    p.revisions[replica] = e.revision;
    this.opts.onChange?.(change);
  }

  #addServerPeer(conn: SeedPeer): void {
    const peerId = `server-${++this.#seq}`;
    let open = true;
    const entry: PeerEntry = {
      peerId,
      role: 'server',
      connected: () => open,
      local: () => conn.localData,
      remote: () => conn.remoteData,
      setLocal: (d) => conn.setLocalData(d),
      send: (m) => conn.send(m),
      history: { local: [], remote: [] },
      revisions: { local: 0, remote: 0 },
    };
    this.#peers.set(peerId, entry);
    conn.on('localChange', (e) => this.#record(entry, 'local', e));
    conn.on('remoteChange', (e) => this.#record(entry, 'remote', e));
    conn.on('close', () => {
      open = false;
      this.opts.onPeers?.();
    });
    // the server side of each connection starts with a sample document to edit
    conn.setLocalData(sampleDocument);
    this.opts.onPeers?.();
  }

  #addClientPeer(): void {
    const c = this.client;
    let connected = false;
    const entry: PeerEntry = {
      peerId: 'studio-client',
      role: 'client',
      connected: () => connected,
      local: () => c.localData,
      remote: () => c.remoteData,
      setLocal: (d) => c.setLocalData(d),
      send: (m) => void c.send(m),
      history: { local: [], remote: [] },
      revisions: { local: 0, remote: 0 },
    };
    this.#peers.set(entry.peerId, entry);
    c.on('localChange', (e) => this.#record(entry, 'local', e));
    c.on('change', (e) => this.#record(entry, 'remote', e));
    c.on('connected', () => {
      connected = true;
      this.opts.onPeers?.();
    });
    c.on('disconnected', () => {
      connected = false;
      this.opts.onPeers?.();
    });
  }

  #get(peerId: string): PeerEntry {
    const p = this.#peers.get(peerId);
    if (!p) throw new BridgeError(BridgeErrorCode.NotFound, `sync peer ${peerId} does not exist`);
    return p;
  }

  peers(): SyncPeerInfo[] {
    return [...this.#peers.values()].map((p) => ({
      peerId: p.peerId,
      role: p.role,
      generation: 'seed',
      connected: p.connected(),
      local: p.local(),
      remote: p.remote(),
      localRevision: p.revisions.local,
      remoteRevision: p.revisions.remote,
    }));
  }

  history(peerId: string, replica: 'local' | 'remote' | 'state', fromRevision = 0): SyncChange[] {
    if (replica === 'state') return [];
    return this.#get(peerId).history[replica].filter((c) => c.revision >= fromRevision);
  }

  setLocal(peerId: string, data: unknown): SyncPeerInfo {
    const p = this.#get(peerId);
    if (!p.connected()) throw new BridgeError(BridgeErrorCode.Failed, `sync peer ${peerId} is not connected`);
    try {
      p.setLocal(data);
    } catch (err) {
      throw new BridgeError(BridgeErrorCode.BadParams, `cannot set the local data of ${peerId}: ${(err as Error).message}`);
    }
    return this.peers().find((x) => x.peerId === peerId)!;
  }

  message(peerId: string, message: unknown): void {
    const p = this.#get(peerId);
    if (!p.connected()) throw new BridgeError(BridgeErrorCode.Failed, `sync peer ${peerId} is not connected`);
    p.send(message);
  }

  async close(): Promise<void> {
    this.client.close();
    await this.server.close();
  }
}
