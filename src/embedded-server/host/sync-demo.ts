// The Studio's data-sync pair: a sync server (seed generation: symmetric DATA/MESSAGE peers) and a
// Studio client connected to it, so that the Sync view has two replicas to edit and compare. Other
// peers (a user's app) may connect to the same server and show up too. Changes are kept, with their
// patch and the data before and after, so the UI can scrub through revisions: within the bounds of
// sync-history.ts, and a server peer that closes is forgotten with its history unless the user pinned
// it (issue 11, item 6). Peers of sync servers the Studio did not start (host/sync-attach.ts) join
// through watch(), so they share the history, its bounds, the pins and the events (issue 12, item 5).
import { WebSocket } from 'ws';
import type { SyncChange, SyncOverview, SyncPeerInfo, SyncTargetRef } from '../../shared/bridge/contract';
import { BridgeError, BridgeErrorCode } from '../../shared/bridge/errors';
import type { Generation } from '../sync/generation';
import type { ChangeEvent } from '../sync/replica';
import type { SeedPeer } from '../sync/seed-peer';
import { SyncClient } from '../sync/sync-client';
import { SyncServer } from '../sync/ws-server';
import { SyncHistory, type SyncHistoryLimits } from './sync-history';

/** onPeers is called at most this often: 2,000 connections or a burst of changes make one call per window. */
const PEERS_NOTICE_MS = 100;

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
  generation: Generation;
  /** A peer of an attached sync server or of a sync proxy (host/sync-attach.ts); none for the demo pair. */
  target?: SyncTargetRef;
  connected: () => boolean;
  local: () => unknown;
  remote: () => unknown;
  setLocal: (data: unknown) => void;
  send: (message: unknown) => void;
  revisions: { local: number; remote: number };
  /** Kept after it closes (server peers; the Studio client is never forgotten). */
  pinned: boolean;
  /** An attached server's observer: kept until detached. */
  alwaysKept?: boolean;
}

/** A peer the Studio watches outside its demo pair (sync attach, sync proxy): its owner feeds it. */
export interface WatchedPeerSpec {
  peerId: string;
  role: 'server' | 'client';
  generation: Generation;
  target: SyncTargetRef;
  connected: () => boolean;
  local: () => unknown;
  remote: () => unknown;
  /** What an explicit edit or send from the Sync view does; throws a BridgeError when it cannot. */
  setLocal: (data: unknown) => void;
  send: (message: unknown) => void;
  /** An attached observer is kept until detached (unpinning it is refused). */
  alwaysKept?: boolean;
}

/** How the owner of a watched peer reports it. */
export interface WatchedPeer {
  record(replica: 'local' | 'remote', e: ChangeEvent): void;
  /** Connected state or data changed without a change event (a reconnect): the overview is sent again. */
  changed(): void;
  readonly pinned: boolean;
  /** Forgets the peer and its history. */
  remove(): void;
}

export interface SyncDemoOptions {
  host?: string;
  port?: number;
  /** Batching window, ms. Default 100 (the JS client's default). */
  syncDelay?: number;
  /** Bounds of the history kept (see sync-history.ts for the defaults). */
  history?: Partial<SyncHistoryLimits>;
  onChange?: (change: SyncChange) => void;
  /** Peers came, closed, were pinned or forgotten, or the history changed; one call per 100 ms at most. */
  onPeers?: () => void;
  /** Every sync frame in or out, for the trace. */
  onFrame?: (peerId: string, dir: 'in' | 'out', text: string) => void;
}

export class SyncDemo {
  readonly #peers = new Map<string, PeerEntry>();
  readonly #history: SyncHistory;
  #seq = 0;
  #peersTimer: NodeJS.Timeout | undefined;

  private constructor(
    readonly server: SyncServer,
    readonly client: SyncClient,
    private readonly opts: SyncDemoOptions,
  ) {
    this.#history = new SyncHistory(opts.history);
  }

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
    // a forgotten peer's late change (its mirror reset as it closed) is neither held nor shown
    if (this.#peers.get(p.peerId) !== p) return;
    const change: SyncChange = {
      peerId: p.peerId,
      replica,
      revision: e.revision,
      patch: e.patch as unknown[],
      before: e.before,
      after: e.after,
      at: Date.now(),
    };
    this.#history.add({ ...change, replica });
    p.revisions[replica] = e.revision;
    this.opts.onChange?.(change);
    // the history's counts moved: the Sync view shows them
    this.#overviewChanged();
  }

  #addServerPeer(conn: SeedPeer): void {
    const peerId = `server-${++this.#seq}`;
    let open = true;
    const entry: PeerEntry = {
      peerId,
      role: 'server',
      generation: 'seed',
      connected: () => open,
      local: () => conn.localData,
      remote: () => conn.remoteData,
      setLocal: (d) => conn.setLocalData(d),
      send: (m) => conn.send(m),
      revisions: { local: 0, remote: 0 },
      pinned: false,
    };
    this.#peers.set(peerId, entry);
    conn.on('localChange', (e) => this.#record(entry, 'local', e));
    conn.on('remoteChange', (e) => this.#record(entry, 'remote', e));
    conn.on('close', () => {
      open = false;
      if (!entry.pinned) this.#forget(entry);
      this.#overviewChanged();
    });
    // the server side of each connection starts with a sample document to edit
    conn.setLocalData(sampleDocument);
    this.#overviewChanged();
  }

  #addClientPeer(): void {
    const c = this.client;
    let connected = false;
    const entry: PeerEntry = {
      peerId: 'studio-client',
      role: 'client',
      generation: 'seed',
      connected: () => connected,
      local: () => c.localData,
      remote: () => c.remoteData,
      setLocal: (d) => c.setLocalData(d),
      send: (m) => void c.send(m),
      revisions: { local: 0, remote: 0 },
      pinned: true,
    };
    this.#peers.set(entry.peerId, entry);
    c.on('localChange', (e) => this.#record(entry, 'local', e));
    c.on('change', (e) => this.#record(entry, 'remote', e));
    c.on('connected', () => {
      connected = true;
      this.#overviewChanged();
    });
    c.on('disconnected', () => {
      connected = false;
      this.#overviewChanged();
    });
  }

  /** Adds a peer the Studio watches (an attached server's observer, a proxied connection's two ends). */
  watch(spec: WatchedPeerSpec): WatchedPeer {
    if (this.#peers.has(spec.peerId)) throw new BridgeError(BridgeErrorCode.Failed, `sync peer ${spec.peerId} exists already`);
    const entry: PeerEntry = { ...spec, revisions: { local: 0, remote: 0 }, pinned: spec.alwaysKept ?? false };
    this.#peers.set(spec.peerId, entry);
    this.#overviewChanged();
    return {
      record: (replica, e) => this.#record(entry, replica, e),
      changed: () => this.#overviewChanged(),
      get pinned() {
        return entry.pinned;
      },
      remove: () => {
        this.#forget(entry);
        this.#overviewChanged();
      },
    };
  }

  #forget(p: PeerEntry): void {
    if (this.#peers.get(p.peerId) !== p) return;
    this.#peers.delete(p.peerId);
    this.#history.forget(p.peerId);
  }

  #overviewChanged(): void {
    if (!this.opts.onPeers || this.#peersTimer) return;
    this.#peersTimer = setTimeout(() => {
      this.#peersTimer = undefined;
      this.opts.onPeers?.();
    }, PEERS_NOTICE_MS);
    this.#peersTimer.unref();
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
      generation: p.generation,
      ...(p.target ? { target: p.target } : {}),
      connected: p.connected(),
      local: p.local(),
      remote: p.remote(),
      localRevision: p.revisions.local,
      remoteRevision: p.revisions.remote,
      pinned: p.pinned,
    }));
  }

  /** The peers held (without their data) and the history's bounds and counts. */
  overview(): SyncOverview {
    return {
      peers: [...this.#peers.values()].map((p) => ({ peerId: p.peerId, role: p.role, connected: p.connected(), pinned: p.pinned })),
      history: this.#history.stats(),
    };
  }

  /** Keeps a server peer after it closes, or lets it go (at once, when it is closed already). */
  pin(peerId: string, pinned: boolean): SyncOverview {
    const p = this.#get(peerId);
    if (p.alwaysKept) {
      if (!pinned)
        throw new BridgeError(BridgeErrorCode.NotSupported, `${peerId} watches an attached sync server: it is kept until detached`);
    } else if (p.role === 'client' && !p.target) {
      if (!pinned) throw new BridgeError(BridgeErrorCode.NotSupported, `${peerId} is the Studio's own client: it is always kept`);
    } else {
      p.pinned = pinned;
      if (!pinned && !p.connected()) this.#forget(p);
      this.#overviewChanged();
    }
    return this.overview();
  }

  /** Changes and patch text held for one peer (tests, the memory script). */
  historySize(peerId: string): { changes: number; bytes: number } {
    return this.#history.peerSize(peerId);
  }

  history(peerId: string, replica: 'local' | 'remote' | 'state', fromRevision = 0): SyncChange[] {
    if (replica === 'state') return [];
    this.#get(peerId);
    return this.#history.list(peerId, replica, fromRevision);
  }

  setLocal(peerId: string, data: unknown): SyncPeerInfo {
    const p = this.#get(peerId);
    if (!p.connected()) throw new BridgeError(BridgeErrorCode.Failed, `sync peer ${peerId} is not connected`);
    try {
      p.setLocal(data);
    } catch (err) {
      if (err instanceof BridgeError) throw err;
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
    clearTimeout(this.#peersTimer);
    this.#peersTimer = undefined;
    this.client.close();
    await this.server.close();
  }
}
