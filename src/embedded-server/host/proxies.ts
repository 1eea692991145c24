// The Studio's recording proxies (the Attach view): one JugglerProxy per upstream, each traced into the
// host's bus with side 'proxy' and its upstream as source. Several run at once; the UI hears about them
// through proxy.changed, coalesced so that a busy proxy costs at most a few events per second.
import type { ProxyInfo } from '../../shared/bridge/contract';
import { BridgeError, BridgeErrorCode } from '../../shared/bridge/errors';
import { parseListenAddr } from '../cli/addr';
import { JugglerProxy, ProxyError } from '../proxy';
import { parseUpstream } from '../proxy/upstream-request';
import { proxyHooks } from '../trace/adapters';
import type { TraceBus } from '../trace/trace-bus';

/** Least time between two proxy.changed events, ms. */
const CHANGE_INTERVAL_MS = 500;

interface Running {
  proxy: JugglerProxy;
  headers: string[];
  startedAt: number;
  lastRefusal?: ProxyInfo['lastRefusal'];
}

export class HostProxies {
  readonly #running = new Map<string, Running>();
  #timer: NodeJS.Timeout | undefined;
  #lastEmit = 0;

  constructor(
    private readonly bus: TraceBus,
    private readonly emit: (list: ProxyInfo[]) => void,
  ) {}

  async start(p: { upstream: string; listen?: string; headers?: Record<string, string> }): Promise<ProxyInfo> {
    let listen: { host: string; port: number } = { host: '127.0.0.1', port: 0 };
    if (p.listen) {
      try {
        listen = parseListenAddr(p.listen, 'listen');
      } catch (err) {
        throw new BridgeError(BridgeErrorCode.BadParams, `proxy.start: ${(err as Error).message}`);
      }
    }
    let proxy: JugglerProxy;
    try {
      // traced under the same spelling the proxy reports (ws://h:9000 → ws://h:9000/)
      const upstream = parseUpstream(p.upstream).href;
      proxy = new JugglerProxy(
        { upstream, headers: p.headers ?? {} },
        proxyHooks(this.bus, upstream, {
          onFrame: () => this.#changed(),
          onConnState: (_conn, _state, info) => {
            if (info?.refused) {
              const r = this.#running.get(proxy.id);
              if (r) r.lastRefusal = { status: info.code, reason: info.reason, at: Date.now() };
            }
            this.#changed();
          },
        }),
      );
      await proxy.listen(listen);
    } catch (err) {
      if (err instanceof ProxyError)
        throw new BridgeError(
          err.code === 'LISTEN_FAILED' ? BridgeErrorCode.Failed : BridgeErrorCode.BadParams,
          `proxy.start: ${err.message}`,
        );
      throw err;
    }
    this.#running.set(proxy.id, { proxy, headers: Object.keys(p.headers ?? {}), startedAt: Date.now() });
    this.#changed(true);
    return this.#info(proxy.id)!;
  }

  async stop(id: string): Promise<ProxyInfo[]> {
    const r = this.#running.get(id);
    if (!r) throw new BridgeError(BridgeErrorCode.NotFound, `no proxy ${id} is running`);
    this.#running.delete(id);
    await r.proxy.close();
    this.#changed(true);
    return this.list();
  }

  list(): ProxyInfo[] {
    return [...this.#running.keys()].map((id) => this.#info(id)!);
  }

  async closeAll(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const all = [...this.#running.values()];
    this.#running.clear();
    await Promise.allSettled(all.map((r) => r.proxy.close()));
  }

  #info(id: string): ProxyInfo | undefined {
    const r = this.#running.get(id);
    if (!r) return undefined;
    const c = r.proxy.counters;
    return {
      id,
      upstream: r.proxy.upstream,
      localUrl: r.proxy.localUrl!,
      headers: r.headers,
      startedAt: r.startedAt,
      connections: { total: c.connections, open: c.open, refused: c.refused },
      frames: { in: c.framesIn, out: c.framesOut },
      bytes: { in: c.bytesIn, out: c.bytesOut },
      ...(r.lastRefusal ? { lastRefusal: r.lastRefusal } : {}),
    };
  }

  /** Emits proxy.changed now (`now`) or once the interval since the last one has passed. */
  #changed(now = false): void {
    if (now) {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#lastEmit = performance.now();
      this.emit(this.list());
      return;
    }
    if (this.#timer) return;
    const wait = Math.max(0, CHANGE_INTERVAL_MS - (performance.now() - this.#lastEmit));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#lastEmit = performance.now();
      this.emit(this.list());
    }, wait);
    this.#timer.unref();
  }
}
