// Sync servers the Studio did not start, watched from the Sync view (issue 12, item 5):
// - attach: the Studio connects to a sync server's URL as an observing client peer. It sends nothing
//   of its own (seed: no local data, no PING; 0.6/0.7: no keepalive request; 0.7 still answers the
//   server's transport pings, as the protocol requires), unless the user edits or sends from the view.
//   `detect` tries each generation in turn (sync/generation-probe.ts) and keeps the report.
// - proxy: a recording sync proxy (sync-proxy/) between a real client and a real server; each proxied
//   connection shows as two peers, the client's replicas and the server's, so that the divergence
//   alarm compares the real ones.
// Their peers join the demo pair's in SyncDemo (same history bounds, pins, events), named by target.
import { WebSocket } from 'ws';
import type { SyncGeneration, SyncTarget, SyncTargetRef } from '../../shared/bridge/contract';
import { BridgeError, BridgeErrorCode } from '../../shared/bridge/errors';
import { redactUrl } from '../../shared/redact-url';
import type { TraceInput } from '../../shared/trace/events';
import { probeGeneration } from '../sync/generation-probe';
import { SyncClient } from '../sync/sync-client';
import type { WebSocketConstructor } from '../sync/ws-client';
import { type ProxyClose, SyncProxy } from '../sync-proxy/sync-proxy';
import type { SyncDemo, WatchedPeer } from './sync-demo';

/** Closed proxied connections kept (with their two peers) per proxy, newest first; pinned ones on top. */
export const KEEP_CLOSED_CONNECTIONS = 8;
/** How long attach waits for the observer's first connection. */
const CONNECT_WAIT_MS = 5000;

export interface SyncAttachOptions {
  demo: SyncDemo;
  /** Records one trace event (the host's bus). */
  record: (e: TraceInput) => void;
  onTargets: (targets: SyncTarget[]) => void;
  log: (level: 'info' | 'warn', text: string) => void;
}

interface Target {
  info: SyncTarget;
  close: () => Promise<void>;
  peers: Set<WatchedPeer>;
}

/** The frame's type for the trace: seed/0.6 JSON `type`, 0.7's header (a one-segment message: its type). */
function frameType(text: string): string | undefined {
  const h = text[0];
  if (h === '2') return 'ping';
  if (h === '3') return 'pong';
  if (h === '1') return 'segment';
  const json = h === '0' ? text.slice(1) : text;
  try {
    const t = (JSON.parse(json) as { type?: unknown }).type;
    return typeof t === 'string' ? t : undefined;
  } catch {
    return h === '0' ? 'segment' : undefined;
  }
}

function checkUrl(url: string, what: string): void {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new BridgeError(BridgeErrorCode.BadParams, `${what} must be a ws:// or wss:// URL (e.g. ws://127.0.0.1:9200/ws), got "${url}"`);
  }
  if (u.protocol !== 'ws:' && u.protocol !== 'wss:')
    throw new BridgeError(BridgeErrorCode.BadParams, `${what} must be a ws:// or wss:// URL (e.g. ws://127.0.0.1:9200/ws), got "${url}"`);
}

export class SyncAttach {
  readonly #targets = new Map<string, Target>();
  #seq = 0;

  constructor(private readonly o: SyncAttachOptions) {}

  list(): SyncTarget[] {
    return [...this.#targets.values()].map((t) => ({ ...t.info }));
  }

  #changed(): void {
    this.o.onTargets(this.list());
  }

  #get(targetId: string): Target {
    const t = this.#targets.get(targetId);
    if (!t) throw new BridgeError(BridgeErrorCode.NotFound, `no attached sync target ${targetId} (see sync.targets)`);
    return t;
  }

  /** Watches the sync server at `url` as an observing client of `requested` (or the generation detected). */
  async attach(url: string, requested: SyncGeneration | 'detect' = 'detect'): Promise<SyncTarget> {
    checkUrl(url, 'the sync server URL');
    // what is shown, traced and logged: the URL without its password (basic auth in the URL)
    const shown = redactUrl(url);
    const targetId = `attach-${++this.#seq}`;
    const record = this.o.record;
    let generation: SyncGeneration;
    let tries: SyncTarget['tries'];
    if (requested === 'detect') {
      // the probe's pings are frames the Studio sends to that system: traced like the observer's
      const probe = await probeGeneration(url, {
        onFrame: (g, dir, text) =>
          record({
            kind: 'frame',
            proto: 'sync',
            side: 'client',
            source: shown,
            connId: `${targetId}/probe-${g}`,
            dir,
            type: frameType(text),
            size: Buffer.byteLength(text),
            text,
          }),
      });
      tries = probe.tries;
      if (!probe.generation) {
        const why = probe.tries.map((t) => `${t.generation}: ${t.reason}`).join('; ');
        throw new BridgeError(BridgeErrorCode.Failed, `no sync generation answered at ${shown} (${why})`);
      }
      generation = probe.generation;
    } else generation = requested;

    const ref: SyncTargetRef = { targetId, kind: 'attach', url: shown };
    let lastError = '';
    // the first connection's failure ends attach at once (later ones are retried in the background)
    let firstFailed: (() => void) | undefined;
    // the observer's socket: every frame traced, and why a connection failed kept for the user
    class ObservedWebSocket extends WebSocket {
      constructor(address: string) {
        super(address);
        this.on('message', (data, isBinary) => {
          const text = isBinary ? `<binary ${(data as Buffer).length} bytes>` : data.toString();
          record({
            kind: 'frame',
            proto: 'sync',
            side: 'client',
            source: shown,
            connId: targetId,
            dir: 'in',
            type: frameType(text),
            size: Buffer.byteLength(text),
            text,
          });
        });
        this.on('error', (err) => {
          lastError = err.message;
          firstFailed?.();
        });
      }
      override send(data: unknown, ...rest: unknown[]): void {
        const text = typeof data === 'string' ? data : '<binary>';
        record({
          kind: 'frame',
          proto: 'sync',
          side: 'client',
          source: shown,
          connId: targetId,
          dir: 'out',
          type: frameType(text),
          size: Buffer.byteLength(text),
          text,
        });
        (super.send as (...a: unknown[]) => void)(data, ...rest);
      }
    }
    const client = new SyncClient({
      generation,
      addresses: [url],
      retryDelay: 2000,
      // observing: no keepalive of our own (seed's is off by default; 0.6 would send requests)
      pingDelay: null,
      syncDelay: 100,
      WebSocket: ObservedWebSocket as unknown as WebSocketConstructor,
    });
    let connected = false;
    const info: SyncTarget = {
      targetId,
      kind: 'attach',
      url: shown,
      requested,
      generation,
      ...(tries ? { tries } : {}),
      connected,
      since: Date.now(),
    };
    const peer = this.o.demo.watch({
      peerId: targetId,
      role: 'client',
      generation,
      target: ref,
      alwaysKept: true,
      connected: () => connected,
      local: () => client.localData,
      remote: () => client.remoteData,
      setLocal: (data) => {
        if (generation !== 'seed')
          throw new BridgeError(
            BridgeErrorCode.NotSupported,
            `a ${generation} client has no local data: send a request {"name", "data"} instead`,
          );
        client.setLocalData(data);
      },
      send: (message) => {
        if (generation === 'seed') return void client.send(message);
        const m = message as { name?: unknown; data?: unknown } | null;
        if (typeof m !== 'object' || m === null || typeof m.name !== 'string')
          throw new BridgeError(BridgeErrorCode.BadParams, `a ${generation} client sends requests: give {"name": "...", "data": ...}`);
        client
          .send(m.name, m.data ?? null)
          .catch((err: Error) => this.o.log('warn', `sync ${targetId}: request ${m.name} failed: ${err.message}`));
      },
    });
    client.on('change', (e) => peer.record('remote', e));
    client.on('localChange', (e) => peer.record('local', e));
    const firstConnection = new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), CONNECT_WAIT_MS);
      firstFailed = () => {
        clearTimeout(t);
        resolve(false);
      };
      client.on('connected', () => {
        clearTimeout(t);
        firstFailed = undefined;
        resolve(true);
      });
    });
    client.on('connected', () => {
      connected = true;
      info.connected = true;
      record({ kind: 'conn', proto: 'sync', side: 'client', source: shown, connId: targetId, state: 'connected', remote: shown });
      peer.changed();
      this.#changed();
    });
    client.on('disconnected', (e) => {
      connected = false;
      info.connected = false;
      info.lastError = `closed ${e.code}${e.reason ? ` ${e.reason}` : ''}`;
      record({
        kind: 'conn',
        proto: 'sync',
        side: 'client',
        source: shown,
        connId: targetId,
        state: 'closed',
        code: e.code,
        reason: e.reason,
      });
      peer.changed();
      this.#changed();
    });
    const target: Target = {
      info,
      peers: new Set([peer]),
      close: async () => client.close(),
    };
    this.#targets.set(targetId, target);
    if (!(await firstConnection)) {
      await this.detach(targetId);
      throw new BridgeError(
        BridgeErrorCode.Failed,
        `cannot connect to ${shown} as a ${generation} client${lastError ? `: ${lastError}` : ''} (check the address, path and credentials)`,
      );
    }
    this.o.log('info', `sync: attached ${shown} (generation ${generation}${requested === 'detect' ? ', detected' : ''}), watching only`);
    this.#changed();
    return { ...info };
  }

  /** Starts a recording proxy to `upstream`, listening on `listen` (HOST:PORT; default a free loopback port). */
  async proxy(
    upstream: string,
    requested: SyncGeneration | 'detect' = 'detect',
    listen?: { host: string; port: number },
  ): Promise<SyncTarget> {
    checkUrl(upstream, 'the upstream');
    const shown = redactUrl(upstream);
    const targetId = `proxy-${++this.#seq}`;
    let proxy: SyncProxy;
    try {
      proxy = await SyncProxy.listen({
        upstream,
        host: listen?.host ?? '127.0.0.1',
        port: listen?.port ?? 0,
        generation: requested === 'detect' ? undefined : requested,
      });
    } catch (err) {
      throw new BridgeError(
        BridgeErrorCode.Failed,
        `cannot start a sync proxy${listen ? ` on ${listen.host}:${listen.port}` : ''}: ${(err as Error).message}`,
      );
    }
    const info: SyncTarget = {
      targetId,
      kind: 'proxy',
      url: shown,
      requested,
      generation: requested === 'detect' ? null : requested,
      connected: true,
      listenUrl: proxy.url,
      connections: { open: 0, total: 0 },
      decodeFailures: 0,
      since: Date.now(),
    };
    const target: Target = { info, peers: new Set(), close: () => proxy.close() };
    this.#targets.set(targetId, target);
    const record = this.o.record;
    // closed connections, oldest first: beyond the bound, unpinned ones are forgotten
    const closed: { peers: WatchedPeer[] }[] = [];

    // one listener for every connection's close (a listener per connection would pile up on the proxy)
    const onClose = new Map<string, (e: ProxyClose) => void>();
    proxy.on('close', (e) => {
      onClose.get(e.connId)?.(e);
      onClose.delete(e.connId);
    });
    const refuse = () => {
      throw new BridgeError(BridgeErrorCode.NotSupported, 'a sync proxy forwards the real peers\u2019 frames: it sends nothing of its own');
    };

    proxy.on('connection', (c) => {
      const ref: SyncTargetRef = { targetId, kind: 'proxy', url: shown, connId: c.id };
      const connId = `${targetId}/${c.id}`;
      let open = true;
      const r = c.replicas;
      // the two ends join the view once the generation is known (given, or from the first frame that tells),
      // so that no peer is ever shown with a generation guessed
      let peers: { client: WatchedPeer; server: WatchedPeer } | undefined;
      const make = (side: 'client' | 'server', generation: SyncGeneration) =>
        this.o.demo.watch({
          peerId: `${targetId}-${c.id}-${side}`,
          role: side,
          generation,
          target: ref,
          connected: () => open,
          local: () => r[side].local.value,
          remote: () => r[side].remote.value,
          setLocal: refuse,
          send: refuse,
        });
      const join = (g: SyncGeneration) => {
        if (peers) return;
        peers = { client: make('client', g), server: make('server', g) };
        target.peers.add(peers.client);
        target.peers.add(peers.server);
      };
      if (r.generation) join(r.generation);
      r.on('generation', (g) => {
        if (info.generation === null) info.generation = g;
        join(g);
        this.#changed();
      });
      r.on('change', (e) => peers?.[e.side].record(e.replica, e.change));
      r.on('decodeError', (e) => {
        info.decodeFailures = proxy.decodeFailures;
        info.lastError = `${c.id}: ${e.message}`;
        this.o.log('warn', `sync proxy ${targetId} ${c.id}: cannot decode a frame from the ${e.from} (forwarded anyway): ${e.message}`);
        this.#changed();
      });
      info.connections = { open: proxy.connections.size, total: (info.connections?.total ?? 0) + 1 };
      record({ kind: 'conn', proto: 'sync', side: 'proxy', source: shown, connId, state: 'connected', remote: c.remote });
      this.#changed();
      onClose.set(c.id, (e) => {
        open = false;
        record({ kind: 'conn', proto: 'sync', side: 'proxy', source: shown, connId, state: 'closed', code: e.code, reason: e.reason });
        if (peers) closed.push({ peers: [peers.client, peers.server] });
        // unpinned closed connections beyond the bound go, oldest first
        let unpinned = closed.filter((x) => !x.peers.some((p) => p.pinned));
        while (unpinned.length > KEEP_CLOSED_CONNECTIONS) {
          const old = unpinned.shift()!;
          closed.splice(closed.indexOf(old), 1);
          for (const p of old.peers) {
            p.remove();
            target.peers.delete(p);
          }
          unpinned = closed.filter((x) => !x.peers.some((p) => p.pinned));
        }
        info.connections = { open: Math.max(0, (info.connections?.open ?? 1) - 1), total: info.connections?.total ?? 0 };
        peers?.client.changed();
        this.#changed();
      });
    });
    proxy.on('frame', (f) =>
      record({
        kind: 'frame',
        proto: 'sync',
        side: 'proxy',
        source: shown,
        connId: `${targetId}/${f.connId}`,
        dir: f.dir,
        type: f.binary ? undefined : frameType(f.text),
        size: f.size,
        text: f.text,
        ...(f.error ? { error: f.error } : {}),
      }),
    );
    proxy.on('refused', (e) => {
      info.lastError = `refused ${e.remote}: HTTP ${e.status} ${e.reason}`;
      this.o.log('warn', `sync proxy ${targetId}: ${info.lastError}`);
      this.#changed();
    });
    this.o.log('info', `sync: proxy ${proxy.url} -> ${shown}`);
    this.#changed();
    return { ...info };
  }

  /** Stops watching a target and forgets its peers. */
  async detach(targetId: string): Promise<SyncTarget[]> {
    const t = this.#get(targetId);
    this.#targets.delete(targetId);
    await t.close().catch(() => undefined);
    for (const p of t.peers) p.remove();
    this.#changed();
    return this.list();
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#targets.values()].map((t) => t.close()));
    this.#targets.clear();
  }
}
